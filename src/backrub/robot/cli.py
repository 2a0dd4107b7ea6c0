"""`backrub robot ...`: compile, check, simulate and fit, from the command line.

Exit codes: 0 done; 1 the trajectory failed its check (nothing written) or the
safety monitor stopped the simulation; 2 bad input (nothing written).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

import numpy as np

from backrub.commandline import EXIT_BAD_INPUT as EXIT_INPUT
from backrub.commandline import EXIT_FINDINGS as EXIT_FAILED
from backrub.commandline import EXIT_OK, read_json
from backrub.errors import InputError, Problem, print_problems


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # usage errors are bad input too
        self.print_usage(sys.stderr)
        self.exit(EXIT_INPUT, f"backrub robot: {message}\n")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="backrub robot", description="Robot arm: compile, check, simulate, fit.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    c = sub.add_parser("compile", help="routine JSON -> checked trajectory .npz")
    c.add_argument("routine", help="routine JSON file, or - for standard input")
    c.add_argument("--out", required=True, help="trajectory .npz to write")
    c.add_argument("--rate", type=float, default=500.0, help="samples per second (default 500)")
    c.add_argument("--csv", help="also write the samples as CSV")
    c.add_argument("--bag", help="also write a ROS 2 bag into this new directory")
    c.add_argument("--bag-rate", type=float, help="messages per second in the bag (default: all)")
    c.add_argument("--profile", help="robot profile JSON (forces, limits, clearances)")
    c.add_argument(
        "--arm", choices=["ur5e"], help="also check this arm can follow it (nothing written if not)"
    )
    c.add_argument("--joints-csv", help="with --arm: write the joint trajectory as CSV")
    c.add_argument("--joints-bag", help="with --arm: write the joint trajectory as a ROS 2 bag (JointState)")
    s = sub.add_parser("simulate", help="run a trajectory in MuJoCo")
    s.add_argument("trajectory", help="trajectory .npz")
    s.add_argument("--json", action="store_true", help="print the report as JSON")
    s.add_argument("--png", help="write the force and top-view picture here")
    s.add_argument("--silent-after", type=float, help="drill: stop sending commands at this time (s)")
    s.add_argument("--arm", choices=["ur5e"], help="drive this arm (wrist F/T sensor, admittance)")
    s.add_argument("--profile", help="robot profile JSON (the arm's base placement, caps)")
    s.add_argument("--sensor-noise-n", type=float, default=0.0, help="F/T sensor noise, N (1 sigma)")
    s.add_argument("--sensor-delay-ms", type=float, default=0.0, help="F/T sensor delay, ms")
    s.add_argument("--surface-offset-mm", type=float, default=0.0, help="the real skin is this much higher")
    s.add_argument("--breathing-mm", type=float, default=2.0, help="the back rises this much each breath (2)")
    s.add_argument("--tissue-scale", type=float, default=1.0, help="this back is stiffer (>1) than the curve")
    s.add_argument("--no-force-feedback", action="store_true", help="experiment: admittance off")
    k = sub.add_parser("check", help="check a trajectory .npz against a profile's limits")
    k.add_argument("trajectory")
    k.add_argument("--profile")
    k.add_argument("--arm", choices=["ur5e"], help="also check that this arm can follow it")
    f = sub.add_parser("fit", help="fit the back model to a depth cloud (.npy, N×3 metres)")
    f.add_argument("cloud")
    f.add_argument("--json", action="store_true")
    return p


def main(argv: list[str]) -> int:
    """Run one robot command; returns the exit code."""
    args = _parser().parse_args(argv)
    try:
        return {"compile": _compile, "simulate": _simulate, "check": _check, "fit": _fit}[args.command](args)
    except InputError as err:
        print_problems(err)
        return EXIT_INPUT


def _profile(source: str | None) -> Any:
    from backrub.robot.profile import RobotProfile

    return RobotProfile.from_dict(read_json(source, "--profile")) if source else RobotProfile()


def _compile(args: argparse.Namespace) -> int:
    from backrub.robot.compile import TIME_TOLERANCE, TrajectoryCheckError, compile_routine, routine_seconds
    from backrub.routine.model import parse_routine

    if (args.joints_csv or args.joints_bag) and not args.arm:
        raise InputError(
            [Problem(path="--joints-csv" if args.joints_csv else "--joints-bag", message="needs --arm ur5e")]
        )
    if args.joints_bag and Path(args.joints_bag).exists():
        raise InputError([Problem(path="--joints-bag", message=f"{args.joints_bag!r} already exists")])
    raw = read_json(args.routine, "ROUTINE")
    profile = _profile(args.profile)
    routine = parse_routine(raw)
    _method_check(routine)
    if args.bag and Path(args.bag).exists():
        raise InputError(
            [
                Problem(
                    path="--bag",
                    message=f"{args.bag!r} already exists; a bag goes into a new directory",
                )
            ]
        )
    try:
        traj = compile_routine(routine, profile=profile, rate_hz=args.rate)
    except TrajectoryCheckError as err:
        print("trajectory check failed; nothing written:", file=sys.stderr)
        for v in err.violations:
            print(f"  {v}", file=sys.stderr)
        return EXIT_FAILED
    joints = None
    if args.arm:
        from backrub.robot.arm_cli import arm_plan, fit_to_arm
        from backrub.robot.check import check_trajectory

        traj = fit_to_arm(traj, profile)
        slowed = check_trajectory(traj, profile, traj.caps)  # the slowed path meets every rule again
        if traj.duration_s > (1 + TIME_TOLERANCE) * routine_seconds(routine):
            print(
                f"slowing for the arm would take {traj.duration_s / 60:.1f} min, more than 5 % over the"
                f" routine's {routine_seconds(routine) / 60:.1f}; nothing written",
                file=sys.stderr,
            )
            return EXIT_FAILED
        if slowed:
            print("trajectory check failed after slowing for the arm; nothing written:", file=sys.stderr)
            for v in slowed:
                print(f"  {v}", file=sys.stderr)
            return EXIT_FAILED
        findings, joints = arm_plan(traj, profile, want_joints=bool(args.joints_csv or args.joints_bag))
        if findings:
            print("the arm cannot follow the trajectory; nothing written:", file=sys.stderr)
            for v in findings:
                print(f"  {v}", file=sys.stderr)
            return EXIT_FAILED
    traj.save(args.out)
    written = [args.out]
    if joints is not None:
        from backrub.robot.joint_export import write_joint_bag, write_joint_csv

        if args.joints_csv:
            write_joint_csv(joints, args.joints_csv)
            written.append(args.joints_csv)
        if args.joints_bag:
            write_joint_bag(joints, args.joints_bag)
            written.append(args.joints_bag)
    if args.csv:
        from backrub.robot.export import write_csv

        write_csv(traj, args.csv)
        written.append(args.csv)
    if args.bag:
        from backrub.robot.export import write_bag

        write_bag(traj, args.bag, rate_hz=args.bag_rate)
        written.append(args.bag)
    pressing = traj.force > 0
    print(
        f"{len(traj)} samples at {traj.rate_hz:g} Hz, {traj.duration_s / 60:.1f} min"
        f" ({pressing.mean():.0%} on the skin), peak force {traj.force.max():.1f} N"
        f" (cap {traj.cap_n:g} N); checked sample by sample"
    )
    print("wrote " + ", ".join(written))
    return EXIT_OK


def _method_check(routine: Any) -> None:
    """The one gate (the method's verifier): a routine that fails it is bad input for the robot."""
    from backrub.gate import Unverified, verified

    try:
        verified(routine, routine.intake)
    except Unverified as bad:
        raise InputError(
            [Problem(path=f.where, message=f"{f.rule}: {f.message}") for f in bad.report.errors]
        ) from None


def _simulate(args: argparse.Namespace) -> int:
    from backrub.robot.sim import simulate
    from backrub.robot.surface import surface_from_body
    from backrub.robot.trajectory import load_trajectory

    traj = load_trajectory(args.trajectory)
    if args.arm:
        return _simulate_arm(args, traj)
    arm_only = [
        f"--{name.replace('_', '-')}"
        for name in ("sensor_noise_n", "sensor_delay_ms", "surface_offset_mm")
        if getattr(args, name)
    ] + (["--no-force-feedback"] if args.no_force_feedback else [])
    arm_only += ["--breathing-mm"] if args.breathing_mm != 2.0 else []
    arm_only += ["--tissue-scale"] if args.tissue_scale != 1.0 else []
    if arm_only:
        raise InputError(
            [Problem(path=arm_only[0], message="needs --arm ur5e (the probe has no F/T sensor)")]
        )
    result = simulate(traj, silent_after_s=args.silent_after)
    if args.png:
        from backrub.robot.figure import draw_report

        surface = traj.surface or surface_from_body(*(traj.body_cm or (50.0, 42.0, 32.0)))
        draw_report(result, surface, args.png, cap_n=traj.cap_n)
    report = result.report()
    summary = (
        f"simulated {report['duration_s']} s in {report['wall_s']} s"
        f" ({report['real_time_factor']}x real time); force RMSE"
        f" {report['force_rmse_n']} N, peak {report['peak_force_n']} N"
    )
    return print_simulation(report, result.violations, as_json=args.json, summary=summary)


def print_simulation(report: dict[str, Any], stops: Sequence[Any], *, as_json: bool, summary: str) -> int:
    """Print a simulation's report (JSON, or its summary line and a line per stop); 1 if it was stopped.

    `stops` are the monitor's events (each with `t_s`, `kind`, `message`), for
    the ball probe and the arm alike.
    """
    if as_json:
        print(json.dumps(report, indent=2))
    else:
        print(summary)
        for event in stops:
            print(f"stopped at {event.t_s:.2f} s: {event.kind}: {event.message}")
    return EXIT_FAILED if stops else EXIT_OK


def _simulate_arm(args: argparse.Namespace, traj: Any) -> int:
    from backrub.robot.arm_cli import simulate_arm_command

    return simulate_arm_command(args, traj, _profile(args.profile))


def _check(args: argparse.Namespace) -> int:
    from backrub.robot.check import check_trajectory
    from backrub.robot.trajectory import load_trajectory

    traj = load_trajectory(args.trajectory)
    profile = _profile(args.profile)
    found = check_trajectory(traj, profile)
    if args.arm:
        from backrub.robot.arm_cli import reach_findings

        found = [*found, *reach_findings(traj, profile)]
    for v in found:
        print(v)
    print("ok" if not found else f"{len(found)} findings")
    return EXIT_FAILED if found else EXIT_OK


def _fit(args: argparse.Namespace) -> int:
    from backrub.robot.fit import fit_surface

    try:
        cloud = np.load(args.cloud, allow_pickle=False)
        fit = fit_surface(cloud)
    except (OSError, ValueError) as err:
        raise InputError([Problem(path="CLOUD", message=str(err))]) from None
    s = fit.surface
    out = {
        "back_length_cm": 100 * s.back_length,
        "shoulder_width_cm": 100 * s.shoulder_width,
        "waist_width_cm": 100 * s.waist_width,
        "surface_m": s.to_dict(),
        "offset_m": fit.offset.tolist(),
        "rms_residual_mm": 1000 * fit.rms_residual_m,
        "inlier_fraction": fit.inlier_fraction,
    }
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        print(
            f"back {out['back_length_cm']:.1f} cm, shoulders {out['shoulder_width_cm']:.1f} cm,"
            f" waist {out['waist_width_cm']:.1f} cm; residual {out['rms_residual_mm']:.2f} mm"
            f" over {fit.inlier_fraction:.0%} of the points"
        )
    return EXIT_OK
