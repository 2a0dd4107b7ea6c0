// The coach's lock on the sensed breath, without a browser: node --test tests/web/breath/*.test.mjs
import { test } from "node:test";
import assert from "node:assert/strict";
import { breathLock, onReading, pacerPhase, retimeWanted, sensedAt } from "../../../src/backrub/web/static/js/breath/pacer.js";

const reading = (phase, rate = 12, state = "locked") => ({ type: "breath", state, phase, rate_bpm: rate });

test("the sensed phase moves on at the sensed rate between readings, and counts breaths", () => {
  let lock = onReading(breathLock(), reading(0.9), 0), s;
  [lock, s] = sensedAt(lock, 0);
  assert.ok(Math.abs(s.phase - 0.9) < 1e-9);
  [lock, s] = sensedAt(lock, 1000); // 12 a minute: 0.2 of a breath a second
  assert.ok(Math.abs(s.phase - 0.1) < 1e-9, String(s.phase));
  assert.equal(s.breaths, 1);
});

test("a new reading is closed on smoothly, not jumped to", () => {
  let lock = onReading(breathLock(), reading(0.2), 0), s;
  [lock, s] = sensedAt(lock, 0);
  lock = onReading(lock, reading(0.4), 16);
  [lock, s] = sensedAt(lock, 16);
  assert.ok(s.phase > 0.2 && s.phase < 0.26, String(s.phase));
  for (let t = 32; t < 1000; t += 16) [lock, s] = sensedAt(lock, t);
  const expected = 0.4 + (12 / 60000) * (984 - 16);
  assert.ok(Math.abs(s.phase - expected) < 0.01, `${s.phase} vs ${expected}`);
});

test("the phase shown never runs backwards: ahead of the sensor, it waits for it", () => {
  let lock = onReading(breathLock(), reading(0.4), 0), s;
  [lock, s] = sensedAt(lock, 0);
  let last = s.phase;
  for (let t = 16; t <= 3000; t += 16) {  // the sensor now says the breath is less far on
    if (t % 96 === 16) lock = onReading(lock, reading(0.25 + (12 / 60000) * (t - 16)), t);
    [lock, s] = sensedAt(lock, t);
    assert.ok(s.phase >= last - 1e-12, `back from ${last} to ${s.phase} at ${t} ms`);
    last = s.phase;
  }
  const expected = 0.25 + (12 / 60000) * (3000 - 16);
  assert.ok(Math.abs(s.phase - expected) < 0.01, `${s.phase} vs ${expected}`);  // and it caught up
  assert.equal(s.breaths, 0);
});

test("stale, weak or missing readings pace nothing", () => {
  assert.equal(sensedAt(breathLock(), 0)[1], null);
  assert.equal(sensedAt(onReading(breathLock(), reading(0.3), 0), 2500)[1], null);
  assert.equal(sensedAt(onReading(breathLock(), reading(0.3, 12, "weak"), 0), 10)[1], null);
});

test("the pacer breathes in until the sensed top", () => {
  assert.equal(pacerPhase(0), 0);
  assert.ok(Math.abs(pacerPhase(0.5) - 0.45) < 1e-12);
  assert.ok(Math.abs(pacerPhase(0.999) - 0.9989) < 1e-3);
});

test("a re-time is asked for only for a steady drift past the margin, and not again within a minute", () => {
  let lock = breathLock(), rate;
  for (let t = 0; t <= 19000; t += 1000) {
    lock = onReading(lock, reading(0.1, 9.4), t);
    [lock, rate] = retimeWanted(lock, t, 12);
    assert.equal(rate, null);
  }
  lock = onReading(lock, reading(0.1, 9.4), 20000);
  [lock, rate] = retimeWanted(lock, 20000, 12);
  assert.equal(rate, 9.4);
  for (let t = 21000; t < 79000; t += 1000) {
    lock = onReading(lock, reading(0.1, 7.0), t);
    [lock, rate] = retimeWanted(lock, t, 9.4);
    assert.equal(rate, null, `asked again at ${t}`);
  }
  lock = onReading(lock, reading(0.1, 11.5), 90000);
  [lock, rate] = retimeWanted(lock, 90000, 12); // within the margin
  assert.equal(rate, null);
});
