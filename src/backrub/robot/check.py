"""The sample-level verifier: every sample of a trajectory against every limit.

Each finding names the rule, the first and last sample of a run of bad
samples, the time and routine step there, and what was wrong, so a refusal
can say where and why.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from backrub.robot.capmap import CapMap
from backrub.robot.profile import HARD_CAP_N, RobotProfile
from backrub.robot.timing import squared_differences
from backrub.robot.trajectory import Trajectory

MAX_RUNS_PER_RULE = 5
_TOL = 1e-6
SKIN_TOLERANCE_M = 0.002  # a pressing sample must lie on the modelled skin
CHUNK = 1 << 15  # samples checked at a time: small enough for every temporary to stay in cache


@dataclass(frozen=True, slots=True, kw_only=True)
class Violation:
    """A run of samples that break one rule."""

    rule: str
    first: int
    last: int
    t_s: float
    step: int
    message: str

    def __str__(self) -> str:
        span = f"samples {self.first}-{self.last}" if self.last > self.first else f"sample {self.first}"
        step = f", step {self.step}" if self.step >= 0 else ", between steps"
        return f"{self.rule}: {span} (t={self.t_s:.2f} s{step}): {self.message}"

    def to_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "first": self.first,
            "last": self.last,
            "t_s": self.t_s,
            "step": self.step,
            "message": self.message,
        }


def check_trajectory(traj: Trajectory, profile: RobotProfile, caps: CapMap | None = None) -> list[Violation]:
    """Every violation of force caps, clearances, motion limits, workspace and continuity.

    Every rule looks at every sample. The samples are read a block at a time
    (`CHUNK`, with the three samples after it that differences need) so each
    block's temporaries stay in the processor's cache, and each rule marks its
    bad samples in a boolean array over the whole trajectory; only the first
    sample of each bad run is then described. Limits are compared as squares
    where that saves square roots.
    """
    out: list[Violation] = []
    n = len(traj)
    force, pos, nrm, t = traj.force, traj.position, traj.normal, traj.t
    if not (np.isfinite(pos).all() and np.isfinite(nrm).all() and np.isfinite(force).all()):
        finite = np.isfinite(pos).all(axis=1) & np.isfinite(nrm).all(axis=1) & np.isfinite(force)
        out += _runs(traj, ~finite, "continuity", lambda i: "a value is not a finite number")
        return out  # everything below would compare NaNs

    cap = min(traj.cap_n, profile.cap_n, HARD_CAP_N)
    rate = traj.rate_hz
    dt = 1.0 / rate
    # Thresholds, each in the form the samples are compared with.
    t_tol = 1e-6 * max(1.0, float(t[-1]))
    unit_lo, unit_hi = (1 - 1e-6) ** 2, (1 + 1e-6) ** 2  # |n| within 1 ± 1e-6, as |n|²
    change_max = profile.force_rate_n_s * (1 + _TOL) * dt
    v2_touch = (profile.contact_speed_m_s * (1 + _TOL) * dt) ** 2
    v2_air = (profile.air_speed_m_s * (1 + _TOL) * dt) ** 2
    a2_max = (profile.accel_m_s2 * (1 + _TOL) * dt**2) ** 2
    j2_max = (profile.jerk_m_s3 * (1 + _TOL) * dt**3) ** 2
    box = profile.workspace_m

    over_cap = np.zeros(n, bool)
    negative = np.zeros(n, bool)
    over_code = np.zeros(n, np.int8)  # the cap map's reason code where force is over its cap
    bad_step = np.zeros(max(n - 1, 0), bool)
    not_unit = np.zeros(n, bool)
    too_quick = np.zeros(max(n - 1, 0), bool)
    too_fast = np.zeros(max(n - 1, 0), bool)
    too_hard = np.zeros(max(n - 2, 0), bool)
    too_jerky = np.zeros(max(n - 3, 0), bool)
    outside = np.zeros(n, bool)
    off_skin = np.zeros(n, bool)

    for lo in range(0, n, CHUNK):
        hi = min(lo + CHUNK, n)
        ext = min(hi + 3, n)  # differences look up to three samples ahead
        k1, k2, k3 = (max(min(hi, n - k) - lo, 0) for k in (1, 2, 3))
        here = slice(lo, hi)
        f_ext = force[lo:ext]
        f = f_ext[: hi - lo]
        cols = np.ascontiguousarray(pos[lo:ext].T)  # x, y, z rows, contiguous
        x, y, z = cols[:, : hi - lo]

        np.greater(f, cap + _TOL, out=over_cap[here])
        np.less(f, -_TOL, out=negative[here])
        if caps is not None:
            cap_here, why = caps.lookup(100 * x, 100 * y)
            over_code[here] = np.where(f > cap_here + _TOL, why, 0)

        np.greater(np.abs(np.diff(t[lo:ext])[:k1] - dt), t_tol, out=bad_step[lo : lo + k1])
        nn = nrm[here]
        norm_sq = np.einsum("ij,ij->i", nn, nn)
        np.logical_or(norm_sq < unit_lo, norm_sq > unit_hi, out=not_unit[here])
        np.greater(np.abs(np.diff(f_ext)[:k1]), change_max, out=too_quick[lo : lo + k1])

        # Speed, acceleration and jerk by finite differences, as squared step lengths.
        v2, a2, j2 = squared_differences(cols.T)
        touching = f_ext[1:] > 0
        touching |= f_ext[:-1] > 0
        v2_max = np.where(touching[:k1], v2_touch, v2_air)
        np.greater(v2[:k1], v2_max, out=too_fast[lo : lo + k1])
        np.greater(a2[:k2], a2_max, out=too_hard[lo : lo + k2])
        np.greater(j2[:k3], j2_max, out=too_jerky[lo : lo + k3])

        out_here = outside[here]
        for c, (c_lo, c_hi) in zip((x, y, z), box, strict=True):
            out_here |= c < c_lo
            out_here |= c > c_hi
        if traj.surface is not None:
            gap = np.abs(z - traj.surface.height(x, y))
            np.logical_and(f > 0, gap > SKIN_TOLERANCE_M, out=off_skin[here])

    out += _runs(traj, over_cap, "force-cap", lambda i: f"force {force[i]:.1f} N above the cap {cap:g} N")
    out += _runs(traj, negative, "continuity", lambda i: f"negative force {force[i]:.2f} N")
    if caps is not None and over_code.any():

        def over_zone(i: int) -> str:
            allowed = caps.lookup(100 * pos[i, 0], 100 * pos[i, 1])[0]
            return (
                f"force {force[i]:.1f} N where at most {allowed:g} N is allowed"
                f" at x={100 * pos[i, 0]:.1f} cm, y={100 * pos[i, 1]:.1f} cm"
            )

        for code, rule in ((1, "zone-cap"), (2, "spine-clearance"), (3, "excluded-spot")):
            out += _runs(traj, over_code == code, rule, over_zone)
    out += _runs(
        traj,
        bad_step,
        "continuity",
        lambda i: f"time step {t[i + 1] - t[i]:.6f} s where 1/rate = {dt:.6f} s",
    )
    out += _runs(traj, not_unit, "continuity", lambda i: "normal is not a unit vector")
    out += _runs(
        traj,
        too_quick,
        "continuity",
        lambda i: (
            f"force changes at {abs(force[i + 1] - force[i]) * rate:.0f} N/s,"
            f" above {profile.force_rate_n_s:g} N/s"
        ),
    )

    def difference(i: int, order: int) -> float:
        """|order-th difference| at sample i, per second^order: speed, acceleration or jerk."""
        return float(np.linalg.norm(np.diff(pos[i : i + order + 1], n=order, axis=0))) * rate**order

    def speed(i: int) -> str:
        touching = force[i] > 0 or force[i + 1] > 0
        vmax = profile.contact_speed_m_s if touching else profile.air_speed_m_s
        return f"{difference(i, 1):.3f} m/s, above {vmax:g} m/s" + (" while touching" if touching else "")

    out += _runs(traj, too_fast, "speed", speed)
    out += _runs(
        traj,
        too_hard,
        "acceleration",
        lambda i: f"{difference(i, 2):.2f} m/s², above {profile.accel_m_s2:g} m/s²",
    )
    out += _runs(
        traj,
        too_jerky,
        "jerk",
        lambda i: f"{difference(i, 3):.1f} m/s³, above {profile.jerk_m_s3:g} m/s³",
    )
    out += _runs(
        traj,
        outside,
        "workspace",
        lambda i: f"position {np.round(pos[i], 3).tolist()} m outside the reachable box",
    )
    if traj.surface is not None:
        surface = traj.surface
        out += _runs(
            traj,
            off_skin,
            "continuity",
            lambda i: (
                f"pressing {1000 * (pos[i, 2] - float(surface.height(pos[i, 0], pos[i, 1]))):.1f} mm"
                " off the skin"
            ),
        )
    return out


def _runs(traj: Trajectory, bad: np.ndarray, rule: str, say) -> Iterator[Violation]:  # type: ignore[no-untyped-def]
    """Contiguous runs of True in `bad`, at most a few per rule, each from its first sample."""
    idx = np.flatnonzero(bad)
    if idx.size == 0:
        return iter(())
    breaks = np.flatnonzero(np.diff(idx) > 1)
    starts = np.concatenate([[idx[0]], idx[breaks + 1]])
    ends = np.concatenate([idx[breaks], [idx[-1]]])
    found = []
    for first, last in list(zip(starts, ends, strict=True))[:MAX_RUNS_PER_RULE]:
        i = int(first)
        found.append(
            Violation(
                rule=rule,
                first=i,
                last=int(last),
                t_s=float(traj.t[i]),
                step=int(traj.step[i]),
                message=say(i),
            )
        )
    if len(starts) > MAX_RUNS_PER_RULE:
        last = found[-1]
        found[-1] = Violation(
            rule=rule,
            first=last.first,
            last=last.last,
            t_s=last.t_s,
            step=last.step,
            message=f"{last.message} (and {len(starts) - MAX_RUNS_PER_RULE} more runs)",
        )
    return iter(found)
