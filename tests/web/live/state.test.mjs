// The live page's state without a browser: node --test tests/web/live/*.test.mjs
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  breathAt, elapsedAt, initialState, pacerAt, positionAt, replanned, routineOf, shownStep, softer, softerAtOnce,
  stateSeen, stepAt, withClock, withPicking, withRoutine,
} from "../../../src/backrub/web/static/js/live-state.js";

const step = (seconds, reps, pressure = "medium", extra = {}) => ({ seconds, reps, pressure, cue: "c", ...extra });
const routine = (steps, spots = []) => ({ steps, intake: { spots } });
const frozen = (s) => Object.freeze({ ...s });

test("a routine gives each step its start and the total, and asks for the chart only when its places change", () => {
  let s = withRoutine(initialState(), routine([step(30, 5), step(60, 6), step(20, 4)]));
  assert.deepEqual(s.starts, [0, 30, 90]);
  assert.equal(s.total, 110);
  assert.equal(s.mapStale, true);  // the first chart
  s = withRoutine(s, routine([step(30, 5), step(40, 4)]));
  assert.equal(s.mapStale, false);  // replanned, same places
  s = withRoutine(s, routine([step(30, 5)], [{ kind: "pain", zone: "kidney_left" }]));
  assert.equal(s.mapStale, true);  // a new marked place: the chart changes
});

test("the update functions never change the state they are given", () => {
  const s0 = frozen(withRoutine(initialState(), routine([step(30, 5)])));
  withClock(s0, { elapsed_s: 3, paused: false, ended: false }, 1000);
  shownStep(s0, 0);
  replanned(s0, 0);
  withPicking(s0, true);
  softerAtOnce({ ...s0, shown: 0 });
  assert.equal(s0.shown, -1);
  assert.equal(s0.routine.steps[0].pressure, "medium");
});

test("the clock runs from the server's time and stops when paused or ended", () => {
  let s = withClock(initialState(), { elapsed_s: 10, paused: false, ended: false }, 5000);
  assert.equal(elapsedAt(s, 7500), 12.5);
  s = withClock(s, { elapsed_s: 12.5, paused: true, ended: false }, 7500);
  assert.equal(elapsedAt(s, 60000), 12.5);
  s = withClock(s, { elapsed_s: 20, paused: false, ended: true }, 9000);
  assert.equal(s.running, false);
});

test("the step and the place within its repetition follow the clock", () => {
  let s = withRoutine(initialState(), routine([step(30, 5), step(60, 6)]));
  s = withClock(s, { elapsed_s: 0, paused: false, ended: false }, 0);
  assert.equal(stepAt(s, 29.9), 0);
  assert.equal(stepAt(s, 30), 1);
  assert.equal(stepAt(s, 90), 2);  // past the end: the step count
  const at = positionAt(s, 45_000);  // 15 s into the second step, 10 s a repetition
  assert.equal(at.k, 1);
  assert.equal(at.rep, 10);
  assert.ok(Math.abs(at.f - 0.5) < 1e-9);
  assert.equal(positionAt(s, 100_000).step, null);
  assert.equal(positionAt(initialState(), 0), null);
});

test("each step is announced once, and a replan says its step with the change", () => {
  let s = withRoutine(initialState(), routine([step(30, 5), step(60, 6)]));
  let say;
  [s, say] = shownStep(s, 0);
  assert.equal(say, true);  // the first step's cue is spoken too
  [s, say] = shownStep(s, 0);
  assert.equal(say, false);
  s = replanned(s, 1);
  assert.equal(s.version, 1);
  [s, say] = shownStep(s, 1);
  assert.equal(say, false);  // already said with what changed
  [s, say] = shownStep(s, 2);
  assert.equal(say, false);  // the end has no cue
});

test("the pacer breathes whole breaths per repetition, in for 45 % of each", () => {
  assert.ok(Math.abs(breathAt(2.5, 10, 12) - 0.5) < 1e-9);  // 10 s repetition, 5 s breaths: 2 a rep
  assert.ok(Math.abs(breathAt(2.5, 3, 12) - 2.5 / 3) < 1e-9);  // shorter than a breath: one per rep
  assert.equal(pacerAt(0.2).inhale, true);
  assert.equal(pacerAt(0.5).inhale, false);
  assert.ok(Math.abs(pacerAt(0.45 - 1e-9).size - 1) < 1e-6 && Math.abs(pacerAt(0).size - 0.55) < 1e-9);
});

test("Softer draws the stroke under the hands one level lighter, never below light", () => {
  assert.equal(softer("firm"), "medium");
  assert.equal(softer("medium"), "light");
  assert.equal(softer("light"), undefined);
  let s = withRoutine(initialState(), routine([step(30, 5, "light"), step(30, 5, "firm"), step(30, 5, "firm")]));
  [s] = shownStep(s, 1);
  const lighter = softerAtOnce(s);
  assert.deepEqual(lighter.steps.map((x) => x.pressure), ["light", "medium", "firm"]);  // that stroke only
  assert.equal(lighter.was, "firm");
  [s] = shownStep(s, 0);
  assert.equal(softerAtOnce(s), null);  // already light: nothing is drawn lighter
});

// A replan's answer to the live page carries only the steps from `tail_from` on; spliced onto the
// copy held only when that copy is the version the change was made from (`base`).
const tail = (base, start, steps, total) => ({ type: "routine", base, tail_from: start, steps: total,
  head: { minutes: 2, intake: { spots: [] } }, tail: steps, status: { version: base + 1 } });

test("a tail is spliced onto the copy it was made from, and the header comes with it", () => {
  const kept = [step(30, 5), step(30, 5)];
  const s = withRoutine(initialState(), routine([...kept, step(30, 5, "firm")]), 4);
  assert.equal(s.held, 4);
  const got = routineOf(s, tail(4, 2, [step(20, 4, "light"), step(20, 4, "light")], 4));
  assert.deepEqual(got.steps.map((x) => x.pressure), ["medium", "medium", "light", "light"]);
  assert.equal(got.steps[0], kept[0]);  // the very step held: the map sees it unchanged
  assert.equal(got.minutes, 2);
  const shorter = routineOf(s, tail(4, 1, [], 1));  // the rest dropped (the end brought forward)
  assert.equal(shorter.steps.length, 1);
  const whole = { type: "routine", routine: routine([step(9, 1)]), status: { version: 9 } };
  assert.equal(routineOf(s, whole), whole.routine);  // a whole routine is read as before
});

test("a tail is never spliced onto a copy that is not its base: the page reads the session back", () => {
  const s = withRoutine(initialState(), routine([step(30, 5), step(30, 5)]), 4);
  assert.equal(routineOf(s, tail(5, 1, [step(20, 4)], 2)), null);  // a change (version 5) was missed
  assert.equal(routineOf(s, tail(3, 1, [step(20, 4)], 2)), null);  // made from an older copy
  assert.equal(routineOf(withRoutine(initialState(), routine([step(30, 5)])), tail(4, 1, [], 1)), null);  // version unknown
  assert.equal(routineOf(s, tail(4, 3, [step(20, 4)], 4)), null);  // starts past the steps held
  assert.equal(routineOf(s, tail(4, 1, [step(20, 4)], 3)), null);  // the count does not add up
  assert.equal(routineOf(initialState(), tail(0, 0, [step(20, 4)], 1)), null);  // nothing held yet
});

test("a pause or resume right after keeps the copy current; one after a gap does not", () => {
  let s = withRoutine(initialState(), routine([step(30, 5)]), 4);
  s = stateSeen(s, 5);
  assert.equal(s.held, 5);
  s = stateSeen(s, 7);  // version 6 never arrived: it may have changed the routine
  assert.equal(s.held, 5);
  assert.equal(routineOf(s, tail(7, 0, [step(20, 4)], 1)), null);
  assert.equal(stateSeen(withRoutine(initialState(), routine([step(30, 5)])), 1).held, null);
});
