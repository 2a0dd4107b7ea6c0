// The sign-in page: username and password, each problem shown next to its field, then back to the
// page that sent us here (?next=, only a path on this coach: never another site).

import { ApiError, call, whoami } from "./api.js";

const form = document.getElementById("signin");
const button = document.getElementById("go");
const formError = document.getElementById("form-error");
const FIELDS = ["username", "password"];

// Where to go once signed in: a path on this coach only (no "//host", no "https://elsewhere").
export function safeNext(raw, origin = location.origin) {
  if (typeof raw !== "string" || !raw.startsWith("/") || raw.startsWith("//") || raw.includes("\\")) return "/";
  try {
    const url = new URL(raw, origin);
    if (url.origin !== origin || url.pathname.startsWith("/signin")) return "/";
    return url.pathname + url.search + url.hash;
  } catch {
    return "/";
  }
}

function showProblems(err) {
  for (const name of FIELDS) {
    document.getElementById(`${name}-error`).textContent = "";
    document.getElementById(name).removeAttribute("aria-invalid");
  }
  formError.hidden = true;
  const general = [];
  for (const d of err.detail) {
    const name = d.loc?.[1];
    if (FIELDS.includes(name)) {
      const box = document.getElementById(`${name}-error`);
      box.textContent = box.textContent ? `${box.textContent} ${d.msg}` : d.msg;
      document.getElementById(name).setAttribute("aria-invalid", "true");
    } else {
      general.push(d.msg);
    }
  }
  if (typeof err.body?.detail === "string") general.push(err.body.detail);
  if (!err.detail.length && !general.length) general.push("The coach could not be reached. Please try again.");
  if (general.length) {
    formError.textContent = general.join(" ");
    formError.hidden = false;
  }
  const first = FIELDS.find((n) => document.getElementById(n).getAttribute("aria-invalid"));
  if (first) document.getElementById(first).focus();
}

form.addEventListener("submit", async (ev) => {
  ev.preventDefault();
  button.disabled = true;
  try {
    await call("POST", "/api/auth/signin", {
      username: document.getElementById("username").value.trim(),
      password: document.getElementById("password").value,
    });
    location.assign(safeNext(new URLSearchParams(location.search).get("next")));
  } catch (err) {
    showProblems(err instanceof ApiError ? err : new ApiError(0, null));
    button.disabled = false;
  }
});

whoami().then((me) => {
  if (!me.accounts) {
    document.getElementById("why").textContent =
      "This coach has no accounts: it is served on this computer only, and nobody needs to sign in.";
    form.hidden = true;
  } else if (me.username) {
    document.getElementById("why").textContent = `You are signed in as ${me.username}.`;
  }
});
