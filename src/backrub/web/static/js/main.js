// The coach's pages, one at a time, chosen by the address: #/, #/screening, #/plan,
// #/live/<id>, #/end/<id>.

// Each page's code is fetched when first shown, so the intake loads only what it needs.
const VIEWS = [
  [/^#\/screening$/, () => import("./screening.js").then((m) => m.mountScreening), "Screening"],
  [/^#\/plan$/, () => import("./preview.js").then((m) => m.mountPreview), "Plan"],
  [/^#\/live\/([0-9a-f]{32})$/, () => import("./live.js").then((m) => m.mountLive), "Massage"],
  [/^#\/end\/([0-9a-f]{32})$/, () => import("./end.js").then((m) => m.mountEnd), "Finish"],
  [/^/, () => import("./intake.js").then((m) => m.mountIntake), "Intake"],
];

const root = document.getElementById("app");
let cleanup = null;
let routed = 0;

function go(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

async function route() {
  if (typeof cleanup === "function") cleanup();
  cleanup = null;
  document.getElementById("toasts")?.replaceChildren();  // notices leave with their page
  const hash = location.hash || "#/";
  const mine = ++routed;
  for (const [pattern, load, title] of VIEWS) {
    const m = hash.match(pattern);
    if (!m) continue;
    const mount = await load();
    if (mine !== routed) return;  // the address changed while the page's code was loading
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

// The offline worker keeps the pages and scripts (not the live channel, which needs the server).
// It is registered once the first page is up and the browser is idle: its install fetches every
// file, which would otherwise compete with the first load.
if ("serviceWorker" in navigator && window.isSecureContext) {
  const register = () => navigator.serviceWorker.register("/sw.js").catch(() => {});
  const idle = window.requestIdleCallback || ((f) => setTimeout(f, 1500));
  addEventListener("load", () => idle(register, { timeout: 4000 }), { once: true });
}
