// A recipient's history (trend plots, every session with its PDF, the record as PDF) and the
// record's upkeep: edit, share with another caregiver (accounts only), delete.

import { h } from "../dom.js";
import { records, detailText } from "./api.js";
import { trendsChart } from "./trends.js";
import { field, problemBox, showProblems, clearProblems } from "./form.js";
import { recipientForm } from "./recipient-form.js";
import { when } from "./words.js";

// The PDFs print their times in the reader's own zone.
const zone = `?tz=${encodeURIComponent(Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC")}`;
const rating = (v) => (v === null || v === undefined ? "–" : String(v));
// The breath a sensor read over the session, first minutes to last (issue 13).
const breathText = (b) => (b ? `${b.start_bpm} → ${b.end_bpm}` : "–");

export function historySection(recipient, sessions) {
  const rid = recipient.id;
  // Said only when the table is wider than the screen: then it scrolls sideways.
  const hint = h("p", { class: "muted scroll-hint", id: "sessions-hint", hidden: true },
    "The table scrolls sideways: swipe it to see every column.");
  const scroller = (table) => {
    const box = h("div", { class: "table-scroll", tabindex: "0", role: "region", "aria-label": "Sessions",
      "aria-describedby": "sessions-hint" }, table);
    new ResizeObserver(() => { hint.hidden = box.scrollWidth <= box.clientWidth + 1; }).observe(box);
    return box;
  };
  const rows = sessions.map((s) => h("tr", { "data-session": s.id },
    h("td", { class: "when-cell" }, when(s.started_at), h("br"),
      h("a", { class: "session-pdf", href: `/api/sessions/${s.id}/record.pdf${zone}`, download: "",
        "aria-label": `PDF of the session of ${when(s.started_at)}` }, "PDF")),
    h("td", {}, s.kind === "comfort" ? "comfort rub" : s.kind),
    h("td", {}, `${s.performed_min} of ${s.planned_min} min`), h("td", {}, s.pressure_used),
    h("td", {}, `${s.softer}/${s.firmer}/${s.pain}`),
    h("td", {}, `${rating(s.pain_before)} → ${rating(s.pain_after)}`),
    h("td", {}, `${rating(s.relaxation_before)} → ${rating(s.relaxation_after)}`),
    h("td", { class: "breath-cell" }, breathText(s.breath)),
    h("td", { class: "notes-cell" }, s.notes)));
  return h("section", { class: "card wide", id: "history", "aria-labelledby": "history-title" },
    h("h2", { id: "history-title" }, "History"),
    h("p", {}, h("a", { id: "pdf", class: "button", href: `/api/recipients/${rid}/record.pdf${zone}`, download: "" },
      "Download the record (PDF)"), h("span", { class: "muted block" }, "One page for a doctor or nurse.")),
    sessions.length
      ? [trendsChart(sessions, recipient.name), hint, scroller(
          h("table", { id: "sessions" },
            h("thead", {}, h("tr", {}, ["When", "Kind", "Time", "Firmest", "Softer/firmer/pain", "Pain", "Relaxation",
              "Breath /min", "Notes"].map((t) => h("th", { scope: "col" }, t)))),
            h("tbody", {}, rows)))]
      : h("p", { class: "muted", id: "no-sessions" }, "No sessions yet."));
}

export function manageSection(recipient, { accounts, onSaved }) {
  const rid = recipient.id;
  const { form } = recipientForm({
    recipient,
    submitLabel: "Save the record",
    onSave: async (body) => { onSaved(await records.update(rid, body)); },
  });
  const edit = h("details", { class: "edit", id: "edit" }, h("summary", {}, "Edit the record"), form);

  let share = null;
  if (accounts && !recipient.shared) {
    const who = h("input", { type: "text", name: "username", autocomplete: "off", autocapitalize: "none" });
    const done = h("p", { class: "saved", "aria-live": "polite" });
    // Every name it is shared with, whether or not that account exists yet: the coach answers the
    // same either way (so nobody can learn which usernames exist), and a name without an account
    // takes effect when that account is made. Listing them lets the owner see a mistyped name.
    let names = [...(recipient.shared_with || [])];
    const list = h("ul", { class: "plain", id: "shared-with" });
    const listed = h("div", { hidden: true }, h("p", { class: "muted" }, "Shared with:"), list);
    const drawList = () => {
      listed.hidden = names.length === 0;
      list.replaceChildren(...names.map((name) => h("li", {}, `${name} `,
        h("button", { type: "button", "data-unshare": name, onclick: async (ev) => {
          ev.target.disabled = true;
          try {
            await records.unshare(rid, name);
            names = names.filter((n) => n !== name);
            done.textContent = `Stopped sharing with ${name}.`;
            drawList();
          } catch (err) {
            ev.target.disabled = false;
            done.textContent = detailText(err);
          }
        } }, "Stop sharing"))));
    };
    drawList();
    const shareForm = h("form", { class: "share-form", id: "share-form", novalidate: true },
      problemBox(),
      field("username", "Their username", who, {
        hint: "They will see this record and add sessions to it once they sign in with that username." }),
      h("div", { class: "actions" }, h("button", { type: "submit" }, "Share")), done, listed);
    shareForm.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      done.textContent = "";
      const name = who.value.trim().toLowerCase();
      try {
        await records.share(rid, name);
        clearProblems(shareForm);
        done.textContent = `Shared with ${name}.`;
        if (!names.includes(name)) names = [...names, name].sort();
        drawList();
        who.value = "";
      } catch (err) {
        // The username travels in the path: its problems come back at ["path", "username"].
        const detail = (err.detail || []).map((d) => ({ ...d, loc: ["body", ...d.loc.slice(1)] }));
        showProblems(shareForm, detail, { fallback: detail.length ? [] : [detailText(err)] });
      }
    });
    share = h("details", { class: "share" }, h("summary", {}, "Share with another caregiver"), shareForm);
  }

  let remove = null;
  if (!recipient.shared) {
    const ask = h("button", { type: "button", class: "danger", id: "delete" }, "Delete this record…");
    const sure = h("div", { class: "confirm", hidden: true, role: "alertdialog", "aria-labelledby": "delete-q" },
      h("p", { id: "delete-q" }, `Delete ${recipient.name}'s record with every session and skin check? This cannot be undone.`),
      h("div", { class: "actions start" },
        h("button", { type: "button", onclick: () => { sure.hidden = true; ask.hidden = false; ask.focus(); } }, "Keep it"),
        h("button", { type: "button", class: "danger solid", id: "delete-yes", onclick: async (ev) => {
          ev.target.disabled = true;
          try {
            await records.remove(rid);
            location.hash = "";
          } catch (err) {
            ev.target.disabled = false;
            sure.append(h("p", { class: "field-error", role: "alert" }, detailText(err)));
          }
        } }, "Delete")));
    ask.addEventListener("click", () => { ask.hidden = true; sure.hidden = false; sure.querySelector("button").focus(); });
    remove = h("div", { class: "remove" }, ask, sure);
  }

  return h("section", { class: "card wide", id: "manage", "aria-labelledby": "manage-title" },
    h("h2", { id: "manage-title" }, "The record"), edit, share, remove);
}
