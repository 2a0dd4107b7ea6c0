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
    """Speed, acceleration and jerk magnitudes by finite differences, as the checker sees them."""
    n = len(position)
    squares = [np.zeros(max(n - k, 0)) for k in (1, 2, 3)]
    for axis in range(position.shape[1]):  # one contiguous column at a time: cache-friendly
        d = np.ascontiguousarray(position[:, axis])
        for sq in squares:
            d = d[1:] - d[:-1]
            sq += d * d
    return tuple(np.sqrt(sq) * rate_hz ** (k + 1) for k, sq in enumerate(squares))


def min_jerk(u: np.ndarray) -> np.ndarray:
    """The rest-to-rest quintic s(u) on [0, 1]: zero velocity and acceleration at both ends."""
    return u**3 * (10.0 - 15.0 * u + 6.0 * u * u)


def air_move(
    curve: Callable[[np.ndarray], np.ndarray],
    limits: Limits,
    rate_hz: float,
    min_seconds: float = 0.2,
) -> np.ndarray:
    """Parameter samples u(t) (n+1,) of a rest-to-rest move along curve(u), u in [0, 1].

    For a fixed path and a time-scaled profile, speed goes as 1/T, acceleration
    as 1/T² and jerk as 1/T³, so one look at T = 1 s gives the shortest T.
    """
    v, a, j = finite_kinematics(curve(min_jerk(np.linspace(0.0, 1.0, 1001))), 1000.0)
    peak = (
        max(v.max() / limits.speed, np.sqrt(a.max() / limits.accel), np.cbrt(j.max() / limits.jerk)) / MARGIN
    )
    n = max(2, int(np.ceil(max(peak, min_seconds) * rate_hz)))

    def u_of(scale: float) -> np.ndarray:
        return min_jerk(np.linspace(0.0, 1.0, int(np.ceil(n * scale)) + 1))

    return u_of(_fit_scale(lambda k: curve(u_of(k)), limits, rate_hz))


def glide_arclength(
    s_grid: np.ndarray,
    points: np.ndarray,
    cruise: float,
    limits: Limits,
    rate_hz: float,
    positions_at: Callable[[np.ndarray], np.ndarray],
) -> np.ndarray:
    """Arc length s(t) (m) sampled at rate_hz for a glide along points(s), rest to rest.

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
    base = CubicSpline(np.arange(s.size) * dt, s, bc_type="clamped")
    duration = (s.size - 1) * dt

    def s_of(scale: float) -> np.ndarray:
        n = max(1, int(np.ceil(duration * scale * rate_hz)))
        tt = np.linspace(0.0, duration, n + 1)
        return np.clip(base(tt), 0.0, length)

    scale = _fit_scale(lambda k: positions_at(s_of(k)), limits, rate_hz)
    return s_of(scale)


def _fastest_speed(s: np.ndarray, points: np.ndarray, cruise: float, accel: float) -> np.ndarray:
    """Skin speed at each path point, rest to rest: capped, slowed for curves, ramped.

    Half the acceleration budget (in magnitude) goes to turning, half to
    speeding up or slowing down, so their vector sum stays within `accel`.
    """
    tangent = np.gradient(points, s, axis=0)
    curvature = np.linalg.norm(np.gradient(tangent, s, axis=0), axis=1)
    cap = np.minimum(cruise, np.sqrt(0.5 * accel / np.maximum(curvature, 1e-9))).tolist()
    two_a_ds = (accel * np.diff(s)).tolist()  # 2 · (a/2) · Δs
    v = [0.0] * len(cap)
    for i in range(1, len(v)):  # speeding up from rest
        v[i] = min(cap[i], (v[i - 1] ** 2 + two_a_ds[i - 1]) ** 0.5)
    v[-1] = 0.0
    for i in range(len(v) - 2, -1, -1):  # slowing down to rest
        v[i] = min(v[i], (v[i + 1] ** 2 + two_a_ds[i]) ** 0.5)
    v[0] = 0.0
    return np.array(v)


def _fit_scale(sample: Callable[[float], np.ndarray], limits: Limits, rate_hz: float) -> float:
    """The smallest time stretch (>= 1) at which the sampled motion is within limits."""
    scale = 1.0
    for _ in range(8):
        pos = sample(scale)
        if len(pos) < 4:
            return scale
        v, a, j = finite_kinematics(pos, rate_hz)
        over = max(v.max() / limits.speed, np.sqrt(a.max() / limits.accel), np.cbrt(j.max() / limits.jerk))
        if over <= 1.0:
            return scale
        scale *= over * 1.05
    return scale
