// The sensor page's breath estimator, without a browser: node --test tests/web/breath/*.test.mjs
import { test } from "node:test";
import assert from "node:assert/strict";
import { breathBand, gainAt, phaseAt, run, settled } from "../../../src/backrub/web/static/js/breath/filter.js";
import { addSample, framer } from "../../../src/backrub/web/static/js/breath/frames.js";
import { covariance, updateAxis } from "../../../src/backrub/web/static/js/breath/axis.js";
import { createEstimator, feed } from "../../../src/backrub/web/static/js/breath/estimator.js";

const FS = 10;

// A breath as lungs make it: a quick rise, a decaying fall, a pause at the bottom (onset at 0).
function volume(t, period) {
  const x = ((t % period) + period) % period, inhale = 0.4 * period;
  return x < inhale ? (1 - Math.cos((Math.PI * x) / inhale)) / 2 : Math.exp(-(x - inhale) / (0.2 * period));
}

function drive(bpm, seconds, { tilt = 0.05, noise = 0.01, seed = 1, extra = () => [0, 0, 0], hz = 60, start = 0 } = {}) {
  let st = createEstimator(), s = seed;
  const rand = () => { s = (s * 16807) % 2147483647; return s / 2147483647 - 0.5; };
  const out = [];
  for (let t = 0; t < seconds * 1000; t += 1000 / hz) {
    const v = volume(t / 1000 + start * (60 / bpm), 60 / bpm), [ex, ey, ez] = extra(t);
    let e;
    [st, e] = feed(st, { t, x: 0.3 + 0.6 * tilt * v + noise * rand() + ex, y: -0.8 * tilt * v + noise * rand() + ey, z: 9.79 + noise * rand() + ez });
    out.push(...e);
  }
  return out;
}

test("a chain started on a level stays at rest (no ringing at start)", () => {
  const chain = breathBand(FS);
  let states = settled(chain, 9.81), y = 1;
  for (let i = 0; i < 200; i++) [y, states] = run(chain, states, 9.81);
  assert.ok(Math.abs(y) < 1e-9, `output ${y}`);
});

test("the band passes breathing and stops heartbeat and drift", () => {
  const chain = breathBand(FS);
  assert.ok(gainAt(chain, 0.2, FS) > 0.9);
  assert.ok(gainAt(chain, 0.4, FS) > 0.8);
  assert.ok(gainAt(chain, 1.3, FS) < 0.1, "heartbeat at 78/min");
  assert.ok(gainAt(chain, 0.01, FS) < 0.02, "slow posture drift");
});

test("the phase the filter adds is the lag measured on a sine", () => {
  const chain = breathBand(FS), f = 0.25;
  let states = settled(chain, 0), y = 0, lastPeakIn = 0, lastPeakOut = 0, prev = [0, 0];
  for (let n = 0; n < 600; n++) {
    const t = n / FS, x = Math.sin(2 * Math.PI * f * t);
    [y, states] = run(chain, states, x);
    if (prev[0] < prev[1] && prev[1] > y && n > 300) lastPeakOut = (n - 1) / FS;
    prev = [prev[1], y];
    if (Math.abs(((f * t) % 1) - 0.25) < 1e-9) lastPeakIn = t;
  }
  const measured = ((lastPeakOut - lastPeakIn) * f) % 1; // cycles late
  const predicted = (-phaseAt(chain, f, FS) / (2 * Math.PI) + 1) % 1;
  assert.ok(Math.abs(measured - predicted) < 0.03, `measured ${measured}, predicted ${predicted}`);
});

test("samples at an uneven 60 Hz become 10 Hz frames of their mean, a gap holds the last", () => {
  let f = framer(), frames = [];
  for (let t = 0; t < 1000; t += 16.6) { let o; [f, o] = addSample(f, { t, x: 1, y: 2, z: t < 500 ? 9 : 10 }); frames.push(...o); }
  let o; [f, o] = addSample(f, { t: 1450, x: 1, y: 2, z: 10 }); frames.push(...o);
  assert.equal(frames.length, 14);
  assert.deepEqual(frames[0].a, [1, 2, 9]);
  assert.equal(frames.at(-1).n, 0); // held through the gap
  assert.ok(Math.abs(frames[1].t - 150) < 1e-9);
});

test("the breath axis is found whichever way the phone lies", () => {
  let st = covariance();
  for (let i = 0; i < 300; i++) { const s = Math.sin(i / 5); st = updateAxis(st, [0.6 * s, -0.8 * s, 0], 1 / 150); }
  assert.ok(Math.abs(Math.abs(st.v[0]) - 0.6) < 0.01 && Math.abs(Math.abs(st.v[1]) - 0.8) < 0.01, String(st.v));
});

for (const bpm of [6, 12, 24]) {
  test(`a steady ${bpm} breaths a minute: locked within 3 breaths, rate within 0.5, inhale on time`, () => {
    const out = drive(bpm, 90);
    const first = out.find((e) => e.state === "locked");
    assert.ok(first && first.t / 1000 <= (3 * 60) / bpm + 2, `locked at ${first?.t}`);
    const late = out.filter((e) => e.t > 60000);
    assert.ok(late.every((e) => e.state === "locked"));
    assert.ok(late.every((e) => Math.abs(e.rate_bpm - bpm) < 0.5), String(late.map((e) => e.rate_bpm)));
    // the inhale half of the phase (0 to 1/2) covers the true inhale's middle
    const period = 60000 / bpm;
    const mid = late.filter((e) => Math.abs(((e.t % period) / period) - 0.2) < 0.02);
    assert.ok(mid.length && mid.every((e) => e.phase < 0.5), String(mid.map((e) => e.phase)));
  });
}

test("which way is in is found from the pause after the exhale, whichever way the phone tilts", () => {
  // The first movement the phone feels may be an exhale: start the breath anywhere in its cycle.
  for (const start of [0, 0.3, 0.55, 0.8]) {
    for (const tilt of [0.05, -0.05]) {
      const out = drive(12, 60, { tilt, start });
      const mid = out.filter((e) => e.t > 40000 && Math.abs((((e.t / 5000 + start) % 1) + 1) % 1 - 0.2) < 0.02);
      assert.ok(mid.length && mid.every((e) => e.phase < 0.5), `start ${start}, tilt ${tilt}: ${mid.map((e) => e.phase)}`);
    }
  }
});

test("a shaken phone says moving, then locks again", () => {
  const shake = (t) => (t > 30000 && t < 32000 ? [Math.sin(t / 40), Math.cos(t / 30), 0.5 * Math.sin(t / 25)] : [0, 0, 0]);
  const out = drive(12, 70, { extra: shake });
  assert.ok(out.filter((e) => e.t > 30200 && e.t < 32000).every((e) => e.state === "moving"));
  assert.ok(out.filter((e) => e.t > 55000).every((e) => e.state === "locked" && Math.abs(e.rate_bpm - 12) < 1));
});

test("a phone that feels no breath says weak, not a rate", () => {
  const out = drive(12, 60, { tilt: 0.0003, noise: 0.02 });
  const late = out.filter((e) => e.t > 20000);
  assert.ok(late.filter((e) => e.state === "weak").length > 0.9 * late.length);
  assert.ok(!late.some((e) => e.state === "locked"));
});
