"""Slow the tool locally where a limit needs it: a smooth stretch of the trajectory's time.

The compiler times each glide from the tool's own limits (speed, acceleration,
jerk along the skin). Two things it cannot see from there: a joint of the arm
that would turn faster than allowed while touching (near the edge of the arm's
reach a slow tool can still need a fast wrist), and a rare sample where the
timed path's jerk lands just over the limit. Both are fixed the same way: the
same path, the same forces, run more slowly there. No rule is loosened; the
checks run again on the slowed trajectory.

A stretch factor s ≥ 1 per sample makes that sample's interval last s times
longer. It is widened (a running maximum) and then eased (a running mean of the
same width), so it never falls below what was asked for and changes gently:
the extra acceleration and jerk of the easing itself stay small.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from scipy.interpolate import CubicSpline
from scipy.ndimage import maximum_filter1d, uniform_filter1d

from backrub.robot.trajectory import Trajectory

EASE_S = 0.6  # the stretch widens and eases over this time
MARGIN = 1.08  # slow a little more than the limit asks, so a resampled path stays under it
MOTION_RULES = {"speed": 1.0, "accel": 2.0, "jerk": 3.0}  # how each scales with the stretch (power)


def stretch(traj: Trajectory, factor: np.ndarray) -> Trajectory:
    """The same trajectory with sample interval i lasting factor[i] times longer (factor ≥ 1)."""
    n = len(traj)
    if n < 2:
        return traj
    width = max(1, int(EASE_S * traj.rate_hz)) | 1
    s = np.maximum(np.asarray(factor, float)[: n - 1], 1.0)
    s = uniform_filter1d(maximum_filter1d(s, width, mode="nearest"), width, mode="nearest")
    s = np.maximum(s, 1.0)
    when = np.concatenate([[0.0], np.cumsum(s)]) / traj.rate_hz  # new time of each old sample
    count = int(np.floor(when[-1] * traj.rate_hz + 1e-9)) + 1
    t = np.arange(count) / traj.rate_hz
    u = np.interp(t, when, np.arange(n, dtype=float))  # where in the old samples each new one is
    u[-1] = n - 1  # end where the old trajectory ended (at rest, in the air)
    lo = np.minimum(np.floor(u).astype(np.int64), n - 2)
    w = (u - lo)[:, None]
    # Positions through a cubic spline over the old samples: straight lines between them would
    # put a kink at every old sample, and the jerk rule reads kinks.
    pos = CubicSpline(np.arange(n, dtype=float), traj.position, axis=0)(u)
    nrm = traj.normal[lo] * (1 - w) + traj.normal[lo + 1] * w
    nrm /= np.linalg.norm(nrm, axis=1, keepdims=True)
    force = traj.force[lo] * (1 - w[:, 0]) + traj.force[lo + 1] * w[:, 0]
    # Never press where neither neighbour pressed, and never more than the larger of the two.
    force = np.minimum(force, np.maximum(traj.force[lo], traj.force[lo + 1]))
    step = traj.step[np.rint(u).astype(np.int64)]
    return replace(traj, t=t, position=pos, normal=nrm, force=force, step=step)


def motion_factor(traj: Trajectory, rules_and_spans: list[tuple[str, int, int, float]]) -> np.ndarray:
    """Per-sample stretch for Cartesian motion findings: (rule, first, last, measured / limit)."""
    factor = np.ones(max(len(traj) - 1, 1))
    for rule, first, last, ratio in rules_and_spans:
        power = MOTION_RULES[rule]
        need = (max(ratio, 1.0) * MARGIN) ** (1.0 / power)
        lo, hi = max(first - 3, 0), min(last + 3, factor.size)
        factor[lo:hi] = np.maximum(factor[lo:hi], need)
    return factor


def joint_factor(
    traj: Trajectory,
    index: np.ndarray,
    rate: np.ndarray,
    pressing: np.ndarray,
    *,
    contact_limit: float,
    air_limit: float,
) -> np.ndarray:
    """Per-sample stretch for checked intervals index[i]..index[i+1] whose joint rate passes its limit.

    `rate` is the fastest joint's rate over each interval; the limit is the
    contact one when either end touches the skin, the joints' own top speed in
    the air (a quick move in the air costs little time to slow).
    """
    factor = np.ones(max(len(traj) - 1, 1))
    limit = np.where(pressing[:-1] | pressing[1:], contact_limit, air_limit)
    for i in np.flatnonzero(rate > limit).tolist():
        need = rate[i] / limit[i] * MARGIN
        a, b = int(index[i]), int(index[i + 1])
        factor[a:b] = np.maximum(factor[a:b], need)
    return factor
