// Where the hands are along a stroke, frame by frame. Seed 001: move with the receiver's
// breathing, up the back on the inhale and down on the exhale. A breath-paced stroke (one that
// takes a whole number of breaths) is therefore placed by the breath's phase, sensed by the
// phone on their back or, without one, counted at the routine's rate; any other stroke keeps the
// clock. Pure functions, no DOM: tests/web/breath/wave.test.mjs runs them under node.

export const RETURN = 0.75;  // clock-paced open strokes: out along the path, then a light glide back
const EDGE = 0.02;           // a path highest within 2 % of an end goes only up (or only down)
const WHOLE = 0.05;          // how near a whole number of breaths a repetition must be
const tops = new WeakMap();  // path -> topOf(path): paths are the routine's own arrays
// The planner tells the giver in each breath-paced step's cue (planner/cues.py, planner/retime.py).
const PACED_CUE = /\b(?:one stroke per breath|two strokes per breath|one stroke every [\d.]+ breaths)\b/;

/** Whether a step is paced by the breath: its cue says so (other strokes that happen to last whole breaths keep the clock). */
export function pacedByBreath(cue) {
  return PACED_CUE.test(cue || "");
}

/** The fraction of the path's length where it is highest: 0 for a stroke down the back, 1 for one up it. */
export function topOf(path) {
  let top = tops.get(path);
  if (top !== undefined) return top;
  let run = 0, best = -Infinity, at = 0;
  for (let i = 0; i < path.length; i++) {
    if (i > 0) run += Math.hypot(path[i][0] - path[i - 1][0], path[i][1] - path[i - 1][1]);
    if (path[i][1] > best + 1e-9) { best = path[i][1]; at = run; }
  }
  top = run > 0 ? at / run : 0;
  tops.set(path, top);
  return top;
}

/**
 * Whole breaths in one repetition of `rep` seconds, at the first of `rates` (breaths a minute)
 * it fits; null when it fits none (a stroke not paced by the breath). Several rates because a
 * re-time leaves the step under the hands as it was timed, at the rate before.
 */
export function breathsPerRep(rep, rates) {
  for (const bpm of rates) {
    const n = rep / (60 / bpm), k = Math.round(n);
    if (k >= 1 && Math.abs(n - k) <= WHOLE) return k;
  }
  return null;
}

/**
 * The counted breath `t` s into a stroke of breaths lasting `breath` s: {breaths, phase} with
 * phase 0 at the inhale's start and 1/2 at its top, as a sensor reads it. The counted pacer
 * breathes in for 45 % of a breath (live.js), so that is where the top is.
 */
export function countedBreath(t, breath) {
  const breaths = Math.floor(t / breath), p = t / breath - breaths;
  return { breaths, phase: p < 0.45 ? p / 0.9 : 0.5 + (p - 0.45) / 1.1 };
}

/**
 * Where the hands are on a stroke that takes `n` breaths, in breath `k` (counted from any start
 * of a repetition) at `phase`: {along: 0 start to 1 end of the path, faint: lifted, gliding
 * back}. `top` is topOf(path). The hands rise only while the receiver breathes in and sink
 * only while they breathe out:
 * - a stroke up then down the back rises on the inhales of its first m breaths and comes down
 *   on the exhales of the rest, m shared out by the lengths up and down, and rests where it is
 *   during a half-breath going the other way (only when a stroke takes more than one breath);
 * - a stroke only up the back glides back lifted on the last exhale;
 * - a stroke only down the back glides lifted to its top on the first inhale.
 */
export function waveAlong(top, n, k, phase) {
  const up = top >= 1 - EDGE ? 1 : top <= EDGE ? 0 : top;
  const m = Math.min(n, Math.max(1, Math.round(up * (n + 1))));
  const b = ((k % n) + n) % n, inhale = phase < 0.5;
  const x = ease(inhale ? phase * 2 : phase * 2 - 1);  // how far through this half-breath
  const rise = b >= m ? 1 : (b + (inhale ? x : 1)) / m;
  const fall = b < m - 1 || (b === m - 1 && inhale) ? 0 : (b - m + 1 + (inhale ? 0 : x)) / (n - m + 1);
  if (up === 1) return fall > 0 ? { along: 1 - fall, faint: true } : { along: rise, faint: false };
  if (up === 0) return rise < 1 ? { along: 1 - rise, faint: true } : { along: fall, faint: false };
  return { along: fall > 0 ? up + (1 - up) * fall : up * rise, faint: false };
}

/**
 * Where the hands are `t` s into a step's repetition cycle: {along, faint, n: breaths a
 * repetition, null when the clock paces it}. `paced`: the step is breath-paced (pacedByBreath). `rates` are the
 * breaths a minute the step may have been timed at (the routine's now first); `sensed` is the
 * sensed breath ({phase, breaths}) or null, when the counted rate paces the stroke instead.
 */
export function handsOn({ path, closed, rep, t, rates, sensed, paced = true }) {
  const n = paced ? breathsPerRep(rep, rates) : null;
  if (n !== null) {
    const breath = sensed ?? countedBreath(t, rep / n);
    return { ...waveAlong(topOf(path), n, breath.breaths, breath.phase), n };
  }
  const f = (t % rep) / rep;
  if (closed) return { along: f, faint: false, n };
  if (f < RETURN) return { along: ease(f / RETURN), faint: false, n };
  return { along: 1 - ease((f - RETURN) / (1 - RETURN)), faint: true, n };
}

/** Slow at both ends, like a hand turning round. */
export function ease(x) {
  return x < 0.5 ? 2 * x * x : 1 - 2 * (1 - x) * (1 - x);
}
