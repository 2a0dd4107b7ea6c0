// Second-order sections (biquads) for the breath band: design, one step, steady-state start and
// the chain's response at a frequency (to undo the phase lag a causal filter adds).
// Coefficients follow the well-known audio-EQ cookbook forms; direct form II transposed.

/** A low-pass biquad at `fc` Hz for samples at `fs` Hz with quality `q`. */
export function lowpass(fc, fs, q = Math.SQRT1_2) {
  const w = (2 * Math.PI * fc) / fs, c = Math.cos(w), a = Math.sin(w) / (2 * q), a0 = 1 + a;
  return { b0: (1 - c) / 2 / a0, b1: (1 - c) / a0, b2: (1 - c) / 2 / a0, a1: (-2 * c) / a0, a2: (1 - a) / a0 };
}

/** A high-pass biquad at `fc` Hz for samples at `fs` Hz with quality `q`. */
export function highpass(fc, fs, q = Math.SQRT1_2) {
  const w = (2 * Math.PI * fc) / fs, c = Math.cos(w), a = Math.sin(w) / (2 * q), a0 = 1 + a;
  return { b0: (1 + c) / 2 / a0, b1: -(1 + c) / a0, b2: (1 + c) / 2 / a0, a1: (-2 * c) / a0, a2: (1 - a) / a0 };
}

/** The breath band: 2nd-order high-pass at `low` Hz, 4th-order Butterworth low-pass at `high` Hz. */
export function breathBand(fs, low = 0.08, high = 0.7) {
  // Butterworth 4th order as two sections: Q = 1 / (2 cos(pi/8)) and 1 / (2 cos(3 pi/8)).
  return [highpass(low, fs), lowpass(high, fs, 0.5412), lowpass(high, fs, 1.3066)];
}

/** One sample through a chain: [output, new states]. States are [s1, s2] per section. */
export function run(chain, states, x) {
  const next = [];
  let y = x;
  for (let i = 0; i < chain.length; i++) {
    const c = chain[i], [s1, s2] = states[i];
    const out = c.b0 * y + s1;
    next.push([c.b1 * y - c.a1 * out + s2, c.b2 * y - c.a2 * out]);
    y = out;
  }
  return [y, next];
}

/** States as if `x0` had come in for ever: starting a chain on a level gives no transient. */
export function settled(chain, x0) {
  const states = [];
  let x = x0;
  for (const c of chain) {
    const dc = (c.b0 + c.b1 + c.b2) / (1 + c.a1 + c.a2);
    const y = dc * x;
    const s2 = c.b2 * x - c.a2 * y;
    states.push([c.b1 * x - c.a1 * y + s2, s2]);
    x = y;
  }
  return states;
}

/** The chain's phase (radians, negative = lag) at `f` Hz for samples at `fs` Hz. */
export function phaseAt(chain, f, fs) {
  const w = (2 * Math.PI * f) / fs;
  let phase = 0;
  for (const c of chain) {
    // H(e^jw) = (b0 + b1 e^-jw + b2 e^-2jw) / (1 + a1 e^-jw + a2 e^-2jw)
    const nr = c.b0 + c.b1 * Math.cos(w) + c.b2 * Math.cos(2 * w), ni = -c.b1 * Math.sin(w) - c.b2 * Math.sin(2 * w);
    const dr = 1 + c.a1 * Math.cos(w) + c.a2 * Math.cos(2 * w), di = -c.a1 * Math.sin(w) - c.a2 * Math.sin(2 * w);
    phase += Math.atan2(ni, nr) - Math.atan2(di, dr);
  }
  return phase;
}

/** The chain's gain at `f` Hz. */
export function gainAt(chain, f, fs) {
  const w = (2 * Math.PI * f) / fs;
  let gain = 1;
  for (const c of chain) {
    const nr = c.b0 + c.b1 * Math.cos(w) + c.b2 * Math.cos(2 * w), ni = -c.b1 * Math.sin(w) - c.b2 * Math.sin(2 * w);
    const dr = 1 + c.a1 * Math.cos(w) + c.a2 * Math.cos(2 * w), di = -c.a1 * Math.sin(w) - c.a2 * Math.sin(2 * w);
    gain *= Math.hypot(nr, ni) / Math.hypot(dr, di);
  }
  return gain;
}
