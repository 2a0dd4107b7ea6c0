"""The one reconfiguration: a joint-space move through the air that keeps the arm and the tool clear.

An IK branch cannot change continuously, so the arm changes configuration with
its joints, in an air gap: it leaves the tool's air path where the tool is
lifted 2 cm, and rejoins it on the other branch before the landing. The move
is a chain of rest-to-rest quintics through a few poses (`along`): first the
tool is lifted further along the normal on the old branch, then the joints
turn to the new branch's pose lifted as far, then the tool comes down to the
path. Each leg gets time in proportion to what it needs: its largest turn at
the joints' top speed (a quintic peaks at 1.875·turn/T), but at least 0.5 s,
so the short lift and landing legs do not jerk the tool.

`plan` searches a small, fixed set of such moves (how far to lift; which way
round each joint turns, the whole turn taken out of the angles before or after
the move) in order of the time they need, and takes the first one that keeps
every link, the sensor and the stick clear (`clearance.link_clearance`) and
the tool ball 2 cm from skin, table and upper arms (`ball_too_near`), tested
at four times the reach check's sample rate. The reach check then judges the
chosen move at its own samples like any other stretch of the routine.
"""

from __future__ import annotations

import itertools

import numpy as np

from backrub.robot import ur5e
from backrub.robot.arm_model import base_transform
from backrub.robot.clearance import CLEARANCE_M, ArmPlacement, ball_gap, lift, link_clearance
from backrub.robot.surface import BackSurface

LIFTS_M = (0.0, 0.05, 0.10, 0.15)  # how much further the tool is lifted along the normal before turning
NEAR_END_M = 0.01  # within this of where it leaves (or rejoins) the path, the ball may be as low as there
PLAN_DENSITY = 4  # the planner tests its move this many times as often as the reach check samples it
QUINTIC_PEAK = 1.875  # peak speed of a rest-to-rest quintic, in units of (distance / time)
MIN_LEG_S = 0.5  # no leg of the move is quicker than this (the wrist sensor reads the tool's inertia)


def joint_move(q0: np.ndarray, q1: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Angles (len(t), 6) of a rest-to-rest quintic move from q0 at t[0] to q1 at t[-1].

    The quintic starts and ends with zero speed and acceleration; its peak
    speed is 1.875·|Δq|/T.
    """
    return _quintic(q0, q1, float(t[0]), float(t[-1]), t)


def along(poses: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Angles (len(t), 6) of rest-to-rest quintic legs through `poses` (m, 6), from t[0] to t[-1].

    Each leg's time is in proportion to what it needs (`leg_seconds`), so when
    the span is `seconds_needed` or more no joint passes its top speed.
    """
    need = leg_seconds(poses)
    total = float(need.sum())
    if total <= 0.0:
        return np.repeat(poses[:1], len(t), axis=0)
    t0, t1 = float(t[0]), float(t[-1])
    edges = t0 + (t1 - t0) * np.concatenate([[0.0], np.cumsum(need) / total])
    leg = np.clip(np.searchsorted(edges, t, side="right") - 1, 0, len(need) - 1)
    out = np.empty((len(t), poses.shape[1]))
    for k in range(len(need)):
        sel = leg == k
        if sel.any():
            out[sel] = _quintic(poses[k], poses[k + 1], float(edges[k]), float(edges[k + 1]), t[sel])
    return out


def leg_turns(poses: np.ndarray) -> np.ndarray:
    """The largest joint turn (rad) of each leg between consecutive poses."""
    return np.asarray(np.max(np.abs(np.diff(poses, axis=0)), axis=1))


def leg_seconds(poses: np.ndarray) -> np.ndarray:
    """The time (s) each leg needs: its largest turn at the joints' top speed, and at least MIN_LEG_S.

    A short leg (the lift, the landing) done at top speed would start and
    stop the tool sharply; the wrist sensor reads the tool's inertia as a
    force, and the monitor watches that reading in the air too.
    """
    top = QUINTIC_PEAK * leg_turns(poses) / np.min(ur5e.JOINT_SPEED_RAD_S)
    return np.asarray(np.where(top > 0.0, np.maximum(top, MIN_LEG_S), 0.0))


def seconds_needed(poses: np.ndarray) -> float:
    """The shortest time the move through `poses` takes with no joint over its top speed."""
    return float(leg_seconds(poses).sum())


def lifted(gap: tuple[int, int], pos: np.ndarray, surface: BackSurface) -> tuple[int, int]:
    """The part of an air gap from the first to the last sample with the tool CLEARANCE_M off the skin.

    The move starts and ends there, where the tool travels at its lift height;
    a gap that never lifts so far keeps its ends, and the ball check then
    finds the tool too near.
    """
    a, b = gap
    high = np.flatnonzero(lift(pos[a : b + 1], surface) >= CLEARANCE_M)
    if high.size < 2:
        return gap
    return a + int(high[0]), a + int(high[-1])


def ball_too_near(
    q: np.ndarray, placement: ArmPlacement, surface: BackSurface, radius_m: float
) -> np.ndarray:
    """Samples (n,) of a move (q: its angles, ends included) where the tool ball comes too near.

    Too near: under CLEARANCE_M from skin, table or upper arms. Within
    NEAR_END_M of where the move leaves or rejoins the tool's air path, the
    bar is the ball's own gap there if that is lower: the path travels at its
    lift height (2 cm give or take a few tenths of a millimetre over a curved
    back), and a move that lifts the tool straight up from it starts there.
    """
    gap = ball_gap(q, placement, surface, radius_m)
    base = base_transform(placement.base_m, placement.yaw_deg, placement.tilt_deg)
    centre = (base @ ur5e.tool_pose(q))[:, :3, 3]
    need = np.full(len(q), CLEARANCE_M)
    for end in (0, len(q) - 1):
        near = np.linalg.norm(centre - centre[end], axis=1) < NEAR_END_M
        need[near] = np.minimum(need[near], gap[end])
    return np.asarray(gap < need)


def plan(
    before: np.ndarray,
    after: np.ndarray,
    t: np.ndarray,
    lifts: list[tuple[np.ndarray, np.ndarray]],
    placement: ArmPlacement,
    surface: BackSurface,
    radius_m: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Whole turns to add to the angles before and after the move, and the move's poses, ends included.

    `before`/`after`: the kept angles up to the move's first sample and from its
    last; `t`: the move's sample times; `lifts`: pairs of poses with the tool
    lifted further along the normal, on the old branch and on the new (each
    near its end's angles). Candidates are tried in order of the time they
    need; the first whose angles stay within the joint ranges and whose move
    keeps clear (tested at PLAN_DENSITY times the samples in `t`) is taken.
    If none is, the straight move with the smallest turn is returned and the
    reach check reports what it hits.
    """
    q0, q1 = before[-1], after[0]
    options = [[0.0] if j == 2 else [0.0, -2 * np.pi, 2 * np.pi] for j in range(6)]  # the elbow: one turn
    candidates: list[tuple[float, np.ndarray, np.ndarray, np.ndarray]] = []
    for shift in itertools.product(*options):
        turn = np.array(shift)
        for lo, hi in ((-turn, np.zeros(6)), (np.zeros(6), turn)):
            if np.any(np.abs(before + lo) > ur5e.JOINT_LIMIT_RAD) or np.any(
                np.abs(after + hi) > ur5e.JOINT_LIMIT_RAD
            ):
                continue
            for up0, up1 in lifts:
                poses = _distinct(np.array([q0 + lo, up0 + lo, up1 + hi, q1 + hi]))
                candidates.append((seconds_needed(poses), lo, hi, poses))
    candidates.sort(key=lambda c: c[0])  # stable: lifts and turn options keep their order on a tie
    dense = np.linspace(float(t[0]), float(t[-1]), PLAN_DENSITY * (len(t) - 1) + 1)
    for _, lo, hi, poses in candidates:
        if _clear(along(poses, t), placement, surface, radius_m) and _clear(
            along(poses, dense), placement, surface, radius_m
        ):
            return lo, hi, poses
    straight = min(candidates, key=lambda c: (len(c[3]) > 2, c[0]), default=None)
    if straight is None:
        return np.zeros(6), np.zeros(6), np.array([q0, q1])
    return straight[1], straight[2], straight[3]


def _clear(q: np.ndarray, placement: ArmPlacement, surface: BackSurface, radius_m: float) -> bool:
    if np.any(np.abs(q) > ur5e.JOINT_LIMIT_RAD):
        return False
    base = base_transform(placement.base_m, placement.yaw_deg, placement.tilt_deg)
    _, near = link_clearance(q, base @ ur5e.frames(q), surface, placement)
    return not near.any() and not ball_too_near(q, placement, surface, radius_m).any()


def _distinct(poses: np.ndarray) -> np.ndarray:
    """The poses without a repeat of the one before (a lift of 0 m adds no leg)."""
    keep = np.concatenate([[True], np.any(np.abs(np.diff(poses, axis=0)) > 1e-12, axis=1)])
    return np.asarray(poses[keep])


def _quintic(q0: np.ndarray, q1: np.ndarray, t0: float, t1: float, t: np.ndarray) -> np.ndarray:
    u = np.clip((t - t0) / max(t1 - t0, 1e-9), 0.0, 1.0)[:, None]
    shape = u**3 * (10.0 - 15.0 * u + 6.0 * u**2)
    return np.asarray(q0 + shape * (q1 - q0))
