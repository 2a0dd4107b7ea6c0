// The coach's side of the breath sensor: the latest reading carried forward to any moment, the
// pacer locked to it (the hands: wave.js), and when to ask the server to re-time the rest of the routine.
// No DOM here (coach.js draws); `now` is performance.now() of the coach page.

export const LOCK = {
  staleMs: 2000,      // a reading older than this no longer paces anything
  slew: 0.15,         // of the gap between shown and sensed phase closed each frame (no jumps)
  margin: 0.12,       // re-time when the sensed rate is this far (relative) from the routine's
  steadyMs: 20000,    // ... and has been for this long
  againMs: 60000,     // ... and the last re-time is at least this old
};

/** A fresh lock: nothing sensed yet. */
export function breathLock() {
  return { reading: null, at: 0, shown: null, shownAt: 0, breaths: 0, off: null, asked: -Infinity };
}

/** Take a relayed reading received at `now`. */
export function onReading(lock, msg, now) {
  return { ...lock, reading: msg, at: now };
}

/** Whether the sensor paces the coach now. */
export function locked(lock, now) {
  const r = lock.reading;
  return !!r && r.state === "locked" && r.phase != null && r.rate_bpm != null && now - lock.at < LOCK.staleMs;
}

/**
 * The sensed breath at `now`: [lock, {phase (0 inhale onset, 1/2 top), rate_bpm, breaths}] or
 * [lock, null] when the sensor does not pace the coach. The phase shown moves on at the sensed
 * rate and closes on each new reading smoothly, never backwards; a breath is counted as the
 * phase comes round.
 */
export function sensedAt(lock, now) {
  if (!locked(lock, now)) return [{ ...lock, shown: null }, null];
  const r = lock.reading, perMs = r.rate_bpm / 60000;
  const target = wrap(r.phase + perMs * (now - lock.at));
  let shown = target, breaths = lock.breaths;
  if (lock.shown !== null) {
    // Never backwards: the hands follow this phase, and a breath does not run back. Ahead of the
    // sensor, the phase waits for it rather than slide back.
    const ran = perMs * (now - lock.shownAt);
    const step = Math.max(0, ran + LOCK.slew * signed(target - wrap(lock.shown + ran)));
    shown = wrap(lock.shown + step);
    if (lock.shown + step >= 1) breaths += 1; // came round
  }
  return [{ ...lock, shown, shownAt: now, breaths }, { phase: shown, rate_bpm: r.rate_bpm, breaths }];
}

/** The coach pacer's own phase (inhale until 0.45) for a sensed phase (inhale until 0.5). */
export function pacerPhase(phase) {
  return phase < 0.5 ? phase * 0.9 : 0.45 + (phase - 0.5) * 1.1;
}

/**
 * Whether to ask for the rest to be re-timed to the sensed rate: [lock, rate or null]. Only for a
 * rate steadily more than the margin away from the routine's, and not again within a minute.
 */
export function retimeWanted(lock, now, routineBpm) {
  if (!locked(lock, now)) return [{ ...lock, off: null }, null];
  const rate = lock.reading.rate_bpm;
  if (Math.abs(rate - routineBpm) <= LOCK.margin * routineBpm) return [{ ...lock, off: null }, null];
  const off = lock.off ?? now;
  if (now - off < LOCK.steadyMs || now - lock.asked < LOCK.againMs) return [{ ...lock, off }, null];
  return [{ ...lock, off: null, asked: now }, Math.round(rate * 10) / 10];
}

function wrap(x) { return ((x % 1) + 1) % 1; }
function signed(d) { return wrap(d + 0.5) - 0.5; }
