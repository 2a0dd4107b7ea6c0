// The form for a recipient's record, to add one or to edit one: name, standing conditions,
// clearance, preferred pressure, minutes and goal, notes. Problems show beside their fields.

import { h } from "../dom.js";
import { GOALS, PRESSURES } from "../words.js";
import { checkbox, clearProblems, field, group, problemBox, radios, showProblems } from "./form.js";
import { COMMON_CONDITIONS, CONDITION_WORDS } from "./words.js";

// `recipient` to edit, or null to add; `onSave(body)` returns a promise (throws ApiError on 422).
export function recipientForm({ recipient = null, draftKey = null, submitLabel, onSave }) {
  const start = recipient ? fromRecipient(recipient) : loadDraft(draftKey);
  const prefix = recipient ? "edit" : "add";
  const name = h("input", { type: "text", name: "name", autocomplete: "off", maxlength: 200, value: start.name });
  const minutes = h("input", { type: "number", name: "minutes", inputmode: "numeric", min: 3, max: 60, step: 1,
    value: start.minutes, placeholder: "30" });
  const goal = h("select", { name: "goal" }, h("option", { value: "" }, "Not set"),
    GOALS.map(([id, title]) => h("option", { value: id, selected: id === start.goal }, title)));
  const notes = h("textarea", { name: "notes", rows: 3, placeholder: "What helps, what to avoid, who to call" });
  notes.value = start.notes;
  const tick = ([code, words]) => checkbox("conditions", words, start.conditions.includes(code), code);
  const rarer = CONDITION_WORDS.slice(COMMON_CONDITIONS);
  const conditions = [h("div", { class: "ticks" }, CONDITION_WORDS.slice(0, COMMON_CONDITIONS).map(tick)),
    h("details", { class: "more", open: rarer.some(([c]) => start.conditions.includes(c)) },
      h("summary", {}, `${rarer.length} more, for which the coach waits or asks for a doctor`),
      h("div", { class: "ticks" }, rarer.map(tick)))];
  const cleared = checkbox("cleared_by_clinician", "A doctor or nurse has said a gentle back massage is fine",
    start.cleared_by_clinician);
  const save = h("button", { type: "submit", class: "primary", id: `${prefix}-save` }, submitLabel);

  const form = h("form", { class: "record-form", id: `${prefix}-form`, novalidate: true },
    problemBox(),
    field("name", "Name or alias", name, { hint: "As you call them." }),
    group("conditions", "Standing conditions",
      h("p", { class: "muted" }, "Tick what stays true about them. The coach checks it before every session."),
      conditions),
    group("cleared_by_clinician", "Clearance", cleared),
    group("preferences", "What suits them",
      group("preferences.pressure", "Pressure",
        radios(`${prefix}-pressure`, [["", "Not set"], ...PRESSURES], start.pressure)),
      h("div", { class: "pair" },
        field("preferences.minutes", "Minutes", minutes, { hint: "15–60; 3–10 for a comfort rub" }),
        field("preferences.goal", "Goal", goal, { hint: "What most sessions are for" }))),
    field("notes", "Notes", notes),
    h("div", { class: "actions" }, save));

  const read = () => {
    // Only the preferences this form shows: merged into the record; "Not set" on a record sends
    // null, which unsets one (the coach's default applies again). Others stay as they are.
    const prefs = {};
    const put = (key, value) => {
      if (value !== "") prefs[key] = value;
      else if (recipient) prefs[key] = null;
    };
    put("pressure", form.querySelector(`input[name="${prefix}-pressure"]:checked`)?.value || "");
    put("minutes", minutes.value === "" ? "" : Number(minutes.value));
    put("goal", goal.value);
    return {
      name: name.value,
      conditions: [...form.querySelectorAll('input[name="conditions"]:checked')].map((c) => c.value),
      cleared_by_clinician: form.querySelector('input[name="cleared_by_clinician"]').checked,
      preferences: prefs,
      notes: notes.value,
    };
  };
  if (draftKey) {
    form.addEventListener("input", () => localStorage.setItem(draftKey, JSON.stringify(read())));
    form.addEventListener("change", () => localStorage.setItem(draftKey, JSON.stringify(read())));
  }

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    // A number box holding something that is not a number reads as empty: say so rather than drop it.
    if (minutes.validity.badInput) {
      showProblems(form, [{ loc: ["body", "preferences", "minutes"], msg: "expected a whole number of minutes" }]);
      return;
    }
    save.disabled = true;
    clearProblems(form);
    try {
      await onSave(read());
      if (draftKey) localStorage.removeItem(draftKey);
    } catch (err) {
      showProblems(form, err.detail, { fallback: err.detail?.length ? [] : [err.body?.detail && typeof err.body.detail === "string"
        ? err.body.detail : "Could not save. Please try again."] });
    } finally {
      save.disabled = false;
    }
  });
  return { form, reset: () => { form.reset(); if (draftKey) localStorage.removeItem(draftKey); } };
}

function fromRecipient(r) {
  return {
    name: r.name, conditions: r.conditions, cleared_by_clinician: r.cleared_by_clinician, notes: r.notes || "",
    pressure: r.preferences.pressure || "", minutes: r.preferences.minutes ?? "", goal: r.preferences.goal || "",
  };
}

function loadDraft(key) {
  const empty = { name: "", conditions: [], cleared_by_clinician: false, notes: "", pressure: "", minutes: "", goal: "" };
  try {
    const d = JSON.parse(localStorage.getItem(key) || "null");
    if (!d) return empty;
    return { ...empty, ...d, pressure: d.preferences?.pressure || "", minutes: d.preferences?.minutes ?? "",
      goal: d.preferences?.goal || "" };
  } catch {
    return empty;
  }
}
