// The end: how they felt before and after (0-10), notes, and the session saved. For a recipient's
// session, what it taught (a painful place, a pressure) is then offered to confirm or dismiss.

import { api } from "./api.js";
import { Channel } from "./channel.js";
import { card, h } from "./dom.js";
import { records } from "./records/api.js";
import { proposalList } from "./records/proposals.js";
import { AFTER, BEFORE, emptyRatings, ratingInput } from "./ratings.js";
import { activeSession, draft, keep } from "./state.js";

export function mountEnd(root, { params }) {
  const id = params[0];
  const key = `backrub.outcome.${id}`;
  // Only what the receiver said: "before" was asked on the plan page, "after" is asked here.
  const values = draft(key, { ...emptyRatings(BEFORE), ...emptyRatings(AFTER), notes: "" });
  const status = h("p", { class: "saved", id: "saved", "aria-live": "polite" });
  const summary = h("p", { class: "lead", id: "end-summary" }, "Cover the back with a towel and let them rest a moment.");
  let endSeq = null;
  let recipientId;  // null for a session without recipient; undefined until the session is read
  let shown = null;  // "learned" once asked after the save; "pending" when only shown again
  const learned = h("div", { id: "learned" });

  // What this session suggests for the recipient's record: asked once the outcome is stored
  // (`learn`), or, when the page is opened again later, the proposals still waiting.
  async function showLearned(ask) {
    if (shown === "learned" || (!ask && shown)) return;
    shown = ask ? "learned" : "pending";
    try {
      if (recipientId === undefined) recipientId = (await api.session(id)).recipient_id ?? null;
      if (!recipientId) return;
      const [taught, who] = await Promise.all([ask ? records.learn(id) : null, records.get(recipientId)]);
      const proposals = taught ? taught.proposals : who.proposals;
      learned.replaceChildren(...[
        proposals.length ? card("What this session taught",
          h("p", { class: "muted" }, `For ${who.recipient.name}'s record; nothing changes until you confirm.`),
          proposalList(proposals)) : null,
        h("p", {}, h("a", { href: `/recipients#${recipientId}`, class: "button", id: "to-recipient" },
          `Back to ${who.recipient.name}'s record`))].filter(Boolean));
    } catch {
      shown = null;  // tried again on the next save or reconnect
    }
  }

  const channel = new Channel(id, {
    resync: async () => {
      const s = await api.session(id);
      channel.seenSeq(Math.max(-1, ...s.events.map((ev) => ev.seq ?? -1)));
      const feedback = s.events.filter((ev) => ev.type === "feedback").length;
      const minutes = Math.round(Math.min(s.status.elapsed_s, s.status.total_s) / 60);
      summary.textContent = `${minutes < 1 ? "Under a minute" : `About ${minutes} minute${minutes > 1 ? "s" : ""}`}, ${s.routine.steps.length} steps` +
        (feedback ? `, adapted ${feedback} time${feedback > 1 ? "s" : ""} as you went.` : ".") +
        " Cover the back with a towel and let them rest a moment.";
      if (s.outcome && !localStorage.getItem(key)) Object.assign(values, s.outcome);
      recipientId = s.recipient_id ?? null;
      if (s.ended_at && s.outcome && !localStorage.getItem(key)) showLearned(false);
    },
    onOnline: () => {},
    onMessage: (msg) => {
      if (msg.type === "ack" && msg.seq === endSeq) {
        status.textContent = "Saved. Thank you.";
        activeSession.clear();
        localStorage.removeItem(key);
        save.disabled = false;
        showLearned(true);
      }
    },
  });

  const sliders = AFTER.map(([name, label, hint]) => ratingInput(name, label, hint, values[name],
    (v) => { values[name] = v; keep(key, values); }));
  const given = BEFORE.filter(([name]) => values[name] !== null && values[name] !== undefined)
    .map(([name]) => `${name.startsWith("pain") ? "pain" : "relaxed"} ${values[name]} of 10`);
  const before = h("p", { class: "muted", id: "before-given" }, given.length
    ? `Before the massage they said: ${given.join("; ")}.` : "No rating was given before the massage.");
  const notes = h("textarea", { id: "notes", rows: 4, placeholder: "What felt good, what to change next time" });
  notes.value = values.notes || "";
  notes.addEventListener("input", () => { values.notes = notes.value; keep(key, values); });
  const save = h("button", { type: "button", class: "primary big", id: "save" }, "Save");
  save.addEventListener("click", () => {
    save.disabled = true;
    endSeq = channel.send({ type: "end", outcome: { ...values } });
    status.textContent = channel.online ? "Saving…" : "Kept; it is saved when the connection is back.";
  });

  root.replaceChildren(h("div", { class: "end" },
    h("h1", { tabindex: "-1" }, "Well done"),
    summary,
    card("Ask them how they feel", h("p", { class: "muted" }, "Only what they say; leave a question unanswered if they would rather not."),
      h("div", { class: "ratings" }, sliders), before),
    card("Notes", notes),
    h("div", { class: "actions" }, h("a", { href: `#/live/${id}`, class: "button" }, "Back to the massage"), save),
    status,
    learned,
    h("p", {}, h("a", { href: "#/", class: "link", id: "new" }, "Plan another massage"))));
  channel.start(true);
  return () => channel.stop();
}
