// Screening in plain words: go ahead, go ahead with changes, ask a clinician first, or not today.

import { api, problemLines } from "./api.js";
import { card, h } from "./dom.js";
import { healthAnswered, intakeToSend, loadIntake, saveIntake, today } from "./state.js";
import { CLEARABLE, CONDITION_QUESTIONS, DECISIONS, conditionWords } from "./words.js";

export async function mountScreening(root, { go }) {
  const intake = loadIntake();
  // Nothing is answered for the user: unanswered health questions send them back to the intake.
  if (!healthAnswered(intake, CONDITION_QUESTIONS.map(([c]) => c))) { go("#/"); return; }
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
    // The clearance names the conditions it covers and belongs to today; a new one is asked again.
    const open = screening.reasons.map((r) => r.code)
      .filter((c) => CLEARABLE.has(c) && !screening.reasons.some((r) => r.code === c && r.message.includes("Cleared")));
    if (open.length) {
      const names = open.map(conditionWords).join(" and ");
      const box = h("input", { type: "checkbox", id: "cleared" });
      const goOn = h("button", { type: "button", class: "primary big", id: "cleared-go", disabled: true }, "Continue");
      box.addEventListener("change", () => { goOn.disabled = !box.checked; });
      goOn.addEventListener("click", () => {
        const kept = intake.clearance?.day === today() ? intake.clearance.conditions : [];
        saveIntake({ ...intake, clearance: { conditions: [...new Set([...kept, ...open])], day: today() } });
        mountScreening(root, { go });
      });
      next = h("div", { class: "clearance" },
        h("label", { class: "check", for: "cleared" }, box,
          h("span", { id: "cleared-text" }, `A doctor or nurse has said today that a gentle back massage is fine with ${names}.`)),
        goOn);
    }
  }
  const kindly = screening.decision === "refer"
    ? h("p", { class: "kind-words" },
        "Thank you for checking first. Please let a doctor or a trained therapist see them before any back " +
        "massage. A warm drink, a blanket and some quiet company are still good things to offer.")
    : null;
  root.replaceChildren(h("div", { class: `screening decision-${screening.decision}`, "data-decision": screening.decision },
    h("h1", { tabindex: "-1" }, title),
    card("", h("p", { class: "lead" }, lead), reasons, changes, kindly),
    h("div", { class: "actions" }, back, next)));
}
