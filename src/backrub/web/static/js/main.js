// The coach's pages, one at a time, chosen by the address: #/, #/screening, #/plan,
// #/live/<id>, #/end/<id>.

import { mountEnd } from "./end.js";
import { mountIntake } from "./intake.js";
import { mountLive } from "./live.js";
import { mountPreview } from "./preview.js";
import { mountScreening } from "./screening.js";

const VIEWS = [
  [/^#\/screening$/, mountScreening, "Screening"],
  [/^#\/plan$/, mountPreview, "Plan"],
  [/^#\/live\/([0-9a-f]{32})$/, mountLive, "Massage"],
  [/^#\/end\/([0-9a-f]{32})$/, mountEnd, "Finish"],
  [/^/, mountIntake, "Intake"],
];

const root = document.getElementById("app");
let cleanup = null;

function go(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

async function route() {
  if (typeof cleanup === "function") cleanup();
  cleanup = null;
  document.getElementById("toasts")?.replaceChildren();  // notices leave with their page
  const hash = location.hash || "#/";
  for (const [pattern, mount, title] of VIEWS) {
    const m = hash.match(pattern);
    if (!m) continue;
    document.title = `${title} · backrub`;
    document.body.dataset.view = title.toLowerCase();
    window.scrollTo(0, 0);
    cleanup = await mount(root, { go, params: m.slice(1) });
    // Focus moves to the new page's heading, so a screen reader starts there.
    root.querySelector("h1")?.setAttribute("tabindex", "-1");
    root.querySelector("h1")?.focus({ preventScroll: true });
    return;
  }
}

window.addEventListener("hashchange", route);
route();
