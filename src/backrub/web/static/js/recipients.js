// The records pages (recipients.html): the hub (/recipients: due now, everyone, add one) and one
// recipient (/recipients#<id>, or #<id>/care to land on the skin check). Everything people typed
// is shown as text nodes, built with h().
import { h } from "./dom.js";
import { mountHub } from "./records/hub.js";
import { mountRecipient } from "./records/recipient.js";

const app = document.getElementById("app");

function problem(err) {
  if (err?.status === 404) return ["No such recipient.", h("a", { href: "#" }, "See everyone")];
  if (err?.status === 401) {
    return ["Please sign in to see the records.",
      h("a", { href: `/signin?next=${encodeURIComponent(location.pathname + location.hash)}` }, "Sign in")];
  }
  if (err?.status === 403) return ["Records are shown only on the computer the coach runs on."];
  return ["The records could not be read. Please try again."];
}

async function show() {
  const m = location.hash.match(/^#([0-9a-f]{32})(?:\/(care))?$/);
  try {
    if (m) {
      await mountRecipient(app, m[1], { focus: m[2] || null });
      if (!m[2]) window.scrollTo(0, 0);
    } else {
      document.title = "Recipients · backrub";
      await mountHub(app);
      window.scrollTo(0, 0);
    }
  } catch (err) {
    app.replaceChildren(h("p", { class: "errors", role: "alert" }, ...problem(err).flatMap((x) => [x, " "])));
  }
}

window.addEventListener("hashchange", show);
show();
