// Form pieces for the records pages: labelled fields with their error next to them, and the
// 422 answer's problems put beside the field each `loc` names (the rest in the form's summary).

import { h } from "../dom.js";

let serial = 0;
const uid = (stem) => `${stem}-${++serial}`;

// A labelled input with a slot for its error; `path` is the field's place in the body ("preferences.minutes").
export function field(path, label, input, { hint = "", cls = "" } = {}) {
  input.id ||= uid(path.replaceAll(".", "-"));
  const error = h("p", { class: "field-error", id: `${input.id}-error`, role: "alert", hidden: true });
  const note = hint ? h("span", { class: "muted", id: `${input.id}-hint` }, hint) : null;
  input.setAttribute("aria-describedby", [note && note.id, error.id].filter(Boolean).join(" "));
  return h("div", { class: `field ${cls}`, "data-path": path },
    h("label", { for: input.id }, label), note, input, error);
}

// A group of inputs (checkboxes, radios) under one legend, with one error slot.
export function group(path, legend, ...children) {
  const id = uid(path.replaceAll(".", "-"));
  const error = h("p", { class: "field-error", id: `${id}-error`, role: "alert", hidden: true });
  return h("fieldset", { class: "group", "data-path": path, "aria-describedby": error.id },
    h("legend", {}, legend), ...children, error);
}

export function checkbox(name, label, checked, value = "on") {
  const input = h("input", { type: "checkbox", name, value, checked, id: uid(name) });
  return h("label", { class: "tick", for: input.id }, input, h("span", {}, label));
}

export function radios(name, options, value) {
  return h("div", { class: "choices compact" }, options.map(([id, title]) => {
    const input = h("input", { type: "radio", name, value: id, id: uid(`${name}-${id || "none"}`), checked: id === value });
    return h("label", { class: "choice", for: input.id }, input, h("span", { class: "choice-title" }, title));
  }));
}

export function clearProblems(form) {
  form.querySelectorAll(".field-error").forEach((e) => { e.hidden = true; e.textContent = ""; });
  form.querySelectorAll("[aria-invalid]").forEach((e) => e.removeAttribute("aria-invalid"));
  form.querySelectorAll(".has-error").forEach((e) => e.classList.remove("has-error"));
  const summary = form.querySelector(".form-problems");
  if (summary) { summary.hidden = true; summary.replaceChildren(); }
}

// Each problem of a 422 beside its field: the longest part of `loc` (after "body") that names one.
// Problems no field claims go to the form's `.form-problems` box. Returns how many were shown.
export function showProblems(form, detail, { fallback = [] } = {}) {
  clearProblems(form);
  const summary = form.querySelector(".form-problems");
  const loose = [...fallback];
  let first = null;
  for (const d of detail || []) {
    const parts = (d.loc || []).slice(1).map(String);
    let slot = null;
    for (let n = parts.length; n > 0 && !slot; n--) {
      const path = parts.slice(0, n).filter((p) => !/^\d+$/.test(p)).join(".");
      slot = form.querySelector(`[data-path="${CSS.escape(path)}"]`);
    }
    if (!slot) { loose.push(d.msg); continue; }
    const error = slot.querySelector(":scope > .field-error");
    error.hidden = false;
    error.textContent = error.textContent ? `${error.textContent} ${d.msg}` : d.msg;
    slot.classList.add("has-error");
    const input = slot.querySelector("input:not([type=radio]):not([type=checkbox]), select, textarea") || slot.querySelector("input");
    input?.setAttribute("aria-invalid", "true");
    first ||= input || slot;
  }
  if (loose.length && summary) {
    summary.hidden = false;
    summary.replaceChildren(h("ul", {}, loose.map((m) => h("li", {}, m))));
    first ||= summary;
  }
  first?.focus?.({ preventScroll: true });
  first?.scrollIntoView?.({ block: "center" });
  return (detail || []).length + fallback.length;
}

// The box for problems no field claims; it goes at the top of a form.
export const problemBox = () => h("div", { class: "errors form-problems", role: "alert", hidden: true, tabindex: "-1" });
