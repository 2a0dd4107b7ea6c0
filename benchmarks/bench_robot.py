"""Figures for the robot performer (issue 5), each beside its baseline measured in the same run.

    .venv/bin/python benchmarks/bench_robot.py [--sim-minutes 5] [--repeats 3] [--no-fit]

1. `compile_routine` (compile + sample-level check) of the 60-minute routine that
   `plan_routine(parse_intake({"giver": "robot", "minutes": 60}))` plans, at 500 Hz:
   wall and CPU time (median of `--repeats`), peak memory (traced NumPy/Python
   allocations, and the maximum RSS of a fresh process that does only this), against
   `np.savez` of the same arrays to a file (median of as many runs). Targets ≤ 2 s, ≤ 1 GB.
2. Simulation in MuJoCo of `--sim-minutes` of that trajectory, from the lift-off before
   its first medium-pressure step: real-time factor (target ≥ 20×) and force RMSE
   (target ≤ 1 N), and the overhead of `simulate` over a bare `mj_step` loop. The
   baseline: the same model (`back_model` of the same surface), the same initial
   state, the motor commands that `simulate` sent recorded and replayed tick by tick
   (`data.ctrl[:] = u; mj_step(model, data, 2)`), so the same number of physics steps
   along the same path (checked: the replayed probe path is bit-identical). Only the
   control loops are timed; repeats are interleaved, and medians reported. The
   overhead itself is the median ratio of nine short (1-minute) adjacent pairs.
3. Fitting the back model to synthetic depth clouds: errors in millimetres.

The machine's load (1-minute load average) is printed with the figures: on a shared
machine wall time can be up to (load / cores) times the CPU time.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from dataclasses import replace
from pathlib import Path

import mujoco
import numpy as np

from backrub.intake.model import parse_intake
from backrub.planner import plan_routine
from backrub.robot.capmap import cap_map_for
from backrub.robot.check import check_trajectory
from backrub.robot.compile import compile_routine
from backrub.robot.fit import fit_surface, surface_error_m, synthetic_cloud
from backrub.robot.profile import RobotProfile
from backrub.robot.sim import CONTROL_HZ, PHYSICS_HZ, back_model, simulate
from backrub.robot.surface import surface_from_body
from backrub.robot.trajectory import Trajectory

INTAKE = {"giver": "robot", "minutes": 60}
RATE_HZ = 500.0
ROWS: list[tuple[str, str, str, str]] = []  # figure, measured, target or baseline, verdict

# A fresh process: imports and plans, then compiles and checks once, and reports its
# resident memory. VmHWM, not ru_maxrss: the latter keeps the parent's size across exec.
_CHILD = """
import json
from backrub.intake.model import parse_intake
from backrub.planner import plan_routine
from backrub.robot.capmap import cap_map_for
from backrub.robot.check import check_trajectory
from backrub.robot.compile import compile_routine

def kib(key):
    return int(next(l for l in open("/proc/self/status") if l.startswith(key)).split()[1])

routine = plan_routine(parse_intake(%r))
before = kib("VmHWM:")
traj = compile_routine(routine, rate_hz=%r)
print(json.dumps({"before_kib": before, "after_kib": kib("VmHWM:"), "samples": len(traj)}))
"""


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores"


def _median(xs: list[float]) -> float:
    return float(np.median(xs))


def _verdict(ok: bool) -> str:
    return "met" if ok else "NOT MET"


def compile_figures(repeats: int) -> Trajectory:
    routine = plan_routine(parse_intake(INTAKE))
    compile_routine(routine, rate_hz=50.0)  # warm imports and caches, not the figure
    walls, cpus, compile_cpu, check_cpu = [], [], [], []
    traj: Trajectory | None = None
    for _ in range(repeats):
        traj = None
        gc.collect()
        start, cpu = time.perf_counter(), time.process_time()
        traj = compile_routine(routine, rate_hz=RATE_HZ)  # compile + sample-level check
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    assert traj is not None
    # The two halves, by processor time (less disturbed by other work on the machine).
    caps = cap_map_for(routine.intake.body, routine.intake.spots, RobotProfile())
    for _ in range(repeats):
        cpu = time.process_time()
        compile_routine(routine, rate_hz=RATE_HZ, check=False)
        compile_cpu.append(time.process_time() - cpu)
        cpu = time.process_time()
        assert check_trajectory(traj, RobotProfile(), caps) == []
        check_cpu.append(time.process_time() - cpu)

    # Baseline: merely writing the same arrays with NumPy.
    saves = []
    arrays = {k: getattr(traj, k) for k in ("t", "position", "normal", "force", "step")}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(repeats):
            start = time.perf_counter()
            np.savez(Path(tmp) / f"same_{i}.npz", rate_hz=traj.rate_hz, cap_n=traj.cap_n, **arrays)
            saves.append(time.perf_counter() - start)
        size_mb = (Path(tmp) / "same_0.npz").stat().st_size / 1e6

    # Memory: traced allocations in a run of its own (tracing slows NumPy down) ...
    del traj
    gc.collect()
    tracemalloc.start()
    traj = compile_routine(routine, rate_hz=RATE_HZ)
    _, traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # ... and the high-water mark of a fresh process doing only this.
    child = subprocess.run(
        [sys.executable, "-c", _CHILD % (INTAKE, RATE_HZ)], capture_output=True, text=True, check=True
    )
    rss = json.loads(child.stdout)

    seconds, savez = _median(walls), _median(saves)
    n = len(traj)
    print(f"1. Compile + check, 60-minute robot routine at {RATE_HZ:g} Hz   [{_load()}]")
    print(
        f"   routine {routine.total_minutes:.1f} min, {len(routine.steps)} steps -> trajectory"
        f" {traj.duration_s / 60:.1f} min, {n:,} samples ({size_mb:.0f} MB as .npz)"
    )
    print(
        f"   compile + check   median {seconds:5.2f} s  (runs {', '.join(f'{w:.2f}' for w in walls)});"
        f" CPU {_median(cpus):.2f} s"
    )
    print(
        f"   of which          compile {_median(compile_cpu):.2f} s CPU, sample-level check"
        f" {_median(check_cpu):.2f} s CPU (medians, measured apart)"
    )
    print(f"   np.savez same     median {savez:5.2f} s  (runs {', '.join(f'{w:.2f}' for w in saves)})")
    print(f"   ratio             {seconds / savez:5.1f} x the time NumPy takes to write the arrays")
    print(
        f"   peak memory       {traced / 2**20:5.0f} MiB traced allocations;"
        f" fresh process max RSS {rss['after_kib'] / 1024:.0f} MiB"
        f" ({rss['before_kib'] / 1024:.0f} MiB after imports and planning)"
    )
    peak_mib = max(traced / 2**20, rss["after_kib"] / 1024)
    ROWS.append(("compile + check, 60 min @ 500 Hz", f"{seconds:.2f} s", "<= 2 s", _verdict(seconds <= 2.0)))
    ROWS.append(("  ... CPU time", f"{_median(cpus):.2f} s", "", ""))
    ROWS.append(
        ("  ... np.savez of the same arrays", f"{savez:.2f} s", "baseline", f"{seconds / savez:.1f}x")
    )
    ROWS.append(
        ("peak memory (max of traced, RSS)", f"{peak_mib:.0f} MiB", "<= 1024 MiB", _verdict(peak_mib <= 1024))
    )
    return traj


def _window(traj: Trajectory, minutes: float) -> Trajectory:
    """`minutes` of the trajectory from the lift-off before its first medium-pressure step."""
    medium = np.flatnonzero(traj.force > 7.5)
    first = int(medium[0]) if medium.size else 0
    in_air = np.flatnonzero(traj.force[:first] == 0)
    start = int(in_air[-1]) if in_air.size else 0
    stop = min(len(traj), start + int(minutes * 60 * traj.rate_hz) + 1)
    cut = {k: getattr(traj, k)[start:stop] for k in ("t", "position", "normal", "force", "step")}
    cut["t"] = cut["t"] - cut["t"][0]
    return replace(traj, **cut)


def _bare(part: Trajectory, controls: np.ndarray, pushes: np.ndarray) -> tuple[float, float]:
    """Replay recorded motor commands and tissue forces on the same model from the same state:
    wall and CPU seconds."""
    model = back_model(part.surface)
    data = mujoco.MjData(model)
    data.qpos[:] = part.position[0] + 0.03 * part.normal[0]  # simulate's start: the first probe centre
    mujoco.mj_forward(model, data)
    substeps = round(PHYSICS_HZ / CONTROL_HZ)
    ctrl, step = data.ctrl, mujoco.mj_step
    push = data.xfrc_applied[model.body("probe").id]
    rows = controls.tolist()
    forces = pushes.tolist()
    start, cpu = time.perf_counter(), time.process_time()
    for u, f in zip(rows, forces, strict=True):
        ctrl[:] = u
        push[0], push[1], push[2] = f
        step(model, data, substeps)
    return time.perf_counter() - start, time.process_time() - cpu


def _replay_path(part: Trajectory, controls: np.ndarray, pushes: np.ndarray) -> np.ndarray:
    """The probe centre before each tick of a replay (untimed): to show the path is the same."""
    model = back_model(part.surface)
    data = mujoco.MjData(model)
    data.qpos[:] = part.position[0] + 0.03 * part.normal[0]
    mujoco.mj_forward(model, data)
    path = np.empty((len(controls), 3))
    push = data.xfrc_applied[model.body("probe").id]
    for k, (u, f) in enumerate(zip(controls, pushes, strict=True)):
        path[k] = data.qpos
        data.ctrl[:] = u
        push[:3] = f
        mujoco.mj_step(model, data, round(PHYSICS_HZ / CONTROL_HZ))
    return path


def sim_figures(traj: Trajectory, minutes: float, repeats: int, pairs: int = 9) -> None:
    part = _window(traj, minutes)
    results, bares, bare_cpus, whole = [], [], [], []
    for _ in range(repeats):  # interleaved, so a busy spell hits both alike
        start = time.perf_counter()
        result = simulate(part)
        whole.append(time.perf_counter() - start)
        results.append(result)
        wall, cpu = _bare(part, result.controls, result.pushes)
        bares.append(wall)
        bare_cpus.append(cpu)
    result = results[0]
    same_path = np.array_equal(_replay_path(part, result.controls, result.pushes), result.probe)
    sim_wall, sim_cpu = _median([r.wall_s for r in results]), _median([r.cpu_s for r in results])
    bare, bare_cpu = _median(bares), _median(bare_cpus)
    rtf = result.duration_s / sim_wall
    # Overhead from many short pairs, each simulate run right beside its replay, so both
    # meet the same load: the median of the pairs' ratios, and their spread.
    short = _window(traj, 1.0)
    ratios, fastest_sim, fastest_bare = [], np.inf, np.inf
    for _ in range(pairs):
        r = simulate(short)
        b = _bare(short, r.controls, r.pushes)[1]
        ratios.append(r.cpu_s / b)
        fastest_sim, fastest_bare = min(fastest_sim, r.cpu_s), min(fastest_bare, b)
    overhead = _median(ratios)

    # RMSE over the ticks of medium-pressure steps, where target or measured force is non-zero.
    index = np.minimum(np.round(result.t * part.rate_hz).astype(np.int64), len(part) - 1)
    routine = plan_routine(parse_intake(INTAKE))
    medium_steps = [i for i, s in enumerate(routine.steps) if s.pressure == "medium"]
    in_medium = np.isin(part.step[index], medium_steps)
    pressing = (result.target_n > 0) | (result.measured_n > 0)
    sel = in_medium & pressing
    rmse_medium = float(np.sqrt(np.mean((result.measured_n[sel] - result.target_n[sel]) ** 2)))

    print(
        f"2. Simulation, {result.duration_s / 60:.1f} min of the same trajectory from its first"
        f" medium step ({PHYSICS_HZ:g} Hz physics, {CONTROL_HZ:g} Hz control)   [{_load()}]"
    )
    print(
        f"   real-time factor  median {rtf:5.1f} x by wall time"
        f" (loops {', '.join(f'{r.wall_s:.2f}' for r in results)} s),"
        f" {result.duration_s / sim_cpu:.1f} x by CPU time;"
        f" whole simulate() call median {_median(whole):.2f} s"
    )
    print(
        f"   force RMSE        {result.force_rmse_n:6.3f} N over every pressing tick;"
        f" {rmse_medium:.3f} N over the {sel.mean():.0%} of ticks pressing in medium-pressure steps;"
        f" peak {result.peak_force_n:.1f} N"
    )
    print(
        f"   bare mj_step      median {bare:5.2f} s wall (runs {', '.join(f'{b:.2f}' for b in bares)}),"
        f" {bare_cpu:.2f} s CPU, for the same {result.physics_steps:,} physics steps with the recorded"
        f" ctrl replayed; replayed path bit-identical: {same_path}"
    )
    print(
        f"   overhead          {overhead:5.2f} x by CPU time, median of {pairs} adjacent pairs on 1 min"
        f" (range {min(ratios):.2f}-{max(ratios):.2f}; fastest against fastest"
        f" {fastest_sim / fastest_bare:.2f} x); the 5-min medians above give"
        f" {sim_cpu / bare_cpu:.2f} x CPU, {sim_wall / bare:.2f} x wall"
        " (simulate's loop over the bare loop: controller, monitor, logging)"
    )
    print(
        f"   tissue            {result.extra['mean_indentation_mm']:5.1f} mm mean indentation while pressing"
    )
    ROWS.append(("simulation real-time factor", f"{rtf:.1f} x", ">= 20 x", _verdict(rtf >= 20.0)))
    ROWS.append(
        (
            "force RMSE, medium-pressure steps",
            f"{rmse_medium:.3f} N",
            "<= 1 N",
            _verdict(rmse_medium <= 1.0 and result.force_rmse_n <= 1.0),
        )
    )
    ROWS.append(("  ... over every pressing tick", f"{result.force_rmse_n:.3f} N", "<= 1 N", ""))
    ROWS.append(
        (
            "simulate loop / bare mj_step replay",
            f"{overhead:.2f} x CPU",
            "baseline",
            f"pairs {min(ratios):.2f}-{max(ratios):.2f}, fastest/fastest"
            f" {fastest_sim / fastest_bare:.2f}; same path: {same_path}",
        )
    )


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
    ROWS.append(("fit: worst surface RMS error", f"{max(surf):.2f} mm", "", ""))


def print_table() -> None:
    widths = [max(len(r[i]) for r in ROWS) for i in range(4)]
    head = ("figure", "measured", "target", "verdict")
    widths = [max(w, len(h)) for w, h in zip(widths, head, strict=True)]
    print()
    print("  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in ROWS:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
    print(f"[{_load()}]")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sim-minutes", type=float, default=5.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-fit", action="store_true", help="skip the fitting figures")
    args = parser.parse_args()
    traj = compile_figures(args.repeats)
    sim_figures(traj, args.sim_minutes, args.repeats)
    if not args.no_fit:
        fit_figures()
    print_table()


if __name__ == "__main__":
    main()
