// The hands on a breath-paced stroke, without a browser: node --test tests/web/breath/*.test.mjs
// The oracle is the hand's height on the back (y, cm up from the waist), found here from the path
// itself, not from wave.js: seed 001 wants it rising on every inhale and sinking on every exhale.
import { test } from "node:test";
import assert from "node:assert/strict";
import { breathsPerRep, countedBreath, handsOn, pacedByBreath, topOf, waveAlong } from "../../../src/backrub/web/static/js/breath/wave.js";

// Shapes like the planner's (cm): a loop up the middle and down the side, a thumb glide up
// beside the spine, and the closing stroke down the back.
const LOOP = [[3, 2], [3, 30], [3, 48], [8, 47], [14, 44], [14, 20], [4, 3]];
const UP = [[2.5, 2], [2.5, 25], [3.5, 47]];
const DOWN = [[3, 48], [4, 25], [4, 2]];

function pointAt(path, f) {  // the point a fraction f of the way along the path
  const segs = path.slice(1).map((p, i) => Math.hypot(p[0] - path[i][0], p[1] - path[i][1]));
  let left = Math.min(Math.max(f, 0), 1) * segs.reduce((a, b) => a + b, 0);
  for (let i = 0; i < segs.length; i++) {
    if (left <= segs[i] || i === segs.length - 1) {
      const u = segs[i] ? Math.min(1, left / segs[i]) : 0;
      return [path[i][0] + (path[i + 1][0] - path[i][0]) * u, path[i][1] + (path[i + 1][1] - path[i][1]) * u];
    }
    left -= segs[i];
  }
  return path[0];
}

const STEPS = 200;  // looks per half-breath

/** The hand through `cycles` repetitions of n breaths: [{inhale, y, x, faint}] in order. */
function sweep(path, n, cycles = 2) {
  const top = topOf(path), out = [];
  for (let k = 0; k < n * cycles; k++) {
    for (let i = 0; i < 2 * STEPS; i++) {
      const phase = i / (2 * STEPS);
      const { along, faint } = waveAlong(top, n, k, phase);
      const [x, y] = pointAt(path, along);
      out.push({ inhale: phase < 0.5, y, x, faint, k, phase, along });
    }
  }
  return out;
}

for (const [name, path] of [["a loop up and down", LOOP], ["a stroke up", UP], ["a stroke down", DOWN]]) {
  for (const n of [1, 2, 3]) {
    test(`${name}, ${n} breath(s) a stroke: up only on the inhale, down only on the exhale`, () => {
      const looks = sweep(path, n);
      let rose = 0, sank = 0;
      for (let i = 1; i < looks.length; i++) {
        const a = looks[i - 1], b = looks[i];
        if (a.inhale !== b.inhale || a.k !== b.k) continue;  // a turn of the breath
        const dy = b.y - a.y;
        if (b.inhale) assert.ok(dy >= -1e-9, `down ${dy} at breath ${b.k} phase ${b.phase} (inhale)`);
        else assert.ok(dy <= 1e-9, `up ${dy} at breath ${b.k} phase ${b.phase} (exhale)`);
        if (dy > 1e-6) rose++;
        if (dy < -1e-6) sank++;
      }
      assert.ok(rose > STEPS / 2 && sank > STEPS / 2, `rose ${rose}, sank ${sank}`);  // it does move
    });

    test(`${name}, ${n} breath(s) a stroke: the whole path, pressed, with no jump`, () => {
      const looks = sweep(path, n, 1);
      const pressed = looks.filter((l) => !l.faint).map((l) => l.along);
      assert.ok(Math.min(...pressed) < 0.01 && Math.max(...pressed) > 0.99, "the path is not covered");
      const ys = looks.map((l) => l.y);
      assert.ok(Math.max(...ys) > Math.max(...path.map((p) => p[1])) - 0.5, "never reaches the top");
      for (let i = 1; i < looks.length; i++) {  // 1/400 of a breath: a hand moves a little, never leaps
        const d = Math.hypot(looks[i].x - looks[i - 1].x, looks[i].y - looks[i - 1].y);
        assert.ok(d < 2, `leap of ${d.toFixed(1)} cm at breath ${looks[i].k} phase ${looks[i].phase}`);
      }
      // and the next repetition starts where this one ended (the loop's ends are 2 cm apart)
      const first = pointAt(path, waveAlong(topOf(path), n, n, 0).along), last = looks.at(-1);
      assert.ok(Math.hypot(first[0] - last.x, first[1] - last.y) < 3);
    });
  }
}

test("a loop is at its top at the top of the inhale when it takes one breath", () => {
  const top = topOf(LOOP);
  assert.ok(Math.abs(pointAt(LOOP, waveAlong(top, 1, 0, 0.5).along)[1] - 48) < 1e-6);
  assert.ok(Math.abs(waveAlong(top, 1, 0, 0).along) < 1e-9);
  assert.ok(waveAlong(top, 1, 0, 0.999).along > 0.99);
  assert.equal(topOf(UP), 1);
  assert.equal(topOf(DOWN), 0);
});

test("whole breaths a stroke, at the routine's rate or the one the step was timed at", () => {
  assert.equal(breathsPerRep(5, [12]), 1);
  assert.equal(breathsPerRep(10, [12]), 2);
  assert.equal(breathsPerRep(7.3, [12]), null);  // not paced by the breath: keeps the clock
  assert.equal(breathsPerRep(2.5, [12]), null);  // half a breath (to energize): keeps the clock
  assert.equal(breathsPerRep(60 / 18 * 2, [13.1, 18]), 2);  // re-timed from 18: the step under the hands
});

test("the counted breath breathes in for 45 % of it, as the counted pacer does", () => {
  assert.deepEqual(countedBreath(0, 5), { breaths: 0, phase: 0 });
  const top = countedBreath(0.45 * 5, 5);
  assert.ok(Math.abs(top.phase - 0.5) < 1e-9);
  const b = countedBreath(12.6, 5);
  assert.equal(b.breaths, 2);
  assert.ok(b.phase > 0.5 && b.phase < 1);
});

test("the sensed breath places the hands; without it the counted one does", () => {
  const step = { path: LOOP, closed: false, rep: 5, rates: [12] };
  // 1 s into the stroke the counted breath is inhaling (0.2 of a breath) ...
  const counted = handsOn({ ...step, t: 1, sensed: null });
  assert.ok(counted.along > 0 && counted.along < topOf(LOOP));
  // ... but the receiver is breathing out: the hands come down the side instead
  const sensed = handsOn({ ...step, t: 1, sensed: { phase: 0.75, breaths: 7 } });
  assert.ok(sensed.along > topOf(LOOP), String(sensed.along));
  const y = (h) => pointAt(LOOP, h.along)[1];
  const later = handsOn({ ...step, t: 1.1, sensed: { phase: 0.8, breaths: 7 } });
  assert.ok(y(later) < y(sensed), "not coming down on the exhale");
});

test("strokes not paced by the breath keep the clock: out, then a light glide back", () => {
  const step = { path: UP, closed: false, rep: 7.3, rates: [12], sensed: { phase: 0.25, breaths: 1 } };
  assert.deepEqual(handsOn({ ...step, t: 0 }), { along: 0, faint: false, n: null });
  assert.ok(Math.abs(handsOn({ ...step, t: 0.75 * 7.3 }).along - 1) < 1e-9);
  assert.equal(handsOn({ ...step, t: 0.9 * 7.3 }).faint, true);
  assert.ok(Math.abs(handsOn({ ...step, closed: true, t: 0.9 * 7.3 }).along - 0.9) < 1e-9);
});

test("only a step whose cue says it follows the breath is paced by it", () => {
  assert.ok(pacedByBreath("Long stroking. With flat palms ... 6 times, one stroke per breath (30 s)."));
  assert.ok(pacedByBreath("... 5 times, one stroke every 2 breaths (33 s)."));
  assert.ok(pacedByBreath("... 8 times, two strokes per breath (20 s)."));
  assert.ok(!pacedByBreath("Kneading. ... 6 times, about 10 s each (60 s)."));
  // kneading whose repetition happens to last two breaths keeps the clock
  const step = { path: UP, closed: false, rep: 10, rates: [12], sensed: { phase: 0.75, breaths: 0 } };
  assert.equal(handsOn({ ...step, t: 1, paced: false }).n, null);
  assert.equal(handsOn({ ...step, t: 1 }).n, 2);
});
