// "Start a session" for a recipient: today's minutes, goal and pressure (from their preferences),
// a live preview of what the session starts from and what changed since last time, and why.

import { BEFORE, emptyRatings, ratingInput } from "../ratings.js";
import { activeSession } from "../state.js";
import { choices, h } from "../dom.js";
import { DECISIONS, GOALS, PRESSURES } from "../words.js";
import { records } from "./api.js";
import { showProblems, problemBox, clearProblems } from "./form.js";

const FULL_GOALS = GOALS.filter(([id]) => id !== "comfort_care");

const goalWords = (goal) => (GOALS.find(([g]) => g === goal)?.[1] || goal).toLowerCase();

// The firmest pressure the session may use: the choice, or lower where screening caps it.
function firmest(pressure, screening) {
  const order = PRESSURES.map(([p]) => p);
  const cap = screening.changes?.find((c) => c.code === "pressure_cap")?.value;
  return cap && order.indexOf(cap) < order.indexOf(pressure) ? cap : pressure;
}

// What the record says a session starts from, before today's choices.
function fromRecord(prefs) {
  const goal = prefs.goal || "relax";
  const comfort = goal === "comfort_care";
  return { goal, pressure: prefs.pressure || "medium", minutes: prefs.minutes ?? (comfort ? 8 : 30) };
}

export function sessionStarter(rid) {
  let base = null, today = null, ticket = 0, timer = 0;
  const before = emptyRatings(BEFORE);  // asked before any touch; untouched stays not given
  const form = h("form", { class: "start-form", id: "start-form", novalidate: true });
  const preview = h("div", { class: "preview-box", id: "preview", "aria-live": "polite" });
  const start = h("button", { type: "submit", class: "primary big", id: "start-session" }, "Start");
  const refused = h("div", { class: "kind-words", id: "refused", role: "alert", hidden: true });

  function draw() {
    const minutes = h("input", { type: "range", min: 15, max: 60, step: 1, value: today.minutes, id: "today-minutes" });
    const out = h("output", { for: "today-minutes" }, `${today.minutes} minutes`);
    minutes.addEventListener("input", () => { today.minutes = Number(minutes.value); out.textContent = `${minutes.value} minutes`; soon(); });
    const error = () => h("p", { class: "field-error", role: "alert", hidden: true });
    const labelled = (group, id) => { group.setAttribute("aria-labelledby", id); return group; };
    form.replaceChildren(problemBox(),
      h("div", { class: "field", "data-path": "minutes" }, h("label", { class: "field-label", for: "today-minutes" }, "How long"),
        h("div", { class: "range" }, minutes, out), error()),
      h("div", { class: "field", "data-path": "goal" }, h("span", { class: "field-label", id: "today-goal-label" }, "What for"),
        labelled(choices("today-goal", FULL_GOALS, today.goal, (v) => { today.goal = v; soon(); }, { describe: false }),
          "today-goal-label"), error()),
      h("div", { class: "field", "data-path": "pressure" },
        h("span", { class: "field-label", id: "today-pressure-label" }, "How firm at most"),
        labelled(choices("today-pressure", PRESSURES, today.pressure, (v) => { today.pressure = v; soon(); }, { describe: false }),
          "today-pressure-label"), h("p", { class: "muted cap-note", id: "pressure-cap-note", hidden: true }), error()),
      preview,
      h("div", { class: "ratings before-ratings" }, h("h3", {}, "Before you start: ask them"),
        BEFORE.map(([name, label, hint]) => ratingInput(name, label, hint, before[name], (v) => { before[name] = v; }))),
      refused,
      h("div", { class: "actions" }, start));
  }

  // Only what differs from the record is sent as today's choice, so the reasons stay the record's.
  const choicesToSend = () => Object.fromEntries(Object.entries(today).filter(([k, v]) => v !== base[k]));

  function soon() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 150);
  }

  async function refresh() {
    const mine = ++ticket;
    try {
      const next = await records.nextIntake(rid, choicesToSend());
      if (mine !== ticket) return;
      clearProblems(form);
      showPreview(next);
    } catch (err) {
      if (mine !== ticket) return;
      preview.replaceChildren();
      start.disabled = true;
      showProblems(form, err.detail, { fallback: err.detail?.length ? [] : ["The preview could not be made. Please try again."] });
    }
  }

  function showPreview(next) {
    const { screening } = next;
    const [title, lead] = DECISIONS[screening.decision] || [screening.decision, ""];
    const i = next.intake;
    const stops = screening.decision === "refer" || screening.decision === "check_first";
    start.disabled = stops;
    refused.hidden = true;
    // The choice and the limit that applies are never shown as if they agreed.
    const cap = firmest(today.pressure, screening);
    const capNote = form.querySelector("#pressure-cap-note");
    if (capNote) {
      capNote.hidden = cap === today.pressure;
      capNote.textContent = cap === today.pressure ? "" : `The screening allows ${cap} pressure at most, so the massage stays ${cap}.`;
    }
    preview.replaceChildren(
      h("p", { class: "summary", id: "preview-summary" },
        `${Math.round(i.minutes)} minutes, ${goalWords(i.goal)}, ` +
        `${firmest(i.pressure, screening)} pressure at most.`),
      h("h3", {}, "What changed since last time, and why"),
      next.changes.length
        ? h("ul", { class: "changes", id: "changes" }, next.changes.map((c) => h("li", { "data-field": c.field },
          h("span", { class: "what" }, c.what), h("span", { class: "why" }, ` — ${c.why}`))))
        : h("p", { class: "muted", id: "changes" }, "Nothing: the same as last time."),
      h("div", { class: `screen-box decision-${screening.decision}`, "data-decision": screening.decision },
        h("p", {}, h("strong", {}, title), lead && screening.reasons.length ? ` — ${lead}` : ""),
        screening.reasons.length ? h("ul", { class: "reasons" }, screening.reasons.map((r) => h("li", {}, r.message))) : null,
        stops ? h("p", { class: "muted" }, screening.decision === "check_first"
          ? "When a doctor or nurse says a gentle massage is fine, tick that in the record below."
          : "Please let a doctor or a trained therapist see them first.") : null));
  }

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    start.disabled = true;
    refused.hidden = true;
    try {
      const made = await records.startSession(rid, choicesToSend());
      openLive(made, before);
    } catch (err) {
      start.disabled = false;
      if (err.status === 409) showRefusal(refused, err);
      else showProblems(form, err.detail, { fallback: err.detail?.length ? [] : ["The session could not start. Please try again."] });
    }
  });

  return {
    node: form,
    // (Re)fill from the record: after it changed, today's choices start again from it.
    setRecipient(recipient) {
      base = fromRecord(recipient.preferences);
      const minutes = Math.min(Math.max(Number(base.minutes) || 30, 15), 60);
      today = { ...base, goal: base.goal === "comfort_care" ? "relax" : base.goal, minutes };
      draw();
      refresh();
    },
  };
}

// The kind words when no massage may be given today (409), with the reasons.
export function showRefusal(box, err) {
  const reasons = err.body?.reasons || [];
  box.hidden = false;
  box.replaceChildren(
    h("p", {}, h("strong", {}, "Not today."), " The coach cannot plan a massage for these choices:"),
    h("ul", { class: "reasons" }, reasons.map((r) => h("li", {}, typeof r === "string" ? r : r.message || ""))),
    h("p", {}, "Thank you for checking first. A warm drink, a blanket and some quiet company are still good things to offer."));
}

export function openLive(made, before = null) {
  activeSession.set(made.id);
  if (before) localStorage.setItem(`backrub.outcome.${made.id}`, JSON.stringify({ ...before, notes: "" }));
  sessionStorage.setItem(`backrub.routine.${made.id}`, JSON.stringify(made.routine));
  location.assign(`/#/live/${made.id}`);
}
