// A small helper to build DOM: h("button", {class: "big", onclick}, "Softer").

export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") node.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(node.dataset, v);
    // Through the CSSOM: the pages' CSP refuses style attributes, which would leave them unstyled.
    else if (k === "style") node.style.cssText = v;
    else if (v === true) node.setAttribute(k, "");
    else node.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

// A row of choices that behaves as radio buttons, with big targets.
export function choices(name, options, value, onChange, { describe = true } = {}) {
  const group = h("div", { class: "choices", role: "radiogroup", "data-field": name });
  for (const [id, title, note] of options) {
    const input = h("input", { type: "radio", name, value: id, id: `${name}-${id}`, checked: id === value });
    input.addEventListener("change", () => onChange(id));
    group.append(h("label", { class: "choice", for: `${name}-${id}` }, input,
      h("span", { class: "choice-title" }, title), describe && note ? h("span", { class: "choice-note" }, note) : null));
  }
  return group;
}

export function card(title, ...children) {
  return h("section", { class: "card" }, title ? h("h2", {}, title) : null, ...children);
}

export function toast(text, kind = "info") {
  let box = document.getElementById("toasts");
  if (!box) { box = h("div", { id: "toasts", "aria-live": "polite" }); document.body.append(box); }
  const t = h("div", { class: `toast ${kind}` }, text);
  box.append(t);
  setTimeout(() => t.classList.add("gone"), 3200);
  setTimeout(() => t.remove(), 3800);
}
