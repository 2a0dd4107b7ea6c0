// Plan preview: every step drawn on the back in order, a timeline of the phases, and the
// three things people change most (minutes, goal, pressure) redrawing the plan at once.

import { api, problemLines } from "./api.js";
import { BackMap } from "./backmap.js";
import { card, choices, h } from "./dom.js";
import { BEFORE, beforeDraft, clearBefore, keepBefore, ratingInput } from "./ratings.js";
import { activeSession, healthAnswered, intakeToSend, loadIntake, saveIntake } from "./state.js";
import { soundChoices, voice } from "./voice.js";
import { CONDITION_QUESTIONS, GOALS, PHASES, PHASE_COLOURS, PRESSURE_COLOURS, PRESSURES, clock } from "./words.js";

export function mountPreview(root, { go }) {
  let intake = loadIntake();
  if (!healthAnswered(intake, CONDITION_QUESTIONS.map(([c]) => c))) { go("#/"); return; }
  const before = beforeDraft();
  let routine = null;
  let ticket = 0;
  const chartBox = h("div", { class: "chart plan-chart" });
  const map = new BackMap(chartBox, { label: "The plan drawn on the back" });
  const timeline = h("div", { class: "timeline", "aria-label": "Phases of the massage" });
  const phaseLegend = h("div", { class: "phase-legend" });
  const summary = h("p", { class: "summary", id: "plan-summary" });
  const problems = h("div", { class: "errors", role: "alert", hidden: true });
  const stepList = h("ol", { class: "step-list" });
  // One part of the massage at a time (a phase, or a round of the main work), stepped through.
  let part = 0, parts = [];
  const partLabel = h("p", { class: "part-label", id: "part-label", "aria-live": "polite" });
  const prevPart = h("button", { type: "button", class: "button", id: "part-prev" }, "◀ Before");
  const nextPart = h("button", { type: "button", class: "button", id: "part-next" }, "Next ▶");
  const allParts = h("button", { type: "button", class: "button", id: "part-all", "aria-pressed": "false" }, "All");
  const partNav = h("div", { class: "part-nav" }, prevPart, partLabel, nextPart, allParts);
  // The reflex map (seed 001), when the server offers it (GET /api/reflex-points; hidden on 404).
  const reflexToggle = h("button", { type: "button", class: "button", id: "reflex-toggle", "aria-pressed": "false", hidden: true },
    "Reflex points");
  const reflexClaim = h("p", { class: "muted reflex-claim", id: "reflex-claim", hidden: true });
  let reflex = null;
  reflexToggle.addEventListener("click", () => {
    const on = reflexToggle.getAttribute("aria-pressed") !== "true";
    reflexToggle.setAttribute("aria-pressed", String(on));
    map.drawReflex(on ? reflex.points : null);
    reflexClaim.hidden = !on;
  });
  fetch("/api/reflex-points", { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then((res) => (res.ok ? res.json() : null))
    .then((data) => {
      if (!data || !Array.isArray(data.points) || !data.points.length) return;
      reflex = data;
      reflexClaim.textContent = data.claim || "A traditional claim, not medical fact.";
      reflexToggle.hidden = false;
    })
    .catch(() => {});
  prevPart.addEventListener("click", () => { part = Math.max(0, part - 1); drawPart(); });
  nextPart.addEventListener("click", () => { part = Math.min(parts.length - 1, part + 1); drawPart(); });
  allParts.addEventListener("click", () => { part = part === -1 ? 0 : -1; drawPart(); });
  const stepCount = h("summary", {}, "Every step");
  const start = h("button", { type: "button", class: "primary big", id: "start" }, "Start the massage");
  // From the planner when it sends them (routine `preparation` and `notes`); absent before that.
  const preparation = h("ul", { class: "tips preparation", id: "preparation", hidden: true });
  const planNotes = h("ul", { class: "plan-notes", id: "plan-notes", hidden: true });

  const minutesOut = h("output", {});
  const minutes = h("input", { type: "range", id: "plan-minutes", "aria-label": "Minutes" });
  const fit = () => {
    const comfort = intake.goal === "comfort_care";
    minutes.min = comfort ? 3 : 15; minutes.max = comfort ? 10 : 60;
    intake.minutes = Math.min(Math.max(intake.minutes, Number(minutes.min)), Number(minutes.max));
    minutes.value = intake.minutes;
    minutesOut.textContent = `${intake.minutes} min`;
  };
  const change = (key, value) => {
    intake = { ...intake, [key]: value };
    fit();
    saveIntake(intake);
    redraw();
  };
  minutes.addEventListener("input", () => change("minutes", Number(minutes.value)));

  let lastMapKey = "";
  async function redraw() {
    const mine = ++ticket;
    const sent = intakeToSend(intake);
    try {
      const mapKey = JSON.stringify([sent.body, sent.spots]);
      const [plan, chart] = await Promise.all([api.plan(sent), mapKey === lastMapKey ? null : api.map(sent)]);
      if (mine !== ticket) return;  // a newer change is on its way
      if (chart) { map.setMap(chart); lastMapKey = mapKey; }
      routine = plan;
      problems.hidden = true;
      start.disabled = false;
      draw();
    } catch (err) {
      if (mine !== ticket) return;
      routine = null;
      start.disabled = true;
      problems.hidden = false;
      problems.replaceChildren(h("strong", {}, "No plan for these choices:"),
        h("ul", {}, problemLines(err).map((l) => h("li", {}, l))));
      map.paths.replaceChildren();
      timeline.replaceChildren();
    }
  }

  function partsOf(steps) {
    const out = [];
    steps.forEach((s, i) => {
      const key = `${s.phase}:${s.round ?? ""}`;
      const last = out.at(-1);
      if (last && last.key === key) last.steps.push(i);
      else out.push({ key, phase: s.phase, round: s.round, steps: [i] });
    });
    // A long part (a main work without rounds) is cut into pieces of a few steps, so a phone stays readable.
    return out.flatMap((p) => {
      const n = Math.ceil(p.steps.length / 6);
      if (n <= 1) return [p];
      const size = Math.ceil(p.steps.length / n);
      return Array.from({ length: n }, (_, k) => ({ ...p, piece: [k + 1, n], steps: p.steps.slice(k * size, (k + 1) * size) }));
    });
  }

  function drawPart() {
    const steps = routine.steps;
    if (part >= parts.length) part = 0;
    const p = parts[part];
    map.drawPlan(steps, p ? p.steps : null);
    allParts.setAttribute("aria-pressed", String(part === -1));
    prevPart.disabled = part <= 0;
    nextPart.disabled = part === -1 || part >= parts.length - 1;
    if (!p) { partLabel.textContent = `All ${steps.length} steps`; return; }
    const first = p.steps[0] + 1, last = p.steps.at(-1) + 1;
    partLabel.textContent = `Part ${part + 1} of ${parts.length}: ${PHASES[p.phase] || p.phase}` +
      `${p.round ? `, round ${p.round}` : ""}${p.piece ? ` (${p.piece[0]} of ${p.piece[1]})` : ""} · step${first === last ? ` ${first}` : `s ${first}–${last}`}`;
  }

  function draw() {
    const steps = routine.steps;
    parts = partsOf(steps);
    drawPart();
    summary.textContent = `${Math.round(routine.minutes)} minutes, ${steps.length} steps, ` +
      `${intake.pressure} pressure at most.`;
    const total = steps.reduce((a, s) => a + s.seconds, 0);
    const phases = [];
    for (const s of steps) {
      const last = phases.at(-1);
      if (last && last.phase === s.phase) last.seconds += s.seconds;
      else phases.push({ phase: s.phase, seconds: s.seconds });
    }
    timeline.replaceChildren(...phases.map((p) => h("div", {
      class: "phase", style: `flex-grow:${p.seconds / total};background:${PHASE_COLOURS[p.phase]}`,
      title: `${PHASES[p.phase]}: ${clock(p.seconds)}`,
    }, p.seconds / total > 0.09 ? PHASES[p.phase] : "")));
    phaseLegend.replaceChildren(...phases.map((p) => h("span", {},
      h("i", { style: `background:${PHASE_COLOURS[p.phase]}` }), `${PHASES[p.phase]} ${clock(p.seconds)}`)));
    const prep = Array.isArray(routine.preparation) ? routine.preparation : [];
    preparation.hidden = !prep.length;
    preparation.replaceChildren(...prep.map((p) => h("li", {}, p.item, p.why ? h("span", { class: "muted" }, ` — ${p.why}`) : null)));
    const notes = Array.isArray(routine.notes) ? routine.notes : [];
    planNotes.hidden = !notes.length;
    planNotes.replaceChildren(...notes.map((n) => h("li", { "data-code": n.code }, n.message)));
    stepCount.textContent = `Every step (${steps.length})`;
    stepList.replaceChildren(...steps.map((s) => h("li", {},
      h("span", { class: "swatch", style: `background:${PRESSURE_COLOURS[s.pressure]}` }),
      h("span", { class: "when" }, clock(s.seconds)), " ", s.cue)));
  }

  start.addEventListener("click", async () => {
    voice.unlock();
    start.disabled = true;
    try {
      const created = await api.startSession(intakeToSend(intake));
      activeSession.set(created.id);
      // The "before" ratings go with this session's outcome draft; untouched ones stay not given.
      localStorage.setItem(`backrub.outcome.${created.id}`, JSON.stringify({ ...before, notes: "" }));
      clearBefore();
      sessionStorage.setItem(`backrub.routine.${created.id}`, JSON.stringify(created.routine));
      go(`#/live/${created.id}`);
    } catch (err) {
      problems.hidden = false;
      problems.replaceChildren(h("ul", {}, problemLines(err).map((l) => h("li", {}, l))));
      start.disabled = false;
    }
  });

  const legend = h("div", { class: "legend" },
    PRESSURES.map(([p, title]) => h("span", {}, h("i", { style: `background:${PRESSURE_COLOURS[p]}` }), title)),
    h("span", {}, h("i", { class: "hatch" }), "No touch"));
  root.replaceChildren(h("div", { class: "preview" },
    h("h1", { tabindex: "-1" }, "The plan"),
    summary,
    planNotes,
    problems,
    h("div", { class: "two-col" },
      h("div", {}, partNav, chartBox, legend, h("div", { class: "reflex-row" }, reflexToggle, reflexClaim)),
      h("div", {},
        card("Change it",
          h("h3", { id: "plan-minutes-h" }, "How long"),
          h("div", { class: "range", "data-field": "minutes" }, minutes, minutesOut),
          h("h3", {}, "What for"),
          choices("plan-goal", GOALS, intake.goal, (v) => change("goal", v), { describe: false }),
          h("h3", {}, "How firm, at most"),
          choices("plan-pressure", PRESSURES, intake.pressure, (v) => change("pressure", v), { describe: false })),
        card("Phases", timeline, phaseLegend),
        card("Before you start: ask them", h("p", { class: "muted" }, "Their own answers, before any touch. Skip any they would rather not answer."),
          h("div", { class: "ratings" }, BEFORE.map(([name, label, hint]) => ratingInput(name, label, hint, before[name],
            (v) => { before[name] = v; keepBefore(before); })))),
        card("Sound", h("p", { class: "muted" }, "The coach says each step and chimes when a new one begins."), soundChoices()),
        card("Get ready", preparation, h("ul", { class: "tips" },
          h("li", {}, "Warm the room and the oil; have a towel ready."),
          h("li", {}, "Prop the phone or tablet where you can see it."),
          h("li", {}, "Ask them to say “softer”, “firmer” or “that hurts” at any time.")),
          h("div", { class: "actions" }, h("a", { href: "#/", class: "button" }, "Change answers"), start)))),
    card("", h("details", { class: "steps" }, stepCount, stepList))));
  fit();
  redraw();
}
