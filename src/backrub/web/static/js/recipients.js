// The records pages, read only: every recipient (/recipients), one recipient's sessions with the
// trend plots and the PDF record (/recipients#<id>). Everything shown is text nodes (names are typed
// by people), built with h().
import { h } from "./dom.js";

const app = document.getElementById("app");

async function getJson(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(res.status === 404 ? "No such recipient." :
    res.status === 403 ? "Records are shown only on the computer the coach runs on." : `HTTP ${res.status}`);
  return res.json();
}

function rating(v) { return v === null || v === undefined ? "–" : String(v); }

async function list() {
  const people = await getJson("/api/recipients");
  app.replaceChildren(h("h1", {}, "Recipients"),
    people.length === 0 ? h("p", { id: "none" }, "No recipients yet (`backrub import` brings them in from an export).") :
      h("ul", { id: "recipients" }, people.map((p) =>
        h("li", {}, h("a", { href: `#${p.id}` }, p.name),
          p.conditions.length ? h("span", { class: "note" }, ` — ${p.conditions.join(", ")}`) : null))));
}

async function one(id) {
  const { recipient, sessions } = await getJson(`/api/recipients/${id}`);
  const rows = sessions.map((s) => h("tr", {},
    h("td", {}, s.started_at.slice(0, 16).replace("T", " ")), h("td", {}, s.kind),
    h("td", {}, `${s.performed_min} of ${s.planned_min} min`), h("td", {}, s.pressure_used),
    h("td", {}, `${s.softer}/${s.firmer}/${s.pain}`),
    h("td", {}, `${rating(s.pain_before)} → ${rating(s.pain_after)}`),
    h("td", {}, `${rating(s.relaxation_before)} → ${rating(s.relaxation_after)}`),
    h("td", {}, s.notes)));
  app.replaceChildren(
    h("p", {}, h("a", { href: "#" }, "← all recipients")),
    h("h1", {}, recipient.name),
    recipient.notes ? h("p", {}, recipient.notes) : null,
    h("p", {}, h("a", { id: "pdf", href: `/api/recipients/${id}/record.pdf`, download: "" }, "Download the record (PDF)")),
    h("img", { id: "trends", src: `/api/recipients/${id}/trends.png`, alt: `Trends of ${recipient.name}'s sessions`,
      style: "max-width: 100%" }),
    h("table", { id: "sessions" },
      h("thead", {}, h("tr", {}, ["When", "Kind", "Time", "Firmest", "Softer/firmer/pain", "Pain", "Relaxation",
        "Notes"].map((t) => h("th", {}, t)))),
      h("tbody", {}, rows)));
}

async function show() {
  const id = location.hash.slice(1);
  try {
    await (/^[0-9a-f]{32}$/.test(id) ? one(id) : list());
  } catch (err) {
    app.replaceChildren(h("p", { class: "error", role: "alert" }, err.message));
  }
}

window.addEventListener("hashchange", show);
show();
