"""Can the arm follow the trajectory? Analytic IK for every sample, and what it implies.

For each sample the ball centre sits at `position + r·normal` with the tool axis
along the inward normal (the tool's roll about that axis is free; it follows a
fixed reference direction so wrist 3 turns smoothly). Of the UR's eight
analytic solutions, one branch (shoulder, elbow, wrist) is kept for the whole
routine, or two with one reconfiguration while in the air. On the kept
solutions the check measures: reachability, joint ranges, distance from the
three singularities (wrist: sin θ5; elbow: sin θ3; shoulder: the wrist centre
near the base axis), joint speeds (≤ 90°/s while touching), the tool axis
against the normal (≤ 2°, by forward kinematics: the IK is checked, not
trusted), and clearance of every link from the skin, the upper arms and the
table (≥ 2 cm; the tool's stick ≥ 0.5 cm).

ur-analytic-ik (PyPI) and mink were candidates; the closed form here is the
same mathematics (Hawkins 2013), vectorised with NumPy, with no dependency,
and solves ~10⁵ poses a second for all eight branches (benchmarks/bench_arm.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import distance_transform_edt, gaussian_filter1d

from backrub.robot import airmove, ur5e
from backrub.robot.airmove import joint_move as joint_move
from backrub.robot.arm_model import base_transform
from backrub.robot.clearance import CLEARANCE_M as CLEARANCE_M
from backrub.robot.clearance import STICK_CLEARANCE_M as STICK_CLEARANCE_M
from backrub.robot.clearance import ArmPlacement as ArmPlacement
from backrub.robot.clearance import link_clearance
from backrub.robot.surface import BackSurface
from backrub.robot.trajectory import Trajectory

TOOL_AXIS_DEG = 2.0
CONTACT_JOINT_SPEED = np.radians(90.0)
SIN_WRIST_MIN = np.sin(np.radians(10.0))
SIN_ELBOW_MIN = np.sin(np.radians(8.0))
SHOULDER_MIN_M = 0.08  # wrist centre's distance from the base axis, beyond the offset d4
CHECK_HZ = 50.0  # the reach check looks at the trajectory this often (and at every pressing edge)
AXIS_SMOOTH_S = 0.15  # in the air the tool axis follows the normal smoothed over this time ...
AXIS_NEAR_S = 0.1  # ... and is the normal itself this close (in time) to touching
FRAME_Y_M = 0.40  # the default mount (frame_mount): toward the head from the waistline, ...
FRAME_LEAN_DEG = 60.0  # ... its axis this far from straight down, toward the feet, ...
FRAME_HIGH_M, FRAME_LOW_M = 0.90, 0.80  # ... this high over the waistline: default / largest back
ROLL_REFERENCE = np.array([0.0, 1.0, 0.0])  # tool x follows the head direction, projected
RULES = (
    "unreachable",
    "joint-limit",
    "singularity",
    "joint-speed",
    "tool-axis",
    "clearance",
    "reconfiguration",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ReachResult:
    """Joint angles for the looked-at samples, and every sample each rule failed."""

    index: np.ndarray  # trajectory sample indices looked at
    q: np.ndarray  # (n, 6) the kept solution (NaN where none)
    branch: np.ndarray  # (n,) branch used
    bad: dict[str, np.ndarray]  # rule -> (n,) bool
    pressing: np.ndarray  # (n,) bool
    min_clearance_m: float
    # positions in `index` between which the one reconfiguration moves in joint space (an air gap),
    # and the poses it moves through, its ends included (airmove.along)
    move: tuple[int, int] | None = None
    move_poses: np.ndarray | None = None

    @property
    def reachable_fraction(self) -> float:
        """Share of pressing samples that pass every rule."""
        if not self.pressing.any():
            return 1.0
        fail = np.zeros(self.index.size, bool)
        for m in self.bad.values():
            fail |= m
        return float(1.0 - fail[self.pressing].mean())

    @property
    def reconfigurations(self) -> int:
        return int(np.count_nonzero(np.diff(self.branch) != 0))


def tool_axes(traj: Trajectory) -> np.ndarray:
    """The tool's outward axis (N, 3): the normal while touching and near it, a smoothed normal in the air.

    In the air the tool need not follow every fold of the skin below (the
    spinal groove turns the normal by ~10° within a centimetre, which would
    whip the wrist at travel speed); within AXIS_NEAR_S of a pressing sample
    it is the normal exactly, so every landing arrives square to the skin.
    """
    pressing = traj.force > 0
    if pressing.all() or len(traj) < 3:
        return traj.normal
    sigma = AXIS_SMOOTH_S * traj.rate_hz
    smooth = gaussian_filter1d(traj.normal, sigma, axis=0, mode="nearest")
    far = distance_transform_edt(~pressing) / traj.rate_hz if pressing.any() else np.full(len(traj), np.inf)
    w = np.clip((far - AXIS_NEAR_S) / AXIS_NEAR_S, 0.0, 1.0)[:, None]
    axis = (1.0 - w) * traj.normal + w * smooth
    return np.asarray(axis / np.linalg.norm(axis, axis=1, keepdims=True))


def tool_poses(
    position: np.ndarray, normal: np.ndarray, radius_m: float, axis: np.ndarray | None = None
) -> np.ndarray:
    """Ball-centre poses (n, 4, 4), body frame: z into the skin (or along -axis), x toward the reference."""
    z = -(normal if axis is None else axis)
    x = ROLL_REFERENCE - np.einsum("ij,j->i", z, ROLL_REFERENCE)[:, None] * z
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    t = np.zeros((len(position), 4, 4))
    t[:, :3, 0], t[:, :3, 1], t[:, :3, 2] = x, np.cross(z, x), z
    t[:, :3, 3] = position + radius_m * normal
    t[:, 3, 3] = 1.0
    return t


def solve_branches(
    position: np.ndarray,
    normal: np.ndarray,
    placement: ArmPlacement,
    radius_m: float,
    axis: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """All eight IK solutions per sample, (n, 8, 6), and where each exists."""
    base = base_transform(placement.base_m, placement.yaw_deg, placement.tilt_deg)
    local = np.linalg.inv(base) @ tool_poses(position, normal, radius_m, axis)
    q, ok = ur5e.inverse(ur5e.flange_from_tool(local))
    return q, ok


def continuous(q: np.ndarray) -> np.ndarray:
    """Angles (n, 6) unwrapped along time, then shifted by whole turns toward the middle of their range."""
    q = np.unwrap(q, axis=0)
    turns = np.round(np.nanmedian(q, axis=0) / (2 * np.pi))
    q = q - 2 * np.pi * turns
    q[:, 2] = np.mod(q[:, 2] + np.pi, 2 * np.pi) - np.pi  # the elbow's range is one turn
    return q


def check_reach(
    traj: Trajectory,
    placement: ArmPlacement,
    surface: BackSurface,
    *,
    radius_m: float = 0.03,
    hz: float = CHECK_HZ,
) -> ReachResult:
    """Solve and judge the trajectory at `hz` (plus every sample where pressing starts or ends)."""
    stride = max(1, round(traj.rate_hz / hz))
    pressing_all = traj.force > 0
    edges = np.flatnonzero(np.diff(pressing_all.view(np.int8))) if len(traj) > 1 else np.zeros(0, int)
    index = np.union1d(np.arange(0, len(traj), stride), np.union1d(edges, edges + 1))
    index = index[index < len(traj)]
    pos, nrm = traj.position[index], traj.normal[index]
    axis = tool_axes(traj)[index]
    pressing = pressing_all[index]
    q_all, ok = solve_branches(pos, nrm, placement, radius_m, axis)
    dt = np.diff(traj.t[index])
    n = index.size
    per_branch: list[dict[str, np.ndarray]] = []
    qs: list[np.ndarray] = []
    for b in range(8):
        qb = q_all[:, b, :].copy()
        qb[~ok[:, b]] = np.nan
        qb = _fill(qb)
        qb = continuous(qb)
        bad = _judge(qb, ok[:, b], pressing, dt, pos, nrm, placement, surface, radius_m, quick=True)
        per_branch.append(bad)
        qs.append(qb)
    fails = np.array([_any(bad) for bad in per_branch])  # (8, n)
    branch = _choose(fails, pressing)
    move = air_gap(branch, pressing)
    if move is not None:  # the move runs where the tool is lifted clear; on its branches before and after
        old, new = branch[move[0]], branch[move[1]]  # the gap's ends: before the switch, and after it
        move = airmove.lifted(move, pos, surface)
        branch = np.where(np.arange(n) < move[1], old, new)
    q = np.array([qs[b][i] for i, b in enumerate(branch)]) if n else np.zeros((0, 6))
    if n and np.any(np.diff(branch)):  # a reconfiguration: the angles join where the branch changes
        q = continuous(q)
    ok_kept = ok[np.arange(n), branch]
    poses = None
    if move is not None:
        a, b = move
        t_move = traj.t[index[a : b + 1]]
        lifts = []
        for h in airmove.LIFTS_M:  # the tool lifted further along the normal, on the old branch and the new
            up0 = _lifted_pose(pos[a], nrm[a], axis[a], int(branch[a]), q[a], h, placement, radius_m)
            up1 = _lifted_pose(pos[b], nrm[b], axis[b], int(branch[b]), q[b], h, placement, radius_m)
            if up0 is not None and up1 is not None:
                lifts.append((up0, up1))
        lo, hi, poses = airmove.plan(q[: a + 1], q[b:], t_move, lifts, placement, surface, radius_m)
        q[: a + 1] += lo
        q[b:] += hi
        q[a : b + 1] = airmove.along(poses, t_move)
        ok_kept[a : b + 1] = ok_kept[a] & ok_kept[b]
    bad = _judge(q, ok_kept, pressing, dt, pos, nrm, placement, surface, radius_m, quick=False, move=move)
    bad["reconfiguration"] = bad_reconfigurations(branch, pressing)
    if move is not None and poses is not None:
        a, b = move
        if airmove.seconds_needed(poses) > traj.t[index[b]] - traj.t[index[a]]:
            bad["reconfiguration"][a + 1 : b + 1] = True  # the gap is too short for the move
        # the tool itself, swung by the joints
        bad["clearance"][a : b + 1] |= airmove.ball_too_near(q[a : b + 1], placement, surface, radius_m)
    clearance = bad.pop("_clearance_m")
    return ReachResult(
        index=index,
        q=q,
        branch=branch,
        bad=bad,
        pressing=pressing,
        min_clearance_m=float(np.nanmin(clearance)) if clearance.size else np.inf,
        move=move,
        move_poses=poses,
    )


def _lifted_pose(
    p: np.ndarray,
    normal: np.ndarray,
    axis: np.ndarray,
    branch: int,
    near: np.ndarray,
    h: float,
    placement: ArmPlacement,
    radius_m: float,
) -> np.ndarray | None:
    """The angles on `branch` with the tool h further along the normal (whole turns as near `near`)."""
    if h == 0.0:
        return near
    sols, ok = solve_branches((p + h * normal)[None], normal[None], placement, radius_m, axis[None])
    if not ok[0, branch]:
        return None
    q = sols[0, branch]
    return np.asarray(q - 2 * np.pi * np.round((q - near) / (2 * np.pi)))


def air_gap(branch: np.ndarray, pressing: np.ndarray) -> tuple[int, int] | None:
    """The air gap (first, last position, both in the air) of a single switch made in the air, else None."""
    switches = np.flatnonzero(np.diff(branch)) + 1
    if switches.size != 1:
        return None
    s = int(switches[0])
    if pressing[s - 1] or pressing[s]:
        return None
    a, b = s - 1, s
    while a > 0 and not pressing[a - 1]:
        a -= 1
    while b < len(pressing) - 1 and not pressing[b + 1]:
        b += 1
    return a, b


def bad_reconfigurations(branch: np.ndarray, pressing: np.ndarray) -> np.ndarray:
    """Samples where the branch changes, if it changes more than once or next to a pressing sample."""
    switches = np.flatnonzero(np.diff(branch)) + 1
    bad = np.zeros(branch.size, bool)
    touching = [bool(pressing[s - 1] or pressing[s]) for s in switches.tolist()]
    if switches.size > 1 or any(touching):
        bad[switches] = True
    return bad


def _fill(q: np.ndarray) -> np.ndarray:
    """NaN rows (no solution) take the previous row's angles, so unwrapping stays continuous."""
    good = ~np.isnan(q[:, 0])
    if not good.any():
        return np.zeros_like(q)
    idx = np.where(good, np.arange(len(q)), 0)
    np.maximum.accumulate(idx, out=idx)
    first = int(np.argmax(good))
    idx[:first] = first
    return q[idx]


def _any(bad: dict[str, np.ndarray]) -> np.ndarray:
    out = np.zeros(next(iter(bad.values())).shape, bool)
    for key, m in bad.items():
        if not key.startswith("_"):
            out |= m
    return out


def _choose(fails: np.ndarray, pressing: np.ndarray) -> np.ndarray:
    """One branch for all, or two with a single switch in the air: the fewest failing samples."""
    n = fails.shape[1]
    if n == 0:
        return np.zeros(0, np.int64)
    cost = fails.astype(np.int64) * np.where(pressing, 100, 1)
    total = cost.sum(axis=1)
    best_b = int(np.argmin(total))
    best = (int(total[best_b]), best_b, best_b, n)
    if best[0] == 0:
        return np.full(n, best_b)
    prefix = np.cumsum(cost, axis=1)
    air = np.flatnonzero(~pressing)
    for a in range(8):
        for b in range(8):
            if a == b or air.size == 0:
                continue
            # switch before sample s (s in the air): a covers [0, s), b covers [s, n)
            s = air
            before = np.where(s > 0, prefix[a, s - 1], 0)
            after = prefix[b, -1] - np.where(s > 0, prefix[b, s - 1], 0)
            k = int(np.argmin(before + after))
            c = int(before[k] + after[k])
            if c < best[0]:
                best = (c, a, b, int(s[k]))
    _, a, b, s = best
    out = np.full(n, a)
    out[s:] = b
    return out


def _judge(
    q: np.ndarray,
    ok: np.ndarray,
    pressing: np.ndarray,
    dt: np.ndarray,
    pos: np.ndarray,
    nrm: np.ndarray,
    placement: ArmPlacement,
    surface: BackSurface,
    radius_m: float,
    *,
    quick: bool,
    move: tuple[int, int] | None = None,
) -> dict[str, np.ndarray]:
    n = len(q)
    bad: dict[str, np.ndarray] = {"unreachable": ~ok}
    bad["joint-limit"] = np.any(np.abs(q) > ur5e.JOINT_LIMIT_RAD, axis=1)
    base = base_transform(placement.base_m, placement.yaw_deg, placement.tilt_deg)
    f = base @ ur5e.frames(q)  # (n, 7, 4, 4) in the body frame
    wrist_centre = f[:, 5, :3, 3]
    local_wc = (np.linalg.inv(base) @ np.column_stack([wrist_centre, np.ones(n)])[..., None])[:, :3, 0]
    shoulder = np.hypot(local_wc[:, 0], local_wc[:, 1]) - ur5e.DH_D[3]
    bad["singularity"] = (
        (np.abs(np.sin(q[:, 4])) < SIN_WRIST_MIN)
        | (np.abs(np.sin(q[:, 2])) < SIN_ELBOW_MIN)
        | (shoulder < SHOULDER_MIN_M)
    )
    if move is not None:  # a joint-space move tracks no Cartesian path: passing a singular pose is harmless
        bad["singularity"][move[0] + 1 : move[1]] = False
    speed = np.zeros(n, bool)
    if n > 1:
        rate = np.abs(np.diff(q, axis=0)) / np.maximum(dt, 1e-9)[:, None]
        limit = np.where((pressing[:-1] | pressing[1:])[:, None], CONTACT_JOINT_SPEED, ur5e.JOINT_SPEED_RAD_S)
        step_bad = np.any(rate > limit, axis=1) & ok[:-1] & ok[1:]
        speed[1:] |= step_bad
    bad["joint-speed"] = speed
    axis = f[:, 6, :3, 2]
    cos_err = np.einsum("ij,ij->i", axis, -nrm)
    bad["tool-axis"] = ok & pressing & (cos_err < np.cos(np.radians(TOOL_AXIS_DEG)))
    if quick:  # the costliest rule: every fifth sample while choosing a branch, then all of the kept one
        every = np.arange(0, n, 5)
        _, near = link_clearance(q[every], f[every], surface, placement)
        bad["clearance"] = np.zeros(n, bool)
        bad["clearance"][every] = ok[every] & near
    else:
        clearance, too_near = link_clearance(q, f, surface, placement)
        bad["clearance"] = ok & too_near
        bad["_clearance_m"] = np.where(ok, clearance, np.inf)
    return bad


def pedestal_stations(surface: BackSurface) -> list[ArmPlacement]:
    """Where a pedestal may stand: beside the table on the receiver's right, or at either end."""
    L, hs = surface.back_length, surface.shoulder_width / 2
    out = []
    for z in (0.1, 0.3):
        for dx in (0.05, 0.15, 0.25):
            for y in (-0.35, -0.2, 0.25 * L, 0.5 * L, 0.75 * L, L + 0.2, L + 0.35):
                out.append(ArmPlacement(base_m=(hs + dx, y, z), yaw_deg=0.0))
        for x in (0.0, 0.2):
            for y in (-0.3, L + 0.25, L + 0.35):
                out.append(ArmPlacement(base_m=(x, y, z), yaw_deg=0.0))
    return out


def frame_mount(surface: BackSurface) -> ArmPlacement:
    """The default base placement: hung from the frame over the table, leaning toward the feet.

    The base is FRAME_Y_M toward the head from the waistline, on the spine
    line, its axis FRAME_LEAN_DEG from straight down toward the feet, so the
    shoulder's singular axis (the base axis, which the wrist centre must keep
    clear of) meets the table beyond the waist. Its height over the waistline
    is FRAME_HIGH_M for a back up to 50 cm long and shoulders up to 42 cm (the
    default body) and comes down linearly to FRAME_LOW_M for an 80 cm back or
    65 cm shoulders (the table is lifted for a large receiver): high enough
    that the waist end stays clear of that axis, low enough that a long or
    broad back's ends, sides and upper arms are in reach. Measured in
    benchmarks/bench_arm.py for the default body and the intake's extremes.
    """
    longer = (surface.back_length - 0.5) / 0.3
    broader = (surface.shoulder_width - 0.42) / 0.23
    lower = float(np.clip(max(longer, broader), 0.0, 1.0))
    z = FRAME_HIGH_M + (FRAME_LOW_M - FRAME_HIGH_M) * lower
    return ArmPlacement(base_m=(0.0, FRAME_Y_M, z), yaw_deg=-90.0, tilt_deg=180.0 - FRAME_LEAN_DEG)


def auto_placement(traj: Trajectory, surface: BackSurface, *, radius_m: float = 0.03) -> ArmPlacement:
    """The station from which one IK branch reaches most pressing samples (away from singularities).

    Ties go to the first station listed; a quick look at up to 400 samples.
    """
    pressing = np.flatnonzero(traj.force > 0)
    if pressing.size == 0:
        pressing = np.arange(len(traj))
    pick = pressing[np.linspace(0, pressing.size - 1, min(400, pressing.size)).astype(np.int64)]
    pos, nrm = traj.position[pick], traj.normal[pick]
    best, best_score = None, -1.0
    for station in pedestal_stations(surface):
        q, ok = solve_branches(pos, nrm, station, radius_m)
        good = (
            ok & (np.abs(np.sin(q[..., 4])) >= SIN_WRIST_MIN) & (np.abs(np.sin(q[..., 2])) >= SIN_ELBOW_MIN)
        )
        score = float(good.mean(axis=0).max())
        if score > best_score + 1e-9:
            best, best_score = station, score
    assert best is not None
    return best


def joint_path(
    position: np.ndarray,
    normal: np.ndarray,
    placement: ArmPlacement,
    result: ReachResult,
    sample: np.ndarray,
    radius_m: float = 0.03,
    axis: np.ndarray | None = None,
    clock: np.ndarray | None = None,
) -> np.ndarray:
    """Joint angles (n, 6) at trajectory samples `sample`, on the branches the reach check kept.

    Continuous in time (whole turns chosen to match the check's angles); a
    sample with no solution holds the angles before it. `clock` (fractional
    sample numbers, one per row) times the reconfiguration's move more finely
    than `sample` (the arm simulation's 500 Hz ticks over a 100 Hz file), so
    its fast joints get no steps.
    """
    n = len(position)
    if n == 0:
        return np.zeros((0, 6))
    at = np.searchsorted(result.index, sample, side="right") - 1
    branch = (
        result.branch[np.clip(at, 0, max(result.index.size - 1, 0))] if result.index.size else np.zeros(n)
    )
    branch = branch.astype(np.int64)
    base = base_transform(placement.base_m, placement.yaw_deg, placement.tilt_deg)
    local = np.linalg.inv(base) @ tool_poses(position, normal, radius_m, axis)
    q = np.empty((n, 6))
    for lo in range(0, n, 20000):
        sl = slice(lo, lo + 20000)
        sols, ok = ur5e.inverse(ur5e.flange_from_tool(local[sl]))
        rows = np.arange(sols.shape[0])
        pick = sols[rows, branch[sl]]
        pick[~ok[rows, branch[sl]]] = np.nan
        q[sl] = pick
    q = np.unwrap(_fill(q), axis=0)
    if result.q.size:
        q -= 2 * np.pi * np.round((q[0] - result.q[0]) / (2 * np.pi))
    if result.move is not None and result.move_poses is not None:  # the check's joint move, not the IK's jump
        a, b = (int(result.index[k]) for k in result.move)
        q1 = result.q[result.move[1]]
        after = sample >= b
        if after.any():
            q[after] -= 2 * np.pi * np.round((q[after][0] - q1) / (2 * np.pi))
        when = sample.astype(float) if clock is None else clock  # sample numbers: a uniform clock
        inside = (when > a) & (when < b)
        if inside.any():
            t = np.concatenate([[a], when[inside], [b]])
            q[inside] = airmove.along(result.move_poses, t)[1:-1]
    return q
