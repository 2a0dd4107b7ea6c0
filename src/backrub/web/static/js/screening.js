// Screening in plain words: go ahead, go ahead with changes, ask a clinician first, or not today.

import { api, problemLines } from "./api.js";
import { card, h } from "./dom.js";
import { intakeToSend, loadIntake, saveIntake } from "./state.js";
import { DECISIONS } from "./words.js";

export async function mountScreening(root, { go }) {
  const intake = loadIntake();
  let screening;
  try {
    screening = await api.screen(intakeToSend(intake));
  } catch (err) {
    root.replaceChildren(card("Something needs fixing", h("ul", {}, problemLines(err).map((l) => h("li", {}, l))),
      h("a", { href: "#/", class: "button" }, "Back to the answers")));
    return;
  }
  const [title, lead] = DECISIONS[screening.decision];
  const reasons = h("ul", { class: "reasons" },
    screening.reasons.map((r) => h("li", { "data-code": r.code }, r.message)));
  const changes = screening.changes.length
    ? h("div", {}, h("h3", {}, "What the plan changes"),
        h("ul", { class: "changes" }, screening.changes.map((c) => h("li", {}, c.message))))
    : null;
  const back = h("a", { href: "#/", class: "button" }, "Back to the answers");
  let next = null;
  if (screening.decision === "proceed" || screening.decision === "adapt") {
    next = h("a", { href: "#/plan", class: "button primary big", id: "to-plan" }, "See the plan");
  } else if (screening.decision === "check_first") {
    const box = h("input", { type: "checkbox", id: "cleared" });
    const go_on = h("button", { type: "button", class: "primary big", id: "cleared-go", disabled: true }, "Continue");
    box.addEventListener("change", () => { go_on.disabled = !box.checked; });
    go_on.addEventListener("click", () => {
      saveIntake({ ...intake, cleared_by_clinician: true });
      mountScreening(root, { go });
    });
    next = h("div", { class: "clearance" },
      h("label", { class: "check", for: "cleared" }, box,
        h("span", {}, "A doctor or nurse has said a gentle back massage is fine.")), go_on);
  }
  const kindly = screening.decision === "refer"
    ? h("p", { class: "kind-words" },
        "Thank you for checking first. Please let a doctor or a trained therapist see them before any back " +
        "massage. A warm drink, a blanket and some quiet company are still good things to offer.")
    : null;
  root.replaceChildren(h("div", { class: `screening decision-${screening.decision}`, "data-decision": screening.decision },
    h("h1", {}, title),
    card("", h("p", { class: "lead" }, lead), reasons, changes, kindly),
    h("div", { class: "actions" }, back, next)));
}
