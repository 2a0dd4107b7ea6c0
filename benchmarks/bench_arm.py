"""The arm-in-the-loop figures of issue 12, each beside its baseline from the same run.

    .venv/bin/python benchmarks/bench_arm.py [--quick]

- Reachability (default base placement: the profile's frame mount over the table,
  `RobotProfile` default) for a 15-minute robot routine on the default body and the extremes the
  intake allows.
- A 5-minute comfort rub at medium and a 15-minute robot routine on the UR5e,
  with 0.5 N sensor noise and a 4 ms delay: force RMSE (all pressing ticks, and
  medium steps), peak over target, peak in the air; the same with the back
  breathing 2 mm; the skin 10 mm higher and lower; admittance switched off.
- Real-time factor, and a bare `mj_step` loop of the same model over the same
  number of physics steps in the same run (the baseline).
- Analytic IK: poses solved per second, all eight branches.
"""

from __future__ import annotations

import argparse
import json
import os
import time

import numpy as np

from backrub.intake.model import parse_intake
from backrub.planner import plan_routine
from backrub.robot import ur5e
from backrub.robot.airmove import seconds_needed
from backrub.robot.arm_cli import fit_to_arm, placement_for
from backrub.robot.armsim import ArmOptions, simulate_arm
from backrub.robot.clearance import ball_gap
from backrub.robot.compile import compile_routine, routine_seconds
from backrub.robot.profile import RobotProfile
from backrub.robot.reach import ArmPlacement, ReachResult, check_reach

BODIES = {
    "default 50/42/32": (50, 42, 32),
    "small 30/28/20": (30, 28, 20),
    "short wide 30/65/60": (30, 65, 60),
    "long narrow 80/28/20": (80, 28, 20),
    "long wide 80/65/30": (80, 65, 30),
    "largest 80/65/60": (80, 65, 60),
}
FAULTY = {"sensor_noise_n": 0.5, "sensor_delay_ms": 4.0}


def _routine(minutes: float, body: tuple[int, int, int] | None = None, **extra: object) -> object:
    raw: dict[str, object] = {"giver": "robot", "minutes": minutes, **extra}
    if body:
        raw["body"] = dict(zip(("back_length_cm", "shoulder_width_cm", "waist_width_cm"), body, strict=True))
    return plan_routine(parse_intake(raw))


def reachability(rate_hz: float) -> dict[str, dict[str, object]]:
    out = {}
    for name, body in BODIES.items():
        routine = _routine(15, body)
        plain = compile_routine(routine, rate_hz=rate_hz)  # type: ignore[arg-type]
        placement = placement_for(plain, RobotProfile())
        before = check_reach(plain, placement, plain.surface)  # type: ignore[arg-type]  # the baseline
        start = time.perf_counter()
        traj = fit_to_arm(plain, RobotProfile())  # what `compile --arm` does
        result = check_reach(traj, placement, traj.surface)  # type: ignore[arg-type]
        failing = {
            k: int(v[result.pressing].sum()) for k, v in result.bad.items() if v[result.pressing].any()
        }
        failing_air = {
            k: int(v[~result.pressing].sum()) for k, v in result.bad.items() if v[~result.pressing].any()
        }
        out[name] = {
            "reachable_fraction": round(result.reachable_fraction, 4),
            "base_m": [round(v, 3) for v in placement.base_m],
            "reconfigurations": result.reconfigurations,
            "min_clearance_cm": round(100 * result.min_clearance_m, 2),
            "failing_pressing_samples": failing,
            "failing_air_samples": failing_air,
            "reconfiguration_move": _move(traj, result, placement),
            "slow_and_check_s": round(time.perf_counter() - start, 2),
            "failing_before_slowing": int(before.bad["joint-speed"].sum()),
            "reachable_before_slowing": round(before.reachable_fraction, 4),
            "added_s": round(traj.duration_s - plain.duration_s, 2),
            "over_routine_pct": round(100 * (traj.duration_s / routine_seconds(routine) - 1), 2),  # type: ignore[arg-type]
        }
        print(name, out[name], flush=True)
    return out


def _move(traj: object, result: ReachResult, placement: ArmPlacement) -> dict[str, object] | None:
    """The reconfiguration's joint move: when, how long it needs at 180°/s, its peak speed, the ball's gap."""
    if result.move is None or result.move_poses is None:
        return None
    a, b = result.move
    t = traj.t[result.index[a : b + 1]]  # type: ignore[attr-defined]
    q = result.q[a : b + 1]
    rate = np.abs(np.diff(q, axis=0)) / np.diff(t)[:, None]
    return {
        "t_s": [round(float(t[0]), 2), round(float(t[-1]), 2)],
        "needs_s": round(seconds_needed(result.move_poses), 2),
        "poses": len(result.move_poses),
        "largest_turn_deg": round(float(np.degrees(np.abs(q[-1] - q[0]).max())), 1),
        "peak_deg_s": round(float(np.degrees(rate.max())), 1),
        "ball_min_cm": round(100 * float(ball_gap(q, placement, traj.surface, 0.03).min()), 2),  # type: ignore[attr-defined]
    }


def arm_runs(name: str, traj: object, quick: bool) -> dict[str, dict[str, object]]:
    placement = placement_for(traj, RobotProfile())  # type: ignore[arg-type]
    still = {"breathing_mm": 0.0}
    cases = {
        "default: noise 0.5 N, delay 4 ms, breathing 2 mm": ArmOptions(**FAULTY),
        "still back (no breathing)": ArmOptions(**FAULTY, **still),
        "skin 10 mm higher": ArmOptions(surface_offset_mm=10.0, **FAULTY),
        "skin 10 mm lower": ArmOptions(surface_offset_mm=-10.0, **FAULTY),
        "tissue 30% softer than the curve": ArmOptions(tissue_scale=0.7, **FAULTY),
        "tissue 40% stiffer than the curve": ArmOptions(tissue_scale=1.4, **FAULTY),
        "admittance OFF (default conditions)": ArmOptions(force_feedback=False, **FAULTY),
        "admittance OFF, still back, exact tissue": ArmOptions(force_feedback=False, **FAULTY, **still),
        "admittance OFF, tissue 40% stiffer, still": ArmOptions(
            force_feedback=False, tissue_scale=1.4, **FAULTY, **still
        ),
    }
    if quick:
        cases = dict(list(cases.items())[:1])
    elif name == "15-min":
        keep = (0, 2, 3, 6, 7)
        cases = {k: v for i, (k, v) in enumerate(cases.items()) if i in keep}
    out = {}
    keys = (
        "force_rmse_n",
        "force_rmse_medium_n",
        "peak_force_n",
        "peak_over_target_n",
        "peak_in_air_n",
        "real_time_factor",
        "bare_mj_step_real_time_factor",
        "overhead_vs_bare_mj_step",
        "cpu_real_time_factor",
        "cpu_overhead_vs_bare_mj_step",
        "reachable_fraction",
        "stopped",
    )
    for case, options in cases.items():
        cpu = time.process_time()
        result = simulate_arm(traj, traj.surface, placement, options=options, caps=traj.caps)  # type: ignore[arg-type, attr-defined]
        report = result.report()
        row = {k: report[k] for k in keys}
        row["process_cpu_s"] = round(time.process_time() - cpu, 1)
        out[case] = row
        print(f"{name} | {case}: {json.dumps(row)}", flush=True)
    return out


def ik_rate() -> float:
    rng = np.random.default_rng(0)
    pose = ur5e.flange_pose(rng.uniform(-np.pi, np.pi, (20000, 6)))
    ur5e.inverse(pose[:100])
    start = time.perf_counter()
    ur5e.inverse(pose)
    return 20000 / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="one case per routine, no extremes")
    parser.add_argument("--body", help="only this body, e.g. 80/65/60: its reach and the first force case")
    args = parser.parse_args()
    if args.body:
        body = tuple(int(v) for v in args.body.split("/"))
        BODIES.clear()
        BODIES[args.body] = body  # type: ignore[assignment]
        slowed = fit_to_arm(compile_routine(_routine(15, body)), RobotProfile())  # type: ignore[arg-type]
        print(json.dumps({"reachability": reachability(100.0), "15-min": arm_runs("15-min", slowed, True)}))
        return
    print(f"load average {os.getloadavg()}, {os.cpu_count()} cores", flush=True)
    figures: dict[str, object] = {"ik_poses_per_s_all_8_branches": round(ik_rate())}
    print(figures, flush=True)
    comfort = compile_routine(_routine(5, goal="comfort_care", pressure="medium"))  # type: ignore[arg-type]
    partner = compile_routine(_routine(15))  # type: ignore[arg-type]
    figures["5-min comfort rub (medium asked)"] = arm_runs("comfort", comfort, args.quick)
    figures["15-min robot routine"] = arm_runs("15-min", partner, args.quick)
    if not args.quick:
        figures["reachability"] = reachability(100.0)
    print(json.dumps(figures, indent=1))
    print(f"load average at the end {os.getloadavg()}", flush=True)


if __name__ == "__main__":
    main()
