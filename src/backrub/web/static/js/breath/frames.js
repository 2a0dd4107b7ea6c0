// Motion events come at 50-100 Hz with a jittery clock; the estimator works on 10 Hz frames.
// A frame is the mean of the samples in its 100 ms, stamped at its middle, with how much the
// phone shook inside it (movement, not breathing, changes that quickly).

export const FRAME_HZ = 10;
const FRAME_MS = 1000 / FRAME_HZ;

/** A fresh framer (the time of the first sample starts the first frame). */
export function framer() {
  return { start: null, n: 0, sum: [0, 0, 0], sq: [0, 0, 0], last: null };
}

/** Add one sample {t (ms), x, y, z}: [framer, frames closed by it (zero or more)]. */
export function addSample(f, s) {
  let { start, n, sum, sq, last } = f;
  const out = [];
  if (start === null) start = s.t;
  while (s.t >= start + FRAME_MS) {
    if (n > 0) {
      const mean = sum.map((v) => v / n);
      const spread = Math.sqrt(Math.max(0, ...sq.map((v, i) => v / n - mean[i] * mean[i])));
      out.push({ t: start + FRAME_MS / 2, a: mean, spread, n, closedAt: s.t });
      last = mean;
    } else if (last) {
      out.push({ t: start + FRAME_MS / 2, a: last, spread: 0, n: 0, closedAt: s.t }); // a gap: hold
    }
    start += FRAME_MS;
    n = 0; sum = [0, 0, 0]; sq = [0, 0, 0];
    if (s.t - start > 2000) start = s.t; // a long gap: start again here rather than fill it
  }
  const v = [s.x, s.y, s.z];
  sum = sum.map((a, i) => a + v[i]);
  sq = sq.map((a, i) => a + v[i] * v[i]);
  return [{ start, n: n + 1, sum, sq, last }, out];
}
