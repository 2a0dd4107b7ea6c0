"""Time-parameterisation: how fast the probe moves along each piece of path.

Every piece starts and ends at rest with zero acceleration, so pieces can be
laid end to end without a jump in velocity or acceleration. Glides on the skin
get their speed from toppra (fastest profile under a speed cap and the
acceleration that curvature demands), then a moving average in time bounds the
jerk (a trapezoid convolved with a box of width a/j is an S-curve). Moves in
the air use the minimum-jerk quintic. Whatever comes out is measured the way
the checker measures it and stretched in time until it fits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import toppra
import toppra.algorithm
import toppra.constraint
from scipy.interpolate import CubicSpline
from scipy.ndimage import uniform_filter1d

toppra.setup_logging("WARNING")

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
    dt = 1.0 / rate_hz
    d1 = np.diff(position, axis=0)
    d2 = np.diff(d1, axis=0)
    d3 = np.diff(d2, axis=0)
    return (
        np.linalg.norm(d1, axis=1) / dt,
        np.linalg.norm(d2, axis=1) / dt**2,
        np.linalg.norm(d3, axis=1) / dt**3,
    )


def min_jerk(u: np.ndarray) -> np.ndarray:
    """The rest-to-rest quintic s(u) on [0, 1]: zero velocity and acceleration at both ends."""
    return u**3 * (10.0 - 15.0 * u + 6.0 * u * u)


def air_move(curve: Callable[[np.ndarray], np.ndarray], limits: Limits, rate_hz: float,
             min_seconds: float = 0.2) -> np.ndarray:
    """Parameter samples u(t) (n+1,) of a rest-to-rest move along curve(u), u in [0, 1].

    For a fixed path and a time-scaled profile, speed goes as 1/T, acceleration
    as 1/T² and jerk as 1/T³, so one look at T = 1 s gives the shortest T.
    """
    v, a, j = finite_kinematics(curve(min_jerk(np.linspace(0.0, 1.0, 1001))), 1000.0)
    peak = max(v.max() / limits.speed, np.sqrt(a.max() / limits.accel),
               np.cbrt(j.max() / limits.jerk)) / MARGIN
    n = max(2, int(np.ceil(max(peak, min_seconds) * rate_hz)))

    def u_of(scale: float) -> np.ndarray:
        return min_jerk(np.linspace(0.0, 1.0, int(np.ceil(n * scale)) + 1))

    return u_of(_fit_scale(lambda k: curve(u_of(k)), limits, rate_hz))


def glide_arclength(s_grid: np.ndarray, points: np.ndarray, cruise: float, limits: Limits,
                    rate_hz: float,
                    positions_at: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """Arc length s(t) (m) sampled at rate_hz for a glide along points(s), rest to rest.

    `s_grid` is the skin arc length of the (M, 3) `points`; `positions_at(s)`
    maps arc length to probe positions, for the final check against limits.
    """
    length = float(s_grid[-1])
    speed_at_grid = _toppra_speed(s_grid, points, min(cruise, limits.speed * MARGIN),
                                  limits.accel * MARGIN)
    # Time at each grid point from the mean speed over each interval.
    mean_v = np.maximum(0.5 * (speed_at_grid[1:] + speed_at_grid[:-1]), 1e-4)
    t_grid = np.concatenate([[0.0], np.cumsum(np.diff(s_grid) / mean_v)])
    dt = 1.0 / rate_hz
    t = np.arange(0.0, t_grid[-1] + dt, dt)
    v = np.interp(t, t_grid, speed_at_grid)
    width = max(1, int(round(limits.accel * MARGIN / (limits.jerk * MARGIN) * rate_hz)))
    v = np.concatenate([np.zeros(width), v, np.zeros(width)])
    v = uniform_filter1d(uniform_filter1d(v, width, mode="constant"), width, mode="constant")
    s = np.concatenate([[0.0], np.cumsum(0.5 * (v[1:] + v[:-1]) * dt)])
    s *= length / s[-1]
    # Trim the still samples the padding left at both ends (keep one at rest).
    moving = np.flatnonzero(np.diff(s) > 1e-12)
    s = s[max(moving[0] - 1, 0): moving[-1] + 2] if moving.size else s[:2]
    base = CubicSpline(np.arange(s.size) * dt, s, bc_type="clamped")
    duration = (s.size - 1) * dt

    def s_of(scale: float) -> np.ndarray:
        n = max(1, int(np.ceil(duration * scale * rate_hz)))
        tt = np.linspace(0.0, duration, n + 1)
        return np.clip(base(tt), 0.0, length)

    scale = _fit_scale(lambda k: positions_at(s_of(k)), limits, rate_hz)
    return s_of(scale)


def _toppra_speed(s_grid: np.ndarray, points: np.ndarray, cruise: float,
                  accel: float) -> np.ndarray:
    """Skin speed at each grid point: toppra on (x, y, z, s), capping ds/dt by the 4th axis."""
    path = toppra.SplineInterpolator(s_grid, np.column_stack([points, s_grid]))
    vlim = np.array([[-10.0, 10.0]] * 3 + [[-cruise, cruise]])
    # Per-axis bounds of a/√3 keep the vector's magnitude within a.
    alim = np.array([[-accel / np.sqrt(3), accel / np.sqrt(3)]] * 3 + [[-1e3, 1e3]])
    grid = np.linspace(0.0, s_grid[-1], int(np.clip(s_grid[-1] / 0.003, 20, 400)))
    algo = toppra.algorithm.TOPPRA(
        [toppra.constraint.JointVelocityConstraint(vlim),
         toppra.constraint.JointAccelerationConstraint(alim)],
        path, gridpoints=grid, parametrizer="ParametrizeConstAccel")
    _, sd, _ = algo.compute_parameterization(0.0, 0.0)
    if sd is None:  # infeasible only on degenerate paths; fall back to the plain cap
        sd = np.full(grid.size, cruise)
        sd[[0, -1]] = 0.0
    return np.interp(s_grid, grid, np.maximum(np.asarray(sd), 0.0))


def _fit_scale(sample: Callable[[float], np.ndarray], limits: Limits, rate_hz: float) -> float:
    """The smallest time stretch (>= 1) at which the sampled motion is within limits."""
    scale = 1.0
    for _ in range(8):
        pos = sample(scale)
        if len(pos) < 4:
            return scale
        v, a, j = finite_kinematics(pos, rate_hz)
        over = max(v.max() / limits.speed, np.sqrt(a.max() / limits.accel),
                   np.cbrt(j.max() / limits.jerk))
        if over <= 1.0:
            return scale
        scale *= over * 1.05
    return scale
