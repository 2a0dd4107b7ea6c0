// What sessions suggest for a recipient's record, each with its reason, to confirm or dismiss.
// Nothing on the record changes until the giver confirms.

import { h } from "../dom.js";
import { records, detailText } from "./api.js";
import { SPOT_WORDS } from "./words.js";

export function proposalTitle(p) {
  if (p.kind === "pressure") return `Use ${p.value.pressure} pressure from now on (it was ${p.value.from})`;
  if (p.kind === "spot") return `Keep this ${(SPOT_WORDS[p.value.kind] || p.value.kind).toLowerCase()} marked, so the hands stay off it`;
  return p.kind;
}

// A list of proposals; `onDecided(proposal)` runs after each decision is stored.
export function proposalList(proposals, { onDecided = () => {} } = {}) {
  const list = h("ul", { class: "proposals", id: "proposals" });
  const empty = h("p", { class: "muted", id: "proposals-none", hidden: proposals.length > 0 }, "Nothing new to confirm.");

  for (const p of proposals) {
    const note = h("p", { class: "field-error", role: "alert", hidden: true });
    const yes = h("button", { type: "button", class: "primary", "data-confirm": p.id }, "Confirm");
    const no = h("button", { type: "button", "data-dismiss": p.id }, "Dismiss");
    const item = h("li", { class: "proposal", "data-proposal": p.id, "data-kind": p.kind },
      h("p", { class: "proposal-title" }, proposalTitle(p)),
      h("p", { class: "muted" }, p.reason),
      h("div", { class: "actions start" }, yes, no), note);
    const decide = async (confirm) => {
      yes.disabled = no.disabled = true;
      try {
        const done = await records.decide(p.id, confirm);
        item.replaceChildren(h("p", { class: "decided" },
          confirm ? `Confirmed: ${proposalTitle(p).replace(/^./, (c) => c.toLowerCase())}.` : "Dismissed."));
        item.classList.add("done");
        onDecided(done);
      } catch (err) {
        note.hidden = false;
        note.textContent = err.status === 409 ? "This was already decided." : detailText(err);
        yes.disabled = no.disabled = err.status === 409;
      }
    };
    yes.addEventListener("click", () => decide(true));
    no.addEventListener("click", () => decide(false));
    list.append(item);
  }
  return h("div", { class: "proposal-box" }, list, empty);
}
