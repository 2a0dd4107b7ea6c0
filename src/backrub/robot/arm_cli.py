"""The arm's side of `backrub robot simulate --arm` and `backrub robot check --arm`."""

from __future__ import annotations

import argparse

import numpy as np

from backrub.errors import InputError, Problem
from backrub.robot import ur5e
from backrub.robot.airmove import seconds_needed
from backrub.robot.check import MAX_RUNS_PER_RULE, Violation
from backrub.robot.joint_export import JointTrajectory
from backrub.robot.profile import RobotProfile
from backrub.robot.reach import (
    CONTACT_JOINT_SPEED,
    RULES,
    ArmPlacement,
    ReachResult,
    check_reach,
    frame_mount,
)
from backrub.robot.slowdown import MARGIN, joint_factor, stretch
from backrub.robot.surface import BackSurface, surface_from_body
from backrub.robot.trajectory import Trajectory

ARM_SLOW_ROUNDS = 4  # reach checks (and local slowings) at most, before the findings are reported
MESSAGES = {
    "unreachable": "the arm cannot put the tool there along the normal",
    "joint-limit": "a joint would pass its range",
    "singularity": "too near a singular pose (wrist, elbow or shoulder)",
    "joint-speed": "a joint would turn faster than allowed (90°/s touching, 180°/s in the air)",
    "tool-axis": "the tool axis would be more than 2° off the inward normal",
    "clearance": "a link would come nearer than 2 cm to the skin, the upper arms or the table",
    "reconfiguration": (
        "a change of arm configuration while touching, more than one per routine,"
        " or in an air gap too short for its joint move at 180°/s"
    ),
}


def surface_of(traj: Trajectory) -> BackSurface:
    """The back a trajectory was compiled on (or the default body's)."""
    return traj.surface or surface_from_body(*(traj.body_cm or (50.0, 42.0, 32.0)))


def placement_for(traj: Trajectory, profile: RobotProfile) -> ArmPlacement:
    """The profile's base placement, or (with `arm_base_m` null, the default) the frame's for this body."""
    if profile.arm_base_m is not None:
        return ArmPlacement(
            base_m=profile.arm_base_m, yaw_deg=profile.arm_base_yaw_deg, tilt_deg=profile.arm_base_tilt_deg
        )
    return frame_mount(surface_of(traj))


def reach_findings(traj: Trajectory, profile: RobotProfile) -> list[Violation]:
    """The reach check's failures as check findings: rule, samples, time, step, why."""
    placement = placement_for(traj, profile)
    result = check_reach(traj, placement, surface_of(traj), radius_m=profile.probe_radius_m)
    return violations_of(result, traj)


def fit_to_arm(traj: Trajectory, profile: RobotProfile, *, rounds: int = ARM_SLOW_ROUNDS) -> Trajectory:
    """The trajectory slowed wherever a joint would pass 90°/s touching (180°/s in the air).

    Near the edge of the arm's reach (the 80 cm backs) a tool moving at its
    usual skin speed can need a wrist or shoulder joint faster than the contact
    limit. The path and forces stay; those stretches run more slowly (see
    `slowdown`), and the reach check runs again. The added time is small
    (3-4 s in a quarter of an hour, measured), and the caller holds it to the
    routine's 5 %. A configuration change is the check's own joint-space move
    across its air gap (`airmove`); if the gap is too short for that move at
    the joints' top speed, the gap is drawn out (the tool's air path, slower)
    until it fits.
    """
    placement = placement_for(traj, profile)
    surface = surface_of(traj)
    for _ in range(rounds):
        result = check_reach(traj, placement, surface, radius_m=profile.probe_radius_m)
        short = _move_too_short(result, traj)
        if (not result.bad["joint-speed"].any() and short <= 1.0) or result.index.size < 2:
            break
        dt = np.maximum(np.diff(traj.t[result.index]), 1e-9)
        rate = np.max(np.abs(np.diff(result.q, axis=0)), axis=1) / dt
        rate[np.diff(result.branch) != 0] = 0.0  # a jump between branches is no speed to slow for
        if result.move is not None:  # the reconfiguration's own move is fitted by drawing out its gap
            rate[result.move[0] : result.move[1]] = 0.0
        factor = joint_factor(
            traj,
            result.index,
            rate,
            result.pressing,
            contact_limit=float(CONTACT_JOINT_SPEED),
            air_limit=float(np.min(ur5e.JOINT_SPEED_RAD_S)),
        )
        if short > 1.0 and result.move is not None:
            a, b = (int(result.index[k]) for k in result.move)
            factor[a:b] = np.maximum(factor[a:b], short * MARGIN)
        if not (factor > 1.0).any():
            break
        traj = stretch(traj, factor)
    return traj


def _move_too_short(result: ReachResult, traj: Trajectory) -> float:
    """How many times longer the reconfiguration's move needs than its air gap gives (≤ 1: it fits)."""
    if result.move is None or result.move_poses is None:
        return 0.0
    a, b = (int(result.index[k]) for k in result.move)
    return seconds_needed(result.move_poses) / max(float(traj.t[b] - traj.t[a]), 1e-9)


def arm_plan(
    traj: Trajectory, profile: RobotProfile, *, want_joints: bool
) -> tuple[list[Violation], JointTrajectory | None]:
    """The reach check's findings and, if it passes and they are wanted, the joint trajectory."""
    from backrub.robot.joint_export import joint_trajectory

    placement = placement_for(traj, profile)
    result = check_reach(traj, placement, surface_of(traj), radius_m=profile.probe_radius_m)
    found = violations_of(result, traj)
    if found or not want_joints:
        return found, None
    return found, joint_trajectory(traj, placement, result)


def violations_of(result: ReachResult, traj: Trajectory) -> list[Violation]:
    """One finding per run of bad samples (at most five per rule), naming step and sample."""
    out: list[Violation] = []
    for rule in RULES:
        bad = result.bad.get(rule)
        if bad is None or not bad.any():
            continue
        starts = np.flatnonzero(np.diff(np.concatenate([[0], bad.view(np.int8)])) == 1)
        ends = np.flatnonzero(np.diff(np.concatenate([bad.view(np.int8), [0]])) == -1)
        for a, b in list(zip(starts.tolist(), ends.tolist(), strict=True))[:MAX_RUNS_PER_RULE]:
            first, last = int(result.index[a]), int(result.index[b])
            out.append(
                Violation(
                    rule=f"arm-{rule}",
                    first=first,
                    last=last,
                    t_s=float(traj.t[first]),
                    step=int(traj.step[first]),
                    message=MESSAGES[rule],
                )
            )
    return out


def simulate_arm_command(args: argparse.Namespace, traj: Trajectory, profile: RobotProfile) -> int:
    """Run the trajectory on the simulated arm; print the report; 1 if the monitor stopped it."""
    from backrub.robot.armsim import ArmOptions, simulate_arm

    problems = []
    for name, low, high in (
        ("sensor_noise_n", 0.0, 5.0),
        ("sensor_delay_ms", 0.0, 50.0),
        ("surface_offset_mm", -30.0, 30.0),
        ("breathing_mm", 0.0, 10.0),
        ("tissue_scale", 0.3, 3.0),
    ):
        value = getattr(args, name)
        if not low <= value <= high:
            problems.append(
                Problem(
                    path=f"--{name.replace('_', '-')}",
                    message=f"expected {low:g} to {high:g} (got {value:g})",
                )
            )
    if problems:
        raise InputError(problems)
    options = ArmOptions(
        sensor_noise_n=args.sensor_noise_n,
        sensor_delay_ms=args.sensor_delay_ms,
        surface_offset_mm=args.surface_offset_mm,
        breathing_mm=args.breathing_mm,
        tissue_scale=args.tissue_scale,
        force_feedback=not args.no_force_feedback,
        silent_after_s=args.silent_after,
    )
    surface = surface_of(traj)
    result = simulate_arm(
        traj,
        surface,
        placement_for(traj, profile),
        options=options,
        caps=traj.caps,
        cap_n=profile.cap_n,
        medium_n=profile.medium_n,
        radius_m=profile.probe_radius_m,
    )
    if args.png:
        from backrub.robot.arm_figure import draw_arm_report

        draw_arm_report(result, traj, surface, args.png, cap_n=min(profile.cap_n, traj.cap_n))
    from backrub.robot.cli import print_simulation

    report = result.report()
    summary = (
        f"UR5e: simulated {report['duration_s']} s in {report['wall_s']} s"
        f" ({report['real_time_factor']}x real time;"
        f" bare mj_step {report['bare_mj_step_real_time_factor']}x);"
        f" force RMSE {report['force_rmse_n']} N, peak {report['peak_force_n']} N;"
        f" reachable {100 * result.reach.reachable_fraction:.1f}% of pressing samples"
    )
    stops = [result.trip] if result.trip is not None else []
    return print_simulation(report, stops, as_json=args.json, summary=summary)
