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
from backrub.robot.timing import finite_kinematics
from backrub.robot.trajectory import Trajectory

MAX_RUNS_PER_RULE = 5
_TOL = 1e-6
SKIN_TOLERANCE_M = 0.002  # a pressing sample must lie on the modelled skin


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
    """Every violation of force caps, clearances, motion limits, workspace and continuity."""
    out: list[Violation] = []
    n = len(traj)
    force, pos = traj.force, traj.position
    finite = np.isfinite(pos).all(axis=1) & np.isfinite(traj.normal).all(axis=1) & np.isfinite(force)
    out += _runs(traj, ~finite, "continuity", lambda i: "a value is not a finite number")
    if not finite.all():
        return out  # everything below would compare NaNs

    cap = min(traj.cap_n, profile.cap_n, HARD_CAP_N)
    out += _runs(
        traj,
        force > cap + _TOL,
        "force-cap",
        lambda i: f"force {force[i]:.1f} N above the cap {cap:g} N",
    )
    out += _runs(traj, force < -_TOL, "continuity", lambda i: f"negative force {force[i]:.2f} N")
    if caps is not None:
        here, why = caps.lookup(100 * pos[:, 0], 100 * pos[:, 1])
        over = force > here + _TOL
        rules = {1: "zone-cap", 2: "spine-clearance", 3: "excluded-spot"}
        for code, rule in rules.items():
            out += _runs(
                traj,
                over & (why == code),
                rule,
                lambda i: (
                    f"force {force[i]:.1f} N where at most {here[i]:g} N is allowed"
                    f" at x={100 * pos[i, 0]:.1f} cm, y={100 * pos[i, 1]:.1f} cm"
                ),
            )

    dt = 1.0 / traj.rate_hz
    steps = np.diff(traj.t)
    out += _runs(
        traj,
        np.abs(steps - dt) > 1e-6 * max(1.0, traj.t[-1]),
        "continuity",
        lambda i: f"time step {steps[i]:.6f} s where 1/rate = {dt:.6f} s",
    )
    norm_err = np.abs(np.linalg.norm(traj.normal, axis=1) - 1.0)
    out += _runs(traj, norm_err > 1e-6, "continuity", lambda i: "normal is not a unit vector")
    rate = np.abs(np.diff(force)) / dt
    out += _runs(
        traj,
        rate > profile.force_rate_n_s * (1 + _TOL),
        "continuity",
        lambda i: f"force changes at {rate[i]:.0f} N/s, above {profile.force_rate_n_s:g} N/s",
    )

    speed, accel, jerk = finite_kinematics(pos, traj.rate_hz)
    touching = (force[1:] > 0) | (force[:-1] > 0)
    vmax = np.where(touching, profile.contact_speed_m_s, profile.air_speed_m_s)
    out += _runs(
        traj,
        speed > vmax * (1 + _TOL),
        "speed",
        lambda i: f"{speed[i]:.3f} m/s, above {vmax[i]:g} m/s" + (" while touching" if touching[i] else ""),
    )
    out += _runs(
        traj,
        accel > profile.accel_m_s2 * (1 + _TOL),
        "acceleration",
        lambda i: f"{accel[i]:.2f} m/s², above {profile.accel_m_s2:g} m/s²",
    )
    out += _runs(
        traj,
        jerk > profile.jerk_m_s3 * (1 + _TOL),
        "jerk",
        lambda i: f"{jerk[i]:.1f} m/s³, above {profile.jerk_m_s3:g} m/s³",
    )

    lo = np.array([b[0] for b in profile.workspace_m])
    hi = np.array([b[1] for b in profile.workspace_m])
    outside = ((pos < lo) | (pos > hi)).any(axis=1)
    out += _runs(
        traj,
        outside,
        "workspace",
        lambda i: f"position {np.round(pos[i], 3).tolist()} m outside the reachable box",
    )

    if traj.surface is not None:
        pressing = np.flatnonzero(force > 0)
        gap = np.zeros(n)
        gap[pressing] = pos[pressing, 2] - traj.surface.height(pos[pressing, 0], pos[pressing, 1])
        out += _runs(
            traj,
            np.abs(gap) > SKIN_TOLERANCE_M,
            "continuity",
            lambda i: f"pressing {1000 * gap[i]:.1f} mm off the skin",
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
