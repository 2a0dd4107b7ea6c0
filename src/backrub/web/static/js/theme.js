// The dim-room theme: the system setting by default, or the giver's own choice, kept on this device.
// A button in the page's header (and on the live page) switches between light and dim.

const KEY = "backrub.theme";

function choice() {
  const v = localStorage.getItem(KEY);
  return v === "light" || v === "dark" ? v : null;
}

export function isDim() {
  return (choice() || (matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light")) === "dark";
}

function apply() {
  const c = choice();
  if (c) document.documentElement.dataset.theme = c;
  else delete document.documentElement.dataset.theme;
  for (const b of document.querySelectorAll("button.theme")) {
    b.setAttribute("aria-pressed", String(isDim()));
  }
}

// A switch for the dim theme (aria-pressed tells whether it is on).
export function themeButton() {
  const b = document.createElement("button");
  b.type = "button";
  b.className = "theme";
  // On a phone's live page the tail of a label is read out, not shown ("Dim"): see .wide in app.css.
  const tail = document.createElement("span");
  tail.className = "wide";
  tail.textContent = " screen";
  b.append("Dim", tail);
  b.addEventListener("click", () => {
    localStorage.setItem(KEY, isDim() ? "light" : "dark");
    apply();
  });
  queueMicrotask(apply);
  return b;
}

apply();
matchMedia("(prefers-color-scheme: dark)").addEventListener("change", apply);
document.querySelector("header.top")?.append(themeButton());
