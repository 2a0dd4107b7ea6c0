// Who is signed in, in the page's header, with a button to sign out (only when the coach has
// accounts). Importing this module is enough: it finds the page's <header class="top"> itself.
// A page of a coach with accounts opened without a login goes to /signin first.

import { call, goSignIn, whoami } from "./api.js";
import { h } from "./dom.js";

export async function mountAccount(header = document.querySelector("header.top")) {
  const me = await whoami();
  if (!me.accounts) return null;
  if (!me.username) {
    goSignIn();
    return null;
  }
  if (!header || header.querySelector(".account")) return null;
  const out = h("button", { type: "button", class: "link", id: "signout" }, "Sign out");
  out.addEventListener("click", async () => {
    out.disabled = true;
    try {
      await call("POST", "/api/auth/signout");
    } catch {
      // Signed out already, or the coach is unreachable: the sign-in page says which.
    }
    location.assign("/signin");
  });
  const box = h("span", { class: "account", style: "margin-left: auto; display: flex; gap: .4rem; align-items: baseline; white-space: nowrap; flex-shrink: 0" },
    h("span", { class: "muted", id: "signed-in-as" }, me.username), out);
  header.append(box);
  return box;
}

mountAccount();
