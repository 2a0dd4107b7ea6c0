"""Figures for the robot performer, each beside the baseline measured in the same run.

    .venv/bin/python benchmarks/bench_robot.py [--sim-minutes 10]

1. A 60-minute routine compiled and checked at 500 Hz: time and peak memory,
   against merely writing NumPy arrays of the same size (target ≤ 2 s, ≤ 1 GB).
2. Simulation of a medium-pressure routine: speed against real time (target
   ≥ 20×), force RMSE (target ≤ 1 N), and overhead over bare `mj_step`.
3. Fitting the back model to synthetic depth clouds: errors in millimetres.
"""

from __future__ import annotations

import argparse
import io
import resource
import time
import tracemalloc
from dataclasses import replace

import mujoco
import numpy as np

from backrub.intake.model import parse_intake
from backrub.planner import plan_routine
from backrub.robot.compile import compile_routine
from backrub.robot.fit import fit_surface, surface_error_m, synthetic_cloud
from backrub.robot.sim import CONTROL_HZ, PHYSICS_HZ, back_model, simulate
from backrub.robot.surface import surface_from_body
from backrub.robot.trajectory import Trajectory


def compile_figures() -> Trajectory:
    routine = plan_routine(parse_intake({"giver": "robot", "minutes": 60, "pressure": "medium"}))
    compile_routine(routine, rate_hz=50.0)  # warm imports and caches, not the figure
    seconds = np.inf
    for _ in range(2):  # best of two: the machine may be busy with something else
        start = time.perf_counter()
        traj = compile_routine(routine, rate_hz=500.0)  # compile + sample-level check
        seconds = min(seconds, time.perf_counter() - start)
    del traj
    tracemalloc.start()  # memory in a run of its own: tracing slows NumPy down
    traj = compile_routine(routine, rate_hz=500.0)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    n = len(traj)
    start = time.perf_counter()
    arrays = {
        "t": np.arange(n) / 500.0,
        "position": np.zeros((n, 3)),
        "normal": np.zeros((n, 3)),
        "force": np.zeros(n),
        "step": np.zeros(n, np.int32),
    }
    arrays["position"][:] = 1.0
    np.savez(io.BytesIO(), **arrays)
    baseline = time.perf_counter() - start

    print("1. Compile + check, 60-minute routine at 500 Hz")
    print(
        f"   routine {routine.total_minutes:.1f} min -> trajectory {traj.duration_s / 60:.1f} min,"
        f" {n:,} samples, {len(routine.steps)} steps"
    )
    print(f"   compile + check      {seconds:6.2f} s   (target <= 2 s)")
    print(f"   NumPy: fill + savez  {baseline:6.2f} s   (same arrays, same run)")
    print(f"   ratio                {seconds / baseline:6.1f} x")
    print(
        f"   peak traced memory   {peak / 2**20:6.0f} MiB (target <= 1024 MiB);"
        f" process max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
    )
    return traj


def sim_figures(minutes: float) -> None:
    routine = plan_routine(parse_intake({"giver": "robot", "minutes": 30, "pressure": "medium"}))
    traj = compile_routine(routine, rate_hz=500.0)
    n = min(len(traj), int(minutes * 60 * traj.rate_hz))
    part = replace(traj, **{k: getattr(traj, k)[:n] for k in ("t", "position", "normal", "force", "step")})
    result = simulate(part)
    medium = result.target_n > 0

    # Bare: the same model stepped with the same motor forces replayed, no controller.
    model = back_model(part.surface)
    data = mujoco.MjData(model)
    data.qpos[:] = part.position[0] + 0.03 * part.normal[0]
    substeps = int(PHYSICS_HZ / CONTROL_HZ)
    start = time.perf_counter()
    for u in result.controls:
        data.ctrl[:] = u
        mujoco.mj_step(model, data, substeps)
    bare = time.perf_counter() - start

    print(
        f"2. Simulation, {result.duration_s / 60:.1f} min of a medium-pressure routine"
        f" ({PHYSICS_HZ:g} Hz physics, {CONTROL_HZ:g} Hz control)"
    )
    print(f"   real-time factor     {result.real_time_factor:6.1f} x  (target >= 20 x)")
    print(
        f"   force RMSE           {result.force_rmse_n:6.3f} N  (target <= 1 N; over"
        f" {medium.mean():.0%} of ticks pressing, peak {result.peak_force_n:.1f} N)"
    )
    print(
        f"   bare mj_step loop    {bare:6.2f} s for the same {result.physics_steps:,} steps;"
        f" simulate {result.wall_s:.2f} s"
    )
    print(f"   overhead ratio       {result.wall_s / bare:6.2f} x  (controller + monitor + logging)")
    print(f"   tissue indentation   {result.extra['mean_indentation_mm']:6.1f} mm mean while pressing")


def fit_figures() -> None:
    print("3. Fitting the back to synthetic depth clouds (2 mm noise, 4 holes, 8 % outliers)")
    names = ("back_length", "shoulder_width", "waist_width")
    errors, surf, secs = [], [], []
    for seed in range(5):
        rng = np.random.default_rng(seed)
        truth = surface_from_body(rng.uniform(42, 62), rng.uniform(36, 50), rng.uniform(26, 38))
        offset = np.array([rng.uniform(-0.03, 0.03), rng.uniform(-0.05, 0.05), 0.6])
        cloud = synthetic_cloud(truth, rng, holes=4, outlier_fraction=0.08, offset=tuple(offset))
        start = time.perf_counter()
        fit = fit_surface(cloud)
        secs.append(time.perf_counter() - start)
        errors.append(1000 * np.abs(fit.surface.to_vector()[:3] - truth.to_vector()[:3]))
        surf.append(1000 * surface_error_m(fit, truth, offset))
    worst = np.max(errors, axis=0)
    for name, e in zip(names, worst, strict=True):
        print(f"   {name:16s} worst error {e:5.2f} mm over 5 clouds")
    print(
        f"   surface RMS error    worst {max(surf):.2f} mm, mean {np.mean(surf):.2f} mm;"
        f" {np.mean(secs):.2f} s a fit"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sim-minutes", type=float, default=10.0)
    args = parser.parse_args()
    compile_figures()
    sim_figures(args.sim_minutes)
    fit_figures()


if __name__ == "__main__":
    main()
