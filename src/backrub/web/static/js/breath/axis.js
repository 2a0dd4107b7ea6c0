// Which way the breath moves the phone: the principal direction of the band-passed 3-axis signal
// (the phone may lie any way round on the back), kept continuous from frame to frame.

/** A covariance that forgets with time constant `tau` frames. */
export function covariance() {
  return { c: [0, 0, 0, 0, 0, 0], v: [0, 0, 1], frames: 0 };
}

/** Update with one band-passed vector; the principal unit axis keeps its previous sign. */
export function updateAxis(state, f, alpha) {
  const [x, y, z] = f;
  const k = state.frames < 1 / alpha ? 1 / (state.frames + 1) : alpha; // a plain mean while young
  const c = state.c.map((old, i) => old + k * ([x * x, y * y, z * z, x * y, x * z, y * z][i] - old));
  const [xx, yy, zz, xy, xz, yz] = c;
  let v = state.v;
  // The largest variance along one axis is a floor for the principal one: when the axis held is
  // below it (it started orthogonal to the breath, or the phone was turned), start from there.
  const diag = [xx, yy, zz], top = diag.indexOf(Math.max(...diag));
  const held = xx * v[0] * v[0] + yy * v[1] * v[1] + zz * v[2] * v[2] + 2 * (xy * v[0] * v[1] + xz * v[0] * v[2] + yz * v[1] * v[2]);
  if (held < diag[top]) v = [0, 1, 2].map((i) => (i === top ? 1 : 0));
  for (let i = 0; i < 3; i++) { // power iteration from the last axis: one or two steps suffice
    const w = [xx * v[0] + xy * v[1] + xz * v[2], xy * v[0] + yy * v[1] + yz * v[2], xz * v[0] + yz * v[1] + zz * v[2]];
    const norm = Math.hypot(...w);
    if (!(norm > 0)) break;
    v = w.map((a) => a / norm);
  }
  if (v[0] * state.v[0] + v[1] * state.v[1] + v[2] * state.v[2] < 0) v = v.map((a) => -a);
  return { c, v, frames: state.frames + 1 };
}

/** The signal along the axis. */
export function project(v, f) {
  return v[0] * f[0] + v[1] * f[1] + v[2] * f[2];
}
