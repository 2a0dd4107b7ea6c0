// The breath estimator: motion samples in, breathing phase, rate and how sure it is out, one
// estimate per 10 Hz frame. Pure: every call returns a new state; no browser needed.
//
//   samples -> 10 Hz frames -> band-pass 0.08-0.7 Hz per axis -> principal axis -> phase & turns
//   -> rate (median cycle) -> state: starting | locked | weak | irregular | moving

import { addSample, framer, FRAME_HZ } from "./frames.js";
import { breathBand, lowpass, highpass, phaseAt, run, settled } from "./filter.js";
import { covariance, project, updateAxis } from "./axis.js";
import { cycles, flipped, median, spread, track, tracker } from "./cycle.js";
import { addShape, BINS, landmarks, reshape, shape, turned } from "./template.js";

export const LIMITS = {
  weakRms: 0.005,    // m/s^2 along the breath axis: below this, phone noise and heartbeat win
  moveJump: 0.12,    // m/s^2 from one frame to the next, or inside one: someone moved the phone
  holdMoveMs: 1200,  // after the last shake
  irregular: 0.3,    // spread of cycle lengths (deviation over median) that is no rhythm
  minBpm: 4, maxBpm: 40,
  windowMs: 40000,   // cycles older than this are forgotten
  axisTauS: 15,
  skewTauS: 20,      // how long the which-way-is-in evidence is remembered
  skewFlip: 0.25,    // a settled sign turns only when the skew is this clearly the other way
};
const DT = 1000 / FRAME_HZ;

/** A fresh estimator. */
export function createEstimator() {
  return {
    framer: framer(), chain: breathBand(FRAME_HZ), filters: null, axis: covariance(), cyc: tracker(),
    wide: wideBand(FRAME_HZ), wideFilters: null, shape: shape(), marks: null, marksAt: 0, shapeAt: null,
    prev: null, movedAt: -Infinity, start: null, sign: 1, signDecided: false, breaths: 0,
    skew: { m2: 0, m3: 0 },
    last: null, // the latest estimate
  };
}

/** Feed one motion sample {t (ms), x, y, z (m/s^2, gravity included)}: [state, new estimates]. */
export function feed(state, sample) {
  const [fr, frames] = addSample(state.framer, sample);
  let st = { ...state, framer: fr, start: state.start ?? sample.t };
  const out = [];
  for (const frame of frames) {
    st = step(st, frame);
    out.push(st.last);
  }
  return [st, out];
}

function step(st, frame) {
  const jump = st.prev ? Math.max(...frame.a.map((v, i) => Math.abs(v - st.prev[i]))) : 0;
  st = { ...st, prev: frame.a };
  if (jump > LIMITS.moveJump || frame.spread > LIMITS.moveJump) st = { ...st, movedAt: frame.t, filters: null, shapeAt: null };
  if (frame.t - st.movedAt < LIMITS.holdMoveMs) return { ...st, last: estimate(st, frame, "moving") };
  if (st.filters === null) { // start, or a new posture after moving: begin on the level, no ringing
    st = { ...st, filters: frame.a.map((v) => settled(st.chain, v)), wideFilters: frame.a.map((v) => settled(st.wide, v)) };
  }
  const f = [], filters = [], g = [], wideFilters = [];
  for (let i = 0; i < 3; i++) {
    const [y, s] = run(st.chain, st.filters[i], frame.a[i]);
    f.push(y); filters.push(s);
    const [w, sw] = run(st.wide, st.wideFilters[i], frame.a[i]);
    g.push(w); wideFilters.push(sw);
  }
  const axis = updateAxis(st.axis, f, 1 / (LIMITS.axisTauS * FRAME_HZ));
  let [cyc, theta, event] = track(st.cyc, st.sign * project(axis.v, f), frame.t, DT, ratePeriod(st));
  let { sign, signDecided, breaths, skew } = st;
  if (event?.kind === "onset") breaths += 1;
  // Which way is in: lungs rest empty between breaths (the pause after the exhale), so along the
  // right sign the signal dwells low and peaks briefly: its skew is positive. Decided after the
  // first cycles, then turned only on clear evidence.
  const v = st.sign * project(axis.v, f), k = 1 / (LIMITS.skewTauS * FRAME_HZ);
  skew = { m2: skew.m2 + k * (v * v - skew.m2), m3: skew.m3 + k * (v * v * v - skew.m3) };
  const skewness = skew.m2 > 0 ? skew.m3 / skew.m2 ** 1.5 : 0;
  const seen = cyc.onsets.length + cyc.peaks.length;
  let sh = st.shape;
  if (seen >= 3 && (skewness < -LIMITS.skewFlip || (!signDecided && skewness < 0))) {
    cyc = flipped(cyc);
    sign = -sign;
    theta = cyc.theta;
    skew = { m2: skew.m2, m3: -skew.m3 };
    sh = turned(sh);
    st = { ...st, shapeAt: null };
  }
  signDecided = signDecided || seen >= 3;
  // The breath's own shape, by the fundamental's phase at the moment the wide band shows.
  const period = ratePeriod({ ...st, cyc });
  let { marks, marksAt, shapeAt } = st;
  if (theta !== null && period && signDecided) {
    const fr = 1000 / period;
    const at = (theta - phaseAt(st.chain, fr, FRAME_HZ) + phaseAt(st.wide, fr, FRAME_HZ)) / (2 * Math.PI) + (fr * DT) / 1000;
    const here = [wrap(at), sign * project(axis.v, g)];
    if (st.shapeAt) sh = addShape(sh, st.shapeAt, here);
    shapeAt = here;
    if (sh.visits - (st.marksAt ?? 0) >= BINS / 4) { marks = landmarks(sh); marksAt = sh.visits; }
  }
  st = { ...st, filters, wideFilters, axis, cyc, sign, signDecided, breaths, skew, shape: sh, marks, marksAt, shapeAt };
  return { ...st, last: estimate(st, frame, null, theta) };
}

// A wider band for the breath's shape: its harmonics pass, the heartbeat averages out later.
function wideBand(fs) {
  return [highpass(0.08, fs), lowpass(2.0, fs)];
}

function ratePeriod(st) {
  const lengths = cycles(st.cyc, st.prev ? st.cyc.onsets.at(-1) ?? 0 : 0, LIMITS.windowMs);
  return median(lengths.slice(-8));
}

// What the page shows and sends: the phase now (at the sample that closed the frame).
function estimate(st, frame, forced, theta = null) {
  const now = frame.closedAt;
  const lengths = cycles(st.cyc, now, LIMITS.windowMs);
  const recent = [...lengths.slice(-4), ...lengths.slice(-4)]; // both lists' newest
  const period = median(lengths.length > 8 ? lengths.slice(-8) : lengths);
  const rate = period ? 60000 / period : null;
  const rms = Math.sqrt(st.cyc.ampS);
  const cv = spread(recent);
  const prior = st.last;
  let phase = null;
  if (theta !== null && rate) {
    // The filter delays the breath; at this rate by a known angle: take it back. Then read the
    // phase by the breath's own shape, once known: its inhale starts at its knee (template.js).
    const f = rate / 60;
    const lag = phaseAt(st.chain, f, FRAME_HZ);
    phase = reshape(wrap((theta - lag) / (2 * Math.PI) + (f * (now - (frame.t - DT))) / 1000), st.marks);
  } else if (prior?.phase != null && prior.rate_bpm) {
    phase = wrap(prior.phase + ((prior.rate_bpm / 60) * (now - prior.t)) / 1000); // carry on at the last rate
  }
  let state = forced;
  if (!state) {
    if (rms < LIMITS.weakRms && st.cyc.frames > 5 * FRAME_HZ) state = "weak";
    else if (!rate || lengths.length < 2 || !st.signDecided) state = "starting";
    else if (rate < LIMITS.minBpm || rate > LIMITS.maxBpm || (cv !== null && cv > LIMITS.irregular)) state = "irregular";
    else state = "locked";
  }
  const strength = Math.max(0, Math.min(1, (rms / LIMITS.weakRms - 1) / 3));
  const rhythm = cv === null ? 0.5 : Math.max(0, Math.min(1, 1 - cv / LIMITS.irregular));
  return {
    t: now, state, phase, rate_bpm: rate === null ? null : Math.round(rate * 10) / 10,
    quality: state === "moving" ? 0 : Math.round(100 * strength * rhythm) / 100,
    breaths: st.breaths, rms: Math.round(rms * 1e5) / 1e5,
  };
}

function wrap(x) {
  return ((x % 1) + 1) % 1;
}
