// The live page's state without a browser: node --test tests/web/live/*.test.mjs
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  breathAt, elapsedAt, initialState, pacerAt, positionAt, replanned, shownStep, softer, softerAtOnce,
  stepAt, withClock, withPicking, withRoutine,
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
