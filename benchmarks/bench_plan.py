"""Figures for issue 2 ("The method as code").

(a) `backrub plan INTAKE --json` as a whole process, against a bare `python -c "import json"`
    from the same interpreter, interleaved run by run; target: median ratio at most 4x.
(b) Planning plus verifying a 60-minute routine in-process; target: median at most 5 ms.
    The first call (cold caches) is reported too.

Run: .venv/bin/python benchmarks/bench_plan.py [--runs N] [--inproc N] [--profile] [--against DIR]
`--against DIR` measures another checkout (e.g. /work/main, with its own .venv) in the same run,
interleaved for the process figures, as the baseline. Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INTAKE = ROOT / "examples" / "intake.json"
BACKRUB = Path(sys.prefix) / "bin" / "backrub"
HOUR = {**json.loads(INTAKE.read_text()), "minutes": 60, "pressure": "firm",
        "focus": ["shoulders", "lower_back"]}
PROCESS_TARGET, INPROC_TARGET_MS = 4.0, 5.0


def _time(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


def installed_env(cache: str) -> dict[str, str]:
    """The environment of an ordinary install: bytecode is cached (here in a temporary folder,
    so nothing is written into the source tree) even where the caller's shell turns it off."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = cache
    return env


def whole_process(runs: int, env: dict[str, str]) -> tuple[float, float]:
    """Median seconds for the bare interpreter and for `backrub plan --json`, interleaved."""
    bare_cmd = [sys.executable, "-c", "import json"]
    plan_cmd = [str(BACKRUB), "plan", str(INTAKE), "--json"]
    for cmd in (bare_cmd, plan_cmd):  # warm the file and bytecode caches once, not counted
        _time(cmd, env)
    bare, plan = [], []
    for _ in range(runs):
        bare.append(_time(bare_cmd, env))
        plan.append(_time(plan_cmd, env))
    return statistics.median(bare), statistics.median(plan)


def baseline(
    root: Path, runs: int, inproc: int, env: dict[str, str]
) -> tuple[float, float, float, float, float]:
    """This checkout and another, interleaved run by run on the same machine:
    (bare, plan) medians of this one, (bare, plan) of the other, and the other's in-process median."""
    python = root / ".venv" / "bin" / "python"
    cmds = [
        [sys.executable, "-c", "import json"],
        [str(BACKRUB), "plan", str(INTAKE), "--json"],
        [str(python), "-c", "import json"],
        [str(root / ".venv" / "bin" / "backrub"), "plan", str(INTAKE), "--json"],
    ]
    for cmd in cmds:
        _time(cmd, env)
    times: list[list[float]] = [[], [], [], []]
    for _ in range(runs):
        for k, cmd in enumerate(cmds):
            times[k].append(_time(cmd, env))
    snippet = (
        "import json,statistics,time,sys\n"
        "from backrub.intake import parse_intake\nfrom backrub.planner import plan_routine\n"
        "from backrub.verifier import check_routine\n"
        f"raw=json.loads({json.dumps(json.dumps(HOUR))})\nts=[]\n"
        f"for _ in range({inproc + 1}):\n"
        "    t=time.perf_counter(); check_routine(plan_routine(parse_intake(raw)))\n"
        "    ts.append(time.perf_counter()-t)\n"
        "print(statistics.median(ts[1:]))\n"
    )
    out = subprocess.run([str(python), "-c", snippet], check=True, capture_output=True, text=True, env=env)
    medians = [statistics.median(t) for t in times]
    return medians[0], medians[1], medians[2], medians[3], float(out.stdout.strip())


def in_process(runs: int) -> tuple[float, float]:
    """(cold first call, warm median) in seconds for plan + verify of the 60-minute intake."""
    from backrub.intake import parse_intake
    from backrub.planner import plan_routine
    from backrub.verifier import check_routine

    def once() -> None:
        routine = plan_routine(parse_intake(HOUR))
        assert check_routine(routine).ok

    start = time.perf_counter()
    once()
    cold = time.perf_counter() - start
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        once()
        times.append(time.perf_counter() - start)
    return cold, statistics.median(times)


def in_process_varied(runs: int) -> float:
    """Median seconds when every run plans a slightly different intake (fewer cache hits)."""
    from backrub.intake import parse_intake
    from backrub.planner import plan_routine
    from backrub.verifier import check_routine

    times = []
    for k in range(runs):
        knot = {"kind": "knot", "at": {"x_cm": -6 - k * 0.05, "y_cm": 30}}
        raw = {**HOUR, "spots": [*HOUR["spots"], knot]}
        start = time.perf_counter()
        check_routine(plan_routine(parse_intake(raw)))
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def profile_in_process(top: int = 25) -> None:
    from backrub.intake import parse_intake
    from backrub.planner import plan_routine
    from backrub.verifier import check_routine

    prof = cProfile.Profile()
    prof.enable()
    for _ in range(50):
        check_routine(plan_routine(parse_intake(HOUR)))
    prof.disable()
    pstats.Stats(prof).sort_stats("cumulative").print_stats(top)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="whole-process runs of each command")
    parser.add_argument("--inproc", type=int, default=200, help="in-process plan+verify runs")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the in-process work")
    parser.add_argument("--against", type=Path, help="another checkout to measure as the baseline")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as cache:
        base = baseline(args.against, args.runs, args.inproc, installed_env(cache)) if args.against else None
        bare, plan = (base[0], base[1]) if base else whole_process(args.runs, installed_env(cache))
    rows = []
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        # This shell compiles every module from source on each start: show that cost apart.
        raw_bare, raw_plan = whole_process(max(5, args.runs // 3), dict(os.environ))
        rows += [("plan vs bare, no bytecode cache", f"{raw_plan / raw_bare:8.2f} x",
                  f"({raw_plan * 1000:.0f} vs {raw_bare * 1000:.0f} ms; PYTHONDONTWRITEBYTECODE is set)")]
    cold, warm = in_process(args.inproc)
    varied = in_process_varied(min(args.inproc, 100))
    ratio = plan / bare
    rows = [
        ("python -c 'import json' (median)", f"{bare * 1000:8.1f} ms", ""),
        ("backrub plan --json (median)", f"{plan * 1000:8.1f} ms", ""),
        ("  ratio", f"{ratio:8.2f} x",
         f"<= {PROCESS_TARGET:g} x  {'ok' if ratio <= PROCESS_TARGET else 'MISSED'}"),
        *rows,
        ("plan+verify 60 min, first call", f"{cold * 1000:8.2f} ms", "(cold caches, for reference)"),
        ("plan+verify 60 min (median)", f"{warm * 1000:8.2f} ms",
         f"<= {INPROC_TARGET_MS:g} ms  {'ok' if warm * 1000 <= INPROC_TARGET_MS else 'MISSED'}"),
        ("plan+verify 60 min, new intakes", f"{varied * 1000:8.2f} ms",
         "(median; a different knot each run, for reference)"),
    ]
    if base is not None:
        _, _, b_bare, b_plan, b_warm = base
        rows += [
            (f"baseline {args.against}: plan", f"{b_plan * 1000:8.1f} ms",
             f"({b_plan / b_bare:.2f} x its bare {b_bare * 1000:.0f} ms)"),
            ("baseline plan+verify 60 min", f"{b_warm * 1000:8.2f} ms", "(median)"),
        ]
    print(f"backrub plan figures ({args.runs} process runs each, {args.inproc} in-process runs)")
    for name, value, target in rows:
        print(f"  {name:<34} {value}  {target}")
    if args.profile:
        profile_in_process()
    return 0 if ratio <= PROCESS_TARGET and warm * 1000 <= INPROC_TARGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
