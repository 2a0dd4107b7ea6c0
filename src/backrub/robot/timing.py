"""Time-parameterisation: how fast the probe moves along each piece of path.

Every piece starts and ends at rest with zero acceleration, so pieces can be
laid end to end without a jump in velocity or acceleration. Glides on the skin
get the fastest speed profile under a speed cap, the sideways acceleration
that curvature demands and a tangential acceleration limit (time-optimal path
parameterisation for a point mass: a forward and a backward pass over the
path); a moving average in time then bounds the jerk (a trapezoid convolved
with a box of width a/j is an S-curve). Moves in the air use the minimum-jerk
quintic. Whatever comes out is measured the way the checker measures it and
stretched in time until it fits.

toppra solves the same problem for general robots, but costs ~40 ms a path
against well under 1 ms here, and a 60-minute routine has a hundred paths.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.interpolate import CubicSpline
from scipy.ndimage import uniform_filter1d

# Aim below the limits the checker enforces; sampling adds a little on top.
MARGIN = 0.9


@dataclass(frozen=True, slots=True, kw_only=True)
class Limits:
    """Motion limits in SI units."""

    speed: float
    accel: float
    jerk: float


def finite_kinematics(position: np.ndarray, rate_hz: float) -> tuple[np.ndarray, ...]:
    """Speed, acceleration and jerk magnitudes by finite differences, as the checker sees them.

    Speed k is |p[k+1] - p[k]| · rate; acceleration and jerk are the second and
    third differences, so the three arrays have N-1, N-2 and N-3 entries.
    """
    return tuple(
        np.sqrt(sq, out=sq) * rate_hz ** (k + 1) for k, sq in enumerate(squared_differences(position))
    )


def squared_differences(position: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Squared magnitudes of the first, second and third differences of (N, d) positions."""
    n = len(position)
    squares = (np.zeros(max(n - 1, 0)), np.zeros(max(n - 2, 0)), np.zeros(max(n - 3, 0)))
    if n < 2:
        return squares
    columns = np.ascontiguousarray(position.T)  # one copy; then every column is contiguous
    for d in columns:
        for sq in squares:
            if d.size < 2:
                break
            d = np.subtract(d[1:], d[:-1])
            sq += d * d
    return squares


def kinematic_peaks(position: np.ndarray, rate_hz: float) -> tuple[float, float, float]:
    """The largest speed, acceleration and jerk of `finite_kinematics`, without the arrays."""
    return tuple(  # type: ignore[return-value]
        float(np.sqrt(sq.max(initial=0.0))) * rate_hz ** (k + 1)
        for k, sq in enumerate(squared_differences(position))
    )


def min_jerk(u: np.ndarray) -> np.ndarray:
    """The rest-to-rest quintic s(u) on [0, 1]: zero velocity and acceleration at both ends."""
    return np.asarray(u**3 * (10.0 - 15.0 * u + 6.0 * u * u))


def air_move(
    curve: Callable[[np.ndarray], np.ndarray],
    limits: Limits,
    rate_hz: float,
    min_seconds: float = 0.2,
) -> tuple[np.ndarray, np.ndarray]:
    """Parameter samples u(t) (n+1,) of a rest-to-rest move along curve(u), u in [0, 1],
    and curve(u) there (the last call of `curve` is always at the returned u).

    For a fixed path and a time-scaled profile, speed goes as 1/T, acceleration
    as 1/T² and jerk as 1/T³, so one look at T = 1 s gives the shortest T.
    """
    v, a, j = kinematic_peaks(curve(min_jerk(np.linspace(0.0, 1.0, 1001))), 1000.0)
    peak = max(v / limits.speed, np.sqrt(a / limits.accel), np.cbrt(j / limits.jerk)) / MARGIN
    n = max(2, int(np.ceil(max(peak, min_seconds) * rate_hz)))

    def u_of(scale: float) -> np.ndarray:
        return min_jerk(np.linspace(0.0, 1.0, int(np.ceil(n * scale)) + 1))

    scale, at = _fit_scale(lambda k: curve(u_of(k)), limits, rate_hz)
    u = u_of(scale)
    return u, (curve(u) if at is None else at)


def glide_arclength(
    s_grid: np.ndarray,
    points: np.ndarray,
    cruise: float,
    limits: Limits,
    rate_hz: float,
    positions_at: Callable[[np.ndarray], np.ndarray],
) -> tuple[np.ndarray, np.ndarray]:
    """Arc length s(t) (m) sampled at rate_hz for a glide along points(s), rest to rest,
    and positions_at(s(t)) (the last call of `positions_at` is always at the returned s).

    `s_grid` is the skin arc length of the (M, 3) `points`; `positions_at(s)`
    maps arc length to probe positions, for the final check against limits.
    """
    length = float(s_grid[-1])
    speed_at_grid = _fastest_speed(s_grid, points, min(cruise, limits.speed * MARGIN), limits.accel * MARGIN)
    # Time at each grid point from the mean speed over each interval.
    mean_v = np.maximum(0.5 * (speed_at_grid[1:] + speed_at_grid[:-1]), 1e-4)
    t_grid = np.concatenate([[0.0], np.cumsum(np.diff(s_grid) / mean_v)])
    dt = 1.0 / rate_hz
    t = np.arange(0.0, t_grid[-1] + dt, dt)
    v = np.interp(t, t_grid, speed_at_grid)
    width = max(1, round(limits.accel * MARGIN / (limits.jerk * MARGIN) * rate_hz))
    v = np.concatenate([np.zeros(width), v, np.zeros(width)])
    v = uniform_filter1d(uniform_filter1d(v, width, mode="constant"), width, mode="constant")
    s = np.concatenate([[0.0], np.cumsum(0.5 * (v[1:] + v[:-1]) * dt)])
    s *= length / s[-1]
    # Trim the still samples the padding left at both ends (keep one at rest).
    moving = np.flatnonzero(np.diff(s) > 1e-12)
    s = s[max(moving[0] - 1, 0) : moving[-1] + 2] if moving.size else s[:2]
    duration = (s.size - 1) * dt
    s = np.clip(s, 0.0, length)

    def s_of(scale: float) -> np.ndarray:
        if scale == 1.0:  # the samples themselves: no spline needed
            return s
        base = CubicSpline(np.arange(s.size) * dt, s, bc_type="clamped")
        n = max(1, int(np.ceil(duration * scale * rate_hz)))
        tt = np.linspace(0.0, duration, n + 1)
        return np.asarray(np.clip(base(tt), 0.0, length))

    scale, at = _fit_scale(lambda k: positions_at(s_of(k)), limits, rate_hz)
    s = s_of(scale)
    return s, (positions_at(s) if at is None else at)


def _fastest_speed(s: np.ndarray, points: np.ndarray, cruise: float, accel: float) -> np.ndarray:
    """Skin speed at each path point, rest to rest: capped, slowed for curves, ramped.

    Half the acceleration budget (in magnitude) goes to turning, half to
    speeding up or slowing down, so their vector sum stays within `accel`.
    """
    tangent = np.gradient(points, s, axis=0)
    curvature = np.linalg.norm(np.gradient(tangent, s, axis=0), axis=1)
    cap2 = np.minimum(cruise, np.sqrt(0.5 * accel / np.maximum(curvature, 1e-9))) ** 2
    # With w = v², speeding up from rest is w[i] = min(cap²[i], w[i-1] + 2·(a/2)·Δs);
    # unrolled, w[i] = C[i] + min(0, min over 1 <= j <= i of cap²[j] - C[j]), C the
    # running sum of 2·(a/2)·Δs: a running minimum, no loop. Slowing down to rest is
    # the same read backwards.
    gain = np.concatenate([[0.0], np.cumsum(accel * np.diff(s))])
    start = cap2 - gain
    start[0] = 0.0  # from rest
    w = gain + np.minimum.accumulate(start)
    w[-1] = 0.0  # to rest
    left = gain[-1] - gain  # what is gained from each point to the end
    w = left + np.minimum.accumulate((w - left)[::-1])[::-1]
    w[0] = 0.0
    return np.asarray(np.sqrt(np.maximum(w, 0.0)))


def _fit_scale(
    sample: Callable[[float], np.ndarray], limits: Limits, rate_hz: float
) -> tuple[float, np.ndarray | None]:
    """The smallest time stretch (>= 1) at which the sampled motion is within limits,
    and the samples at that stretch if they were taken (None after the last try)."""
    scale = 1.0
    for _ in range(8):
        pos = sample(scale)
        if len(pos) < 4:
            return scale, pos
        v, a, j = kinematic_peaks(pos, rate_hz)
        over = max(v / limits.speed, np.sqrt(a / limits.accel), np.cbrt(j / limits.jerk))
        if over <= 1.0:
            return scale, pos
        scale *= over * 1.05
    return scale, None
