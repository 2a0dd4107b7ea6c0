// Intake: who gives it, what for, how long and how firm; health questions; marks on the back.

import { api, problemLines } from "./api.js";
import { BackMap } from "./backmap.js";
import { card, choices, h } from "./dom.js";
import { drawable } from "./records/chart.js";
import { VOCABULARY } from "./vocabulary.js";
import { activeSession, clearedConditions, healthAnswered, intakeToSend, loadIntake, saveIntake } from "./state.js";
import {
  CONDITION_QUESTIONS, conditionWords, FOCUS, GIVERS, GOALS, NO_CONTACT, POSITIONS, PRESSURES, SPOT_KINDS, zoneWords,
} from "./words.js";

export function mountIntake(root, { go }) {
  let intake = loadIntake();
  let spotKind = "pain";
  const save = () => saveIntake(intake);
  const set = (key, value) => { intake = { ...intake, [key]: value }; save(); };

  const errors = h("div", { class: "errors", role: "alert", hidden: true });
  const resume = activeSession.get()
    ? h("div", { class: "banner" }, "A massage is under way. ",
        h("a", { href: `#/live/${activeSession.get()}`, class: "link" }, "Go back to it"))
    : null;

  // -- the basics ------------------------------------------------------------------------
  const minutesOut = h("output", { id: "minutes-out" });
  const minutes = h("input", { type: "range", id: "minutes", "aria-label": "Minutes" });
  const fitMinutes = () => {
    const comfort = intake.goal === "comfort_care";
    minutes.min = comfort ? 3 : 15; minutes.max = comfort ? 10 : 60; minutes.step = 1;
    const v = Math.min(Math.max(Number(intake.minutes) || 0, minutes.min), minutes.max);
    if (v !== intake.minutes) set("minutes", v);
    minutes.value = v;
    minutesOut.textContent = `${v} minutes`;
  };
  minutes.addEventListener("input", () => { set("minutes", Number(minutes.value)); minutesOut.textContent = `${minutes.value} minutes`; });

  const positionBox = h("div");
  const drawPositions = () => {
    const allowed = intake.giver === "self" ? POSITIONS.filter(([p]) => p !== "prone") : POSITIONS;
    if (!allowed.some(([p]) => p === intake.position)) set("position", allowed[0][0] === "prone" ? "prone" : "seated");
    positionBox.replaceChildren(choices("position", allowed, intake.position, (v) => set("position", v), { describe: false }));
  };

  const breaths = h("input", { type: "number", id: "breaths", min: 4, max: 40, step: 1, inputmode: "numeric",
    value: intake.breaths_per_minute });
  breaths.addEventListener("input", () => set("breaths_per_minute", breaths.value === "" ? 12 : Number(breaths.value)));

  const focus = h("div", { class: "chips", "data-field": "focus" },
    FOCUS.map(([id, title]) => {
      const b = h("button", { type: "button", class: "chip", "aria-pressed": String(intake.focus.includes(id)) }, title);
      b.addEventListener("click", () => {
        const on = !intake.focus.includes(id);
        set("focus", on ? [...intake.focus, id] : intake.focus.filter((f) => f !== id));
        b.setAttribute("aria-pressed", String(on));
      });
      return b;
    }));

  // -- health questions: none answered for the user -------------------------------------------
  const setAnswer = (code, answer) => {
    const health = { ...intake.health, [code]: answer };
    const conditions = answer === "yes"
      ? [...new Set([...intake.conditions, code])] : intake.conditions.filter((c) => c !== code);
    intake = { ...intake, health, conditions };
    save();
    drawAnswers();
  };
  const rows = CONDITION_QUESTIONS.map(([code, question]) => {
    const qid = `q-${code}`;
    const yesB = h("button", { type: "button", class: "yn yes", onclick: () => setAnswer(code, "yes") }, "Yes");
    const noB = h("button", { type: "button", class: "yn no", onclick: () => setAnswer(code, "no") }, "No");
    return h("div", { class: "question", "data-condition": code, role: "group", "aria-labelledby": qid },
      h("span", { class: "q", id: qid }, question), h("span", { class: "yn-pair" }, yesB, noB));
  });
  const noneApply = h("button", { type: "button", class: "button", id: "none-apply" }, "None of these apply");
  noneApply.addEventListener("click", () => {
    const health = { ...intake.health };
    for (const [code] of CONDITION_QUESTIONS) if (health[code] !== "yes") health[code] = "no";
    intake = { ...intake, health, conditions: intake.conditions.filter((c) => health[c] === "yes") };
    save();
    drawAnswers();
  });
  const answeredOut = h("p", { class: "answered", id: "answered", "aria-live": "polite" });
  const clearanceNote = h("div", { class: "clearance-note", id: "clearance-note" });
  const drawAnswers = () => {
    let left = 0;
    for (const row of rows) {
      const a = intake.health?.[row.dataset.condition];
      row.querySelector(".yes").setAttribute("aria-pressed", String(a === "yes"));
      row.querySelector(".no").setAttribute("aria-pressed", String(a === "no"));
      row.classList.toggle("unanswered", a !== "yes" && a !== "no");
      if (a !== "yes" && a !== "no") left++;
    }
    answeredOut.textContent = left
      ? `${left} of ${rows.length} still to answer. Read each one; choose “None of these apply” only if none does.`
      : "All answered.";
    const cleared = clearedConditions(intake);
    clearanceNote.replaceChildren(...(cleared.length ? [
      h("p", {}, h("strong", {}, "Cleared by a clinician today for: "), cleared.map(conditionWords).join(", "), ". ",
        h("button", { type: "button", class: "link", id: "clearance-remove", onclick: () => {
          set("clearance", null); drawAnswers();
        } }, "Remove")),
      h("p", { class: "muted" }, "A new condition needs its own clearance; the screening asks again.")] : []));
  };
  const questions = h("div", { class: "questions", "data-field": "conditions" }, rows);

  // -- the back chart --------------------------------------------------------------------------
  const chartBox = h("div", { class: "chart" });
  const spotList = h("ul", { class: "spot-list" });
  const kinds = h("div", { class: "chips kinds", role: "radiogroup", "aria-label": "What to mark" },
    SPOT_KINDS.map(([id, title]) => {
      const b = h("button", { type: "button", class: `chip kind ${id}`, "data-kind": id, "aria-pressed": String(id === spotKind) }, title);
      b.addEventListener("click", () => {
        spotKind = id;
        kinds.querySelectorAll("button").forEach((x) => x.setAttribute("aria-pressed", String(x.dataset.kind === id)));
      });
      return b;
    }));
  const map = new BackMap(chartBox, { label: "Back chart: tap to mark a place" });
  const drawSpots = () => {
    if (map.map) map.drawMarks(drawable(intake.spots, map.map), removeSpot);
    spotList.replaceChildren(...intake.spots.map((s, i) => h("li", {},
      h("span", { class: `dot ${s.kind}` }), `${s.kind[0].toUpperCase()}${s.kind.slice(1)} — ${
        s.at ? zoneWords(map.zoneAt(s.at.x_cm, s.at.y_cm)) : zoneWords(s.zone)}`,
      NO_CONTACT.has(s.kind) ? h("span", { class: "muted" }, " (no touching there)") : null,
      h("button", { type: "button", class: "link", onclick: () => removeSpot(i) }, "remove"))));
  };
  const removeSpot = (i) => { set("spots", intake.spots.filter((_, k) => k !== i)); drawSpots(); };
  map.svg.addEventListener("click", (ev) => {
    const at = map.toCm(ev);
    if (!map.zoneAt(at.x_cm, at.y_cm)) return;
    set("spots", [...intake.spots, { kind: spotKind, at, radius_cm: 3 }]);
    drawSpots();
  });
  const loadMap = async () => {
    const b = intake.body || {};
    if (!Object.values(b).some((v) => v !== "" && v !== null && v !== undefined)) {
      map.setMap(VOCABULARY.defaultMap);  // an average adult: drawn at once, no request
      drawSpots();
      return;
    }
    try {
      map.setMap(await api.map(intakeToSend({ ...intake, spots: [] })));
      drawSpots();
    } catch { /* measurements out of range: the errors show on submit */ }
  };

  // -- measurements -----------------------------------------------------------------------------
  const body = intake.body || {};
  const measure = (key, label, hint) => {
    const input = h("input", { type: "number", id: key, inputmode: "decimal", placeholder: hint, value: body[key] ?? "" });
    input.addEventListener("change", () => { set("body", { ...(intake.body || {}), [key]: input.value }); loadMap(); });
    return h("label", { class: "field", "data-field": `body.${key}` }, h("span", {}, label), input);
  };

  // -- a place by name, for a keyboard or a screen reader (the chart needs a pointer) ------------
  const placeSelect = h("select", { id: "place-zone", "aria-label": "Place on the back" });
  const placeAdd = h("button", { type: "button", class: "button", id: "place-add" }, "Mark this place");
  const fillPlaces = () => {
    if (!map.map) return;
    placeSelect.replaceChildren(...map.map.zones.filter((z) => z.id !== "spine" && !z.id.startsWith("axilla"))
      .map((z) => h("option", { value: z.id }, zoneWords(z.id))));
  };
  placeAdd.addEventListener("click", () => {
    if (!placeSelect.value) return;
    set("spots", [...intake.spots, { kind: spotKind, zone: placeSelect.value }]);
    drawSpots();
  });

  // -- short steps with progress: who, what for, health, the back, review ------------------------
  const review = h("div", { id: "review" });
  const submit = h("button", { type: "submit", class: "primary big", id: "to-screening" }, "Check and plan");
  const STEPS = [
    ["who", "Who", [
      card("Who gives the massage?", choices("giver", GIVERS, intake.giver, (v) => { set("giver", v); drawPositions(); }, { describe: false })),
      card("How will they be?", positionBox)]],
    ["what", "What for", [
      card("What is it for?", choices("goal", GOALS, intake.goal, (v) => { set("goal", v); fitMinutes(); })),
      card("How long?", h("div", { class: "range", "data-field": "minutes" }, minutes, minutesOut)),
      card("How firm?", choices("pressure", PRESSURES, intake.pressure, (v) => set("pressure", v)),
        h("p", { class: "muted" }, "The coach never goes firmer than this. You can ask for softer or firmer as you go.")),
      card("Breathing", h("label", { class: "field inline", "data-field": "breaths_per_minute" },
        h("span", {}, "Their breaths a minute"), breaths),
        h("p", { class: "muted" }, "Count their breaths for 30 seconds and double it. 12–20 is usual at rest. The strokes follow it.")),
      card("Any place to give extra time?", focus)]],
    ["health", "Health", [
      card("Health questions", h("p", { class: "muted" }, "Answer each one for the person receiving the massage, today."),
        questions, answeredOut, noneApply, clearanceNote)]],
    ["back", "The back", [
      card("Mark the back", h("p", { class: "muted" }, "Pick what to mark, then tap the place on the back. Tap a mark to remove it. Seen from behind."),
        kinds, chartBox,
        h("div", { class: "place-pick" }, h("label", { for: "place-zone" }, "Or by name:"), placeSelect, placeAdd),
        spotList),
      card("", h("details", {}, h("summary", {}, "Body measurements (optional)"),
        h("p", { class: "muted" }, "With a tape measure, in centimetres. Leave empty for an average adult."),
        h("div", { class: "measures" },
          measure("back_length_cm", "Waist to the bump at the base of the neck", "about 50"),
          measure("shoulder_width_cm", "Across the shoulders", "about 42"),
          measure("waist_width_cm", "Across the waist", "about 32"))))]],
    ["review", "Review", [card("Check your answers", review)]],
  ];
  const sections = STEPS.map(([id, , cards]) => h("section", { class: "step-section", "data-step": id, hidden: true }, cards));
  const stepHeading = h("h2", { class: "step-heading", id: "step-heading", tabindex: "-1" });
  const progress = h("ol", { class: "steps-progress", "aria-label": "Intake steps" },
    STEPS.map(([id, title], i) => h("li", {}, h("a", { href: `#/`, id: `go-${id}`, "data-goto": id },
      h("span", { class: "n" }, String(i + 1)), h("span", { class: "t" }, title)))));
  const back = h("button", { type: "button", class: "button", id: "step-back" }, "Back");
  const next = h("button", { type: "button", class: "primary big", id: "step-next" }, "Next");
  let current = sessionStorage.getItem("backrub.intake-step") || "who";
  const showStep = (id, focus = true) => {
    current = STEPS.some(([s]) => s === id) ? id : "who";
    sessionStorage.setItem("backrub.intake-step", current);
    const k = STEPS.findIndex(([s]) => s === current);
    sections.forEach((sec, i) => { sec.hidden = i !== k; });
    progress.querySelectorAll("a").forEach((a, i) => {
      if (i === k) a.setAttribute("aria-current", "step"); else a.removeAttribute("aria-current");
      a.classList.toggle("done", i < k);
    });
    stepHeading.textContent = `Step ${k + 1} of ${STEPS.length}: ${STEPS[k][1]}`;
    back.hidden = k === 0;
    next.hidden = k === STEPS.length - 1;
    submit.hidden = k !== STEPS.length - 1;
    if (current === "review") drawReview();
    if (current === "back") fillPlaces();
    if (focus) { stepHeading.focus({ preventScroll: true }); window.scrollTo(0, 0); }
  };
  const healthDone = () => healthAnswered(intake, CONDITION_QUESTIONS.map(([c]) => c));
  const askHealth = () => {
    errors.hidden = false;
    errors.replaceChildren(h("strong", {}, "Please answer every health question"),
      h("p", {}, "Each one needs a yes or a no, or “None of these apply” once you have read them all."));
    questions.classList.add("invalid");
    showStep("health", false);
    errors.scrollIntoView({ block: "center" });
    rows.find((r) => r.classList.contains("unanswered"))?.querySelector("button")?.focus({ preventScroll: true });
  };
  progress.addEventListener("click", (ev) => {
    const a = ev.target.closest("[data-goto]");
    if (!a) return;
    ev.preventDefault();
    showStep(a.dataset.goto);
  });
  back.addEventListener("click", () => showStep(STEPS[Math.max(0, STEPS.findIndex(([s]) => s === current) - 1)][0]));
  next.addEventListener("click", () => {
    if (current === "health" && !healthDone()) return askHealth();
    errors.hidden = true;
    showStep(STEPS[STEPS.findIndex(([s]) => s === current) + 1][0]);
  });
  const word = (list, id) => (list.find(([k]) => k === id)?.[1] || id);
  function drawReview() {
    const yes = CONDITION_QUESTIONS.filter(([c]) => intake.health?.[c] === "yes").map(([c]) => conditionWords(c));
    const row = (label, value, step) => h("div", { class: "review-row" }, h("dt", {}, label),
      h("dd", {}, value, " ", h("a", { href: "#/", class: "link", "data-goto": step, onclick: (ev) => { ev.preventDefault(); showStep(step); } },
        h("span", { class: "visually-hidden" }, `Change ${label.toLowerCase()}: `), "change")));
    review.replaceChildren(h("dl", { class: "review" },
      row("Who", `${word(GIVERS, intake.giver)}; ${word(POSITIONS, intake.position).toLowerCase()}`, "who"),
      row("What for", `${word(GOALS, intake.goal)}, ${intake.minutes} minutes, ${intake.pressure} pressure at most`, "what"),
      row("Health", healthDone() ? (yes.length ? `Yes to: ${yes.join(", ")}` : "None of the questions apply")
        : "Not all answered yet", "health"),
      row("The back", intake.spots.length ? `${intake.spots.length} place${intake.spots.length > 1 ? "s" : ""} marked`
        : "Nothing marked", "back")));
  }

  const form = h("form", { class: "intake", novalidate: true },
    h("h1", {}, "A back massage, step by step"),
    h("p", { class: "lead" }, "Answer a few questions. The coach checks it is safe, plans the massage, then talks you through it."),
    resume,
    h("nav", { class: "steps-nav" }, progress),
    stepHeading,
    errors,
    sections,
    h("div", { class: "actions step-actions" }, back, next, submit));

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    submit.disabled = true;
    root.querySelectorAll(".invalid").forEach((n) => n.classList.remove("invalid"));
    if (!healthDone()) {
      submit.disabled = false;
      askHealth();
      return;
    }
    try {
      const screening = await api.screen(intakeToSend(intake));
      sessionStorage.setItem("backrub.screening", JSON.stringify(screening));
      go("#/screening");
    } catch (err) {
      errors.hidden = false;
      errors.replaceChildren(h("strong", {}, "Please check:"), h("ul", {}, problemLines(err).map((l) => h("li", {}, l))));
      let first = null;
      for (const d of err.detail || []) {
        const field = d.loc?.[1] === "body" ? `body.${d.loc[2]}` : d.loc?.[1];
        const node = root.querySelector(`[data-field="${field}"]`);
        node?.classList.add("invalid");
        first ||= node?.closest(".step-section")?.dataset.step;
      }
      if (first) showStep(first, false);
      errors.scrollIntoView({ block: "center" });
    } finally {
      submit.disabled = false;
    }
  });

  root.replaceChildren(form);
  drawPositions();
  drawAnswers();
  fitMinutes();
  showStep(current, false);
  loadMap().then(fillPlaces);
}
