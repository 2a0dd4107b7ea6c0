// A 0–10 rating the receiver gives, or nothing: no value is chosen until they say one, and an
// untouched rating is stored as not given (null), never as a made-up 5 or 0.

import { h } from "./dom.js";

export const BEFORE = [
  ["relaxation_before", "How relaxed are they now?", "0 tense … 10 deeply relaxed"],
  ["pain_before", "Any pain in the back now?", "0 none … 10 worst"],
];
export const AFTER = [
  ["relaxation_after", "How relaxed are they now?", "0 tense … 10 deeply relaxed"],
  ["pain_after", "Any pain in the back now?", "0 none … 10 worst"],
];
const BEFORE_KEY = "backrub.before";

export function emptyRatings(list) {
  return Object.fromEntries(list.map(([name]) => [name, null]));
}

// The "before" answers given on the plan page, kept until the session starts.
export function beforeDraft() {
  try { return { ...emptyRatings(BEFORE), ...JSON.parse(localStorage.getItem(BEFORE_KEY) || "{}") }; }
  catch { return emptyRatings(BEFORE); }
}
export function keepBefore(values) { localStorage.setItem(BEFORE_KEY, JSON.stringify(values)); }
export function clearBefore() { localStorage.removeItem(BEFORE_KEY); }

// One rating as a group of 11 radio buttons and a "not given" state; onChange(value or null).
export function ratingInput(name, label, hint, value, onChange) {
  const out = h("span", { class: "rating-value", id: `${name}-out` });
  const show = (v) => { out.textContent = v === null || v === undefined ? "not given" : String(v); };
  const radios = [];
  const scale = h("div", { class: "scale" });
  for (let v = 0; v <= 10; v++) {
    const input = h("input", { type: "radio", name, value: String(v), id: `${name}-${v}`, checked: value === v });
    input.addEventListener("change", () => { show(v); onChange(v); });
    radios.push(input);
    scale.append(h("label", { class: "scale-step", for: `${name}-${v}` }, input, h("span", {}, String(v))));
  }
  const clear = h("button", { type: "button", class: "link", "data-clear": name }, "Not given");
  clear.addEventListener("click", () => { radios.forEach((r) => { r.checked = false; }); show(null); onChange(null); });
  show(value);
  return h("fieldset", { class: "rating", "data-rating": name },
    h("legend", { class: "rating-label" }, label, " ", h("small", {}, hint)), scale,
    h("p", { class: "rating-foot" }, "Their answer: ", out, " · ", clear));
}
