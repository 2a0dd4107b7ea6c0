// Breath cycles in the band-passed signal along the breath axis: a phase from the signal and its
// slope (0 at the bottom of a breath, when the inhale starts; 1/2 at the top), inhale onsets and
// ends, and the rate from the spacing of both.

const TAU_AMP_S = 6; // amplitude trackers forget over a few breaths
const MIN_TURN = 0.6; // how far from the middle (in amplitudes) a turn must be

/** A fresh tracker. */
export function tracker() {
  return { s1: null, s2: null, ampS: 0, ampD: 0, theta: null, onsets: [], peaks: [], frames: 0, lastEvent: null };
}

/**
 * One frame's signal value `s` at time `t` (ms), frames `dt` ms apart; `period` (ms, or null) the
 * current estimate, used only to ignore wobbles. Returns [tracker, theta for time t - dt, event]
 * where event is null, {kind: "onset"|"peak", t} with t the moment the filtered signal turned.
 */
export function track(state, s, t, dt, period) {
  const { s1, s2 } = state;
  const next = { ...state, s2: s1, s1: s, frames: state.frames + 1 };
  if (s1 === null || s2 === null) return [next, null, null];
  const k = Math.min(1, dt / 1000 / TAU_AMP_S);
  const d = (s - s2) / 2; // slope at the middle frame, per frame
  const young = state.frames < 20;
  next.ampS = young ? Math.max(state.ampS, s1 * s1) : state.ampS + k * (s1 * s1 - state.ampS);
  next.ampD = young ? Math.max(state.ampD, d * d) : state.ampD + k * (d * d - state.ampD);
  if (!(next.ampS > 0 && next.ampD > 0)) return [next, null, null];
  // The signal as a point going round: bottom of the breath -> angle 0, top -> +/- pi.
  const theta = Math.atan2(d / Math.sqrt(next.ampD), -s1 / Math.sqrt(next.ampS));
  next.theta = theta;
  const prev = state.theta;
  let event = null;
  if (prev !== null) {
    // Turns come half a cycle apart; closer than this is a wobble (and faster than 40 a minute is
    // not breath). Kept well under half a cycle so a slow estimate cannot hide real turns.
    const gap = Math.max(period ? 0.15 * period : 0, 700);
    const since = state.lastEvent ? t - dt - state.lastEvent.t : Infinity;
    const mid = t - dt;
    const wrapped = prev - theta > Math.PI; // went past the top (+pi to -pi)
    // A real turn happens far from the middle; small loops there are noise in a pause.
    const far = Math.abs(s1) / Math.sqrt(next.ampS) > MIN_TURN;
    if (!far) return [next, theta, null];
    if (prev < 0 && theta >= 0 && !wrapped && state.lastEvent?.kind !== "onset" && since > gap) {
      event = { kind: "onset", t: mid - dt * (theta / (theta - prev)) };
    } else if (wrapped && state.lastEvent?.kind !== "peak" && since > gap) {
      const unwrapped = theta + 2 * Math.PI;
      event = { kind: "peak", t: mid - dt * ((unwrapped - Math.PI) / (unwrapped - prev)) };
    }
    if (event) {
      next.lastEvent = event;
      const list = event.kind === "onset" ? "onsets" : "peaks";
      next[list] = [...state[list], event.t].slice(-8);
    }
  }
  return [next, theta, event];
}

/** Cycle lengths (ms) from the last onsets and the last tops, newest last, within `window` ms of `t`. */
export function cycles(state, t, window) {
  const out = [];
  for (const list of [state.onsets, state.peaks]) {
    for (let i = 1; i < list.length; i++) if (t - list[i - 1] <= window) out.push(list[i] - list[i - 1]);
  }
  return out;
}

/** The median of a list of numbers (null when empty). */
export function median(xs) {
  if (!xs.length) return null;
  const a = [...xs].sort((p, q) => p - q), m = a.length >> 1;
  return a.length % 2 ? a[m] : (a[m - 1] + a[m]) / 2;
}

/** How much the cycle lengths spread: median absolute deviation over the median (0 = regular). */
export function spread(xs) {
  const m = median(xs);
  if (m === null || xs.length < 3) return null;
  return median(xs.map((x) => Math.abs(x - m))) / m;
}

/**
 * Which way is in: the fraction of each cycle spent rising, from matched onset -> top -> onset.
 * People breathe in quicker than they breathe out, so the mean is under 1/2 when the sign is right.
 */
export function riseFractions(state) {
  const out = [];
  const { onsets, peaks } = state;
  for (let i = 1; i < onsets.length; i++) {
    const top = peaks.find((p) => p > onsets[i - 1] && p < onsets[i]);
    if (top !== undefined) out.push((top - onsets[i - 1]) / (onsets[i] - onsets[i - 1]));
  }
  return out;
}

/** The same tracker seen upside down: tops become onsets and the angle turns by half a circle. */
export function flipped(state) {
  return {
    ...state, s1: state.s1 === null ? null : -state.s1, s2: state.s2 === null ? null : -state.s2,
    theta: state.theta === null ? null : (state.theta > 0 ? state.theta - Math.PI : state.theta + Math.PI),
    onsets: state.peaks, peaks: state.onsets,
    lastEvent: state.lastEvent && { ...state.lastEvent, kind: state.lastEvent.kind === "onset" ? "peak" : "onset" },
  };
}
