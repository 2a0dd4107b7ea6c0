// The live page's state as one plain object, and pure functions from a state (and what happened)
// to the next state or to what to draw. No DOM, no clock of its own: the time is passed in, so
// every rule of the live page runs under Node (tests/web/live/*.test.mjs).

import { ease } from "./breath/wave.js";

const ORDER = ["light", "medium", "firm"];

/** A page that has nothing yet: no routine, the clock stopped at 0, no step shown or spoken. */
export function initialState() {
  return {
    routine: null, starts: [], total: 0,       // the routine and when each step starts (s)
    e0: 0, t0: 0, running: false,              // the clock: e0 seconds at t0 (ms), running or not
    shown: -1, spoken: -1,                     // the step drawn, the step whose cue was said
    picking: false, version: 0, spotsKey: "",  // "Pain here" waiting for a tap; replans seen; map key
    held: null,                                // the session's version the routine is known to be at
  };
}

/** A new routine (first, or replanned) as at the session's `version` (null: not known): each
 * step's start and the total; `mapStale` when its marked places changed, so the chart must be
 * fetched again. */
export function withRoutine(state, routine, version = null) {
  const starts = [];
  let t = 0;
  for (const s of routine.steps) { starts.push(t); t += s.seconds; }
  const spotsKey = JSON.stringify(routine.intake?.spots || []);
  return { ...state, routine, starts, total: t, spotsKey, mapStale: spotsKey !== state.spotsKey,
    held: Number.isInteger(version) ? version : null };
}

/** The routine a `routine` message gives: the whole one it carries, or its tail spliced onto the
 * copy held, only when that copy is the very one the change was made from (`base`). null when it
 * is not (a message missed, a reconnect, a refused change): the page reads the session back then,
 * never splicing onto a stale copy. */
export function routineOf(state, msg) {
  if (msg.routine) return msg.routine;
  const held = state.routine?.steps, start = msg.tail_from;
  if (!held || state.held === null || state.held !== msg.base || !Array.isArray(msg.tail) || !msg.head
    || !Number.isInteger(start) || start < 0 || start > held.length || start + msg.tail.length !== msg.steps) return null;
  return { ...msg.head, steps: held.slice(0, start).concat(msg.tail) };
}

/** A `state` message (pause, resume: never a routine change) at `version`: the routine held is
 * still current when it is the very next version; otherwise what came between is not known. */
export function stateSeen(state, version) {
  const next = state.held !== null && version === state.held + 1;
  return next ? { ...state, held: version } : state;
}

/** The server's status ({elapsed_s, paused, ended}) at `now` (ms). */
export function withClock(state, status, now) {
  return { ...state, e0: status.elapsed_s, t0: now, running: !status.paused && !status.ended };
}

/** Seconds into the massage at `now` (ms). */
export function elapsedAt(state, now) {
  return state.running ? state.e0 + (now - state.t0) / 1000 : state.e0;
}

/** The step under way at `e` seconds (the step count when all are done). */
export function stepAt(state, e) {
  const steps = state.routine?.steps || [];
  let k = 0;
  while (k < steps.length && e >= state.starts[k] + steps[k].seconds) k++;
  return k;
}

/** Where the massage is at `now`: the step k, seconds t into it, the repetition's length and the
 * fraction f of the repetition done (null past the end or without a routine). */
export function positionAt(state, now) {
  if (!state.routine) return null;
  const e = elapsedAt(state, now);
  const k = stepAt(state, e);
  const step = state.routine.steps[k];
  if (!step) return { e, k, step: null };
  const t = e - state.starts[k];
  const rep = step.seconds / step.reps;
  return { e, k, step, t, rep, f: (t % rep) / rep };
}

/** The step drawn is k; whether its cue is still to be said (each step is announced once). */
export function shownStep(state, k) {
  const announce = k !== state.spoken && k < (state.routine?.steps.length ?? 0);
  return [{ ...state, shown: k, spoken: announce ? k : state.spoken }, announce];
}

/** A replan arrived: one more version, and the step now shown counts as said (the change is said
 * with its cue). */
export function replanned(state, k) {
  return { ...state, version: state.version + 1, shown: k, spoken: k };
}

export function withPicking(state, on) {
  return { ...state, picking: on };
}

// Where the hands are within a repetition (out and back, round, or rising with the breath) is
// breath/wave.js's handsOn, by way of the breath module's `hands`.

/** The breath pacer: p the fraction of the breath, one or more whole breaths per repetition. */
export function breathAt(t, rep, breathsPerMinute = 12) {
  const breath = 60 / breathsPerMinute;
  const perRep = Math.max(1, Math.round(rep / breath));
  return (t % (rep / perRep)) / (rep / perRep);
}

/** The pacer's dot: in for the first 45 % of a breath, out for the rest. */
export function pacerAt(p) {
  const inhale = p < 0.45;
  return { inhale, size: inhale ? 0.55 + 0.45 * ease(p / 0.45) : 1 - 0.45 * ease((p - 0.45) / 0.55) };
}

/** One level lighter than `pressure`, or undefined at light (Softer says so instead). */
export function softer(pressure) {
  const i = ORDER.indexOf(pressure);
  return i > 0 ? ORDER[i - 1] : undefined;
}

/** The routine with step k drawn one level lighter, as Softer will make it (null when it cannot). */
export function softerAtOnce(state) {
  const k = state.shown, step = state.routine?.steps[k];
  const lower = step && softer(step.pressure);
  if (!lower) return null;
  return { pressure: lower, was: step.pressure,
    steps: state.routine.steps.map((s, i) => (i === k ? { ...s, pressure: lower } : s)) };
}
