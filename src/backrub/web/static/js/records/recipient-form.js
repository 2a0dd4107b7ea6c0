// The form for a recipient's record, to add one or to edit one: name, standing conditions,
// clearance, preferred pressure, minutes and goal, notes. Problems show beside their fields.

import { BackMap } from "../backmap.js";
import { h } from "../dom.js";
import { GOALS, NO_CONTACT, PRESSURES, SPOT_KINDS, zoneWords } from "../words.js";
import { drawable, loadMap } from "./chart.js";
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
  const places = placesToAvoid(prefix, start.spots, recipient?.preferences?.body, () => form.dispatchEvent(new Event("change")));

  const form = h("form", { class: "record-form", id: `${prefix}-form`, novalidate: true },
    problemBox(),
    field("name", "Name or alias", name, { hint: "As you call them." }),
    group("conditions", "Standing conditions",
      h("p", { class: "muted" }, "Tick what stays true about them. The coach checks it before every session."),
      conditions),
    group("cleared_by_clinician", "Clearance", cleared),
    group("spots", "Places on the back", places.node),
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
      spots: places.spots(),
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
    spots: r.spots || [],
    pressure: r.preferences.pressure || "", minutes: r.preferences.minutes ?? "", goal: r.preferences.goal || "",
  };
}

function loadDraft(key) {
  const empty = { name: "", conditions: [], cleared_by_clinician: false, notes: "", pressure: "", minutes: "", goal: "",
    spots: [] };
  try {
    const d = JSON.parse(localStorage.getItem(key) || "null");
    if (!d) return empty;
    return { ...empty, ...d, pressure: d.preferences?.pressure || "", minutes: d.preferences?.minutes ?? "",
      goal: d.preferences?.goal || "" };
  } catch {
    return empty;
  }
}

// The back chart in the form: what to mark (pain, a wound, ...), then a tap on the place or the
// place by name; each mark listed in words with a way to remove it. Standing spots keep their notes.
function placesToAvoid(prefix, initial, body, changed) {
  let spots = [...(initial || [])];
  let kind = "pain";
  const box = h("div", { class: "chart form-chart" });
  const chart = new BackMap(box, { label: "Back chart: tap to mark a place to avoid" });
  const list = h("ul", { class: "spot-list", id: `${prefix}-spots` });
  const kinds = h("div", { class: "chips kinds", role: "group", "aria-label": "What to mark" },
    SPOT_KINDS.map(([id, title]) => {
      const b = h("button", { type: "button", class: `chip kind ${id}`, "data-kind": id, "aria-pressed": String(id === kind) }, title);
      b.addEventListener("click", () => {
        kind = id;
        kinds.querySelectorAll("button").forEach((x) => x.setAttribute("aria-pressed", String(x.dataset.kind === id)));
      });
      return b;
    }));
  const select = h("select", { id: `${prefix}-place`, "aria-label": "Place on the back" });
  const add = h("button", { type: "button", class: "button", id: `${prefix}-place-add` }, "Mark this place");
  const draw = () => {
    if (chart.map) chart.drawMarks(drawable(spots, chart.map), remove);
    list.replaceChildren(...spots.map((sp, i) => h("li", {}, h("span", { class: `dot ${sp.kind}` }),
      `${sp.kind[0].toUpperCase()}${sp.kind.slice(1)} — ${sp.zone ? zoneWords(sp.zone) : zoneWords(chart.zoneAt(sp.at.x_cm, sp.at.y_cm))}`,
      NO_CONTACT.has(sp.kind) ? h("span", { class: "muted" }, " (no touching there)") : null,
      h("button", { type: "button", class: "link", onclick: () => remove(i) }, "remove"))));
  };
  const remove = (i) => { spots = spots.filter((_, k) => k !== i); draw(); changed(); };
  chart.svg.addEventListener("click", (ev) => {
    const at = chart.toCm(ev);
    if (!chart.zoneAt(at.x_cm, at.y_cm)) return;
    spots = [...spots, { kind, at, radius_cm: 3 }];
    draw();
    changed();
  });
  add.addEventListener("click", () => {
    if (!select.value) return;
    spots = [...spots, { kind, zone: select.value }];
    draw();
    changed();
  });
  loadMap(body || {}).then((m) => {
    chart.setMap(m);
    select.replaceChildren(...m.zones.filter((z) => z.id !== "spine" && !z.id.startsWith("axilla"))
      .map((z) => h("option", { value: z.id }, zoneWords(z.id))));
    draw();
  }).catch(() => {});
  return {
    node: h("div", {}, h("p", { class: "muted" }, "Places to keep off or go gently: pick what, then tap the place or choose it by name."),
      kinds, box, h("div", { class: "place-pick" }, h("label", { for: `${prefix}-place` }, "Or by name:"), select, add), list),
    spots: () => spots,
  };
}
