// Where in the cycle the inhale really starts. The phase from the breath band follows the breath's
// fundamental, whose lowest point sits inside the pause after the exhale, before the next inhale
// begins. Averaging a wider-band copy of the signal over many cycles, by that phase, gives the
// breath's own shape (noise and heartbeat, not locked to the breath, average out); the inhale
// starts at its knee (the sharpest bend before the steepest rise) and ends at its top.

export const BINS = 40;
const K = 0.12; // weight of each new pass over a bin (about the last ten breaths count)

/** An empty average shape. */
export function shape() {
  return { bins: new Array(BINS).fill(null), visits: 0 };
}

/**
 * Add the signal between two moments: `from` and `to` are [phase (cycles), value]. Every bin the
 * phase passed gets the value there (straight between the two), so a quick inhale, which the
 * phase crosses in few frames, is drawn as fully as the slow pause.
 */
export function addShape(sh, from, to) {
  const [p0, v0] = from, [p1, v1] = to;
  const ahead = (((p1 - p0) % 1) + 1) % 1;
  const bins = sh.bins.slice();
  if (ahead > 0.4) { // went backwards, or jumped: keep just the point
    const b = Math.floor(wrap(p1) * BINS) % BINS;
    bins[b] = bins[b] === null ? v1 : bins[b] + K * (v1 - bins[b]);
    return { bins, visits: sh.visits + 1 };
  }
  let visits = sh.visits;
  const first = Math.ceil(p0 * BINS - 0.5), last = Math.floor((p0 + ahead) * BINS - 0.5);
  for (let k = first; k <= last; k++) {
    const centre = (k + 0.5) / BINS, x = ahead > 0 ? (centre - p0) / ahead : 1;
    const v = v0 + x * (v1 - v0), b = ((k % BINS) + BINS) % BINS;
    bins[b] = bins[b] === null ? v : bins[b] + K * (v - bins[b]);
    visits++;
  }
  return { bins, visits };
}

function wrap(x) {
  return ((x % 1) + 1) % 1;
}

/** The same shape seen upside down (the breath axis turned). */
export function turned(sh) {
  const half = BINS / 2;
  return { bins: sh.bins.map((_, i) => { const v = sh.bins[(i + half) % BINS]; return v === null ? null : -v; }), visits: sh.visits };
}

/** {onset, top} in cycles of the fundamental's phase, or null while the shape is not clear. */
export function landmarks(sh) {
  if (sh.visits < 3 * BINS || sh.bins.some((v) => v === null)) return null;
  const v = smooth(sh.bins);
  const at = (i) => v[((i % BINS) + BINS) % BINS];
  const lo = Math.min(...v), hi = Math.max(...v);
  if (!(hi - lo > 0)) return null;
  let rise = 0;
  for (let i = 1; i < BINS; i++) if (at(i + 1) - at(i - 1) > at(rise + 1) - at(rise - 1)) rise = i;
  let knee = rise, best = -Infinity;
  for (let i = rise - Math.floor(BINS / 3); i <= rise; i++) {
    const bend = at(i + 1) - 2 * at(i) + at(i - 1);
    if (bend > best) { best = bend; knee = i; }
  }
  let top = rise;
  for (let i = rise; i < rise + BINS / 2; i++) if (at(i) > at(top)) top = i;
  const onset = (peakAt(at, knee, (i) => at(i + 1) - 2 * at(i) + at(i - 1)) / BINS + 1) % 1;
  const up = (peakAt(at, top, at) / BINS + 1) % 1;
  return { onset, top: up };
}

/** A phase of the fundamental re-read so that 0 is the inhale's start and 1/2 its top. */
export function reshape(phase, lm) {
  if (!lm) return phase;
  const from = (((phase - lm.onset) % 1) + 1) % 1, rise = (((lm.top - lm.onset) % 1) + 1) % 1;
  if (rise <= 0.05 || rise >= 0.95) return phase;
  return from < rise ? (0.5 * from) / rise : 0.5 + (0.5 * (from - rise)) / (1 - rise);
}

function smooth(bins) {
  return bins.map((_, i) => (bins[(i + BINS - 1) % BINS] + 2 * bins[i] + bins[(i + 1) % BINS]) / 4);
}

// The peak of f near bin i, between bins (a parabola through three points).
function peakAt(at, i, f) {
  const a = f(i - 1), b = f(i), c = f(i + 1), d = a - 2 * b + c;
  return d < 0 ? i + Math.max(-0.5, Math.min(0.5, (0.5 * (a - c)) / d)) : i;
}
