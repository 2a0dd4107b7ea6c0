"""Figures for issue 2 ("The method as code").

(a) `backrub plan INTAKE --json` as a whole process, against a bare `python -c "import json"`
    from the same interpreter, interleaved run by run; target: median ratio at most 4x. The ratio
    to `python -c pass` is printed too, as a stricter second line.
(b) Planning plus verifying a 60-minute routine in-process; target: median at most 5 ms. Measured
    in rounds (a fresh process each), interleaved with the baseline's when `--against` is given.
    The first call (cold caches) is reported too.

Run: .venv/bin/python benchmarks/bench_plan.py [--runs N] [--inproc N] [--profile] [--against DIR]
`--against DIR` measures another checkout (e.g. /work/main, with its own .venv) in the same run,
interleaved for the process figures, as the baseline. Exits 1 when a target is missed. The load
average is printed beside the figures (wall-clock figures on a busy machine are not comparable
across runs; the ratios and CPU times of one run are).
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


CPU: dict[str, list[float]] = {}  # the CPU seconds (user + system) of each command's runs


def _time(cmd: list[str], env: dict[str, str]) -> float:
    """Wall seconds of one run; its CPU seconds are kept in CPU (a loaded machine adds less there)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise subprocess.CalledProcessError(proc.returncode, cmd)
    CPU.setdefault(" ".join(cmd), []).append(usage.ru_utime + usage.ru_stime)
    return wall


def cpu_median(cmd: list[str]) -> float:
    """The median CPU seconds of a command's runs so far."""
    return statistics.median(CPU[" ".join(cmd)])


def installed_env(cache: str) -> dict[str, str]:
    """The environment of an ordinary install: bytecode is cached (here in a temporary folder,
    so nothing is written into the source tree) even where the caller's shell turns it off."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = cache
    return env


def commands(python: Path, backrub: Path) -> list[list[str]]:
    """The bare interpreter (importing json, then a stricter `pass`) and `backrub plan --json`."""
    return [
        [str(python), "-c", "import json"],
        [str(python), "-c", "pass"],
        [str(backrub), "plan", str(INTAKE), "--json"],
    ]


def interleaved(cmds: list[list[str]], runs: int, env: dict[str, str]) -> list[float]:
    """Median wall seconds of each command, run in turn `runs` times over (a busy moment on a
    shared machine weighs on all alike); the first run of each warms the caches and is not counted."""
    for cmd in cmds:
        _time(cmd, env)
    times: list[list[float]] = [[] for _ in cmds]
    for _ in range(runs):
        for k, cmd in enumerate(cmds):
            times[k].append(_time(cmd, env))
    return [statistics.median(t) for t in times]


_SNIPPET = (
    "import json,statistics,time\n"
    "from backrub.intake import parse_intake\nfrom backrub.planner import plan_routine\n"
    "from backrub.verifier import check_routine\n"
    "raw=json.loads({raw})\nts=[]\n"
    "for _ in range({n}):\n"
    "    t=time.perf_counter(); assert check_routine(plan_routine(parse_intake(raw))).ok\n"
    "    ts.append(time.perf_counter()-t)\n"
    "print(statistics.median(ts[1:]))\n"
)


def in_process_rounds(pythons: list[Path], rounds: int, inproc: int, env: dict[str, str]) -> list[float]:
    """The in-process median of each interpreter's checkout, measured in turn, `rounds` times over
    (a fresh process each time; the first call of each is left out), so a busy moment on a shared
    machine weighs on both alike: the median of the round medians, per checkout."""
    snippet = _SNIPPET.format(raw=json.dumps(json.dumps(HOUR)), n=inproc + 1)
    got: list[list[float]] = [[] for _ in pythons]
    for _ in range(rounds):
        for k, python in enumerate(pythons):
            cmd = [str(python), "-c", snippet]
            out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env)
            got[k].append(float(out.stdout.strip()))
    return [statistics.median(g) for g in got]


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
    parser.add_argument("--inproc", type=int, default=100, help="in-process plan+verify runs per round")
    parser.add_argument("--rounds", type=int, default=5, help="in-process rounds, interleaved with --against")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the in-process work")
    parser.add_argument("--against", type=Path, help="another checkout to measure as the baseline")
    args = parser.parse_args()

    own = commands(Path(sys.executable), BACKRUB)
    other = commands(args.against / ".venv" / "bin" / "python", args.against / ".venv" / "bin" / "backrub") \
        if args.against else []
    load = os.getloadavg()
    with tempfile.TemporaryDirectory() as cache:
        env = installed_env(cache)
        medians = interleaved(own + other, args.runs, env)
        bare, passed, plan = medians[:3]
        pythons = [Path(sys.executable)]
        if args.against:
            pythons.append(args.against / ".venv" / "bin" / "python")
        rounds = in_process_rounds(pythons, args.rounds, args.inproc, env)
    # CPU medians of the same runs, taken before the uncached runs below add to them.
    cpu_bare, cpu_pass, cpu_plan = (cpu_median(cmd) for cmd in own)
    rows = []
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        # This shell compiles every module from source on each start: show that cost apart.
        raw_bare, _, raw_plan = interleaved(own, max(5, args.runs // 3), dict(os.environ))
        rows += [("plan vs bare, no bytecode cache", f"{raw_plan / raw_bare:8.2f} x",
                  f"({raw_plan * 1000:.0f} vs {raw_bare * 1000:.0f} ms; PYTHONDONTWRITEBYTECODE is set)")]
    cold, _ = in_process(3)
    warm = rounds[0]
    varied = in_process_varied(min(args.inproc, 100))
    ratio = plan / bare
    rows = [
        ("python -c 'import json' (median)", f"{bare * 1000:8.1f} ms", ""),
        ("python -c pass (median)", f"{passed * 1000:8.1f} ms", ""),
        ("backrub plan --json (median)", f"{plan * 1000:8.1f} ms", ""),
        ("  ratio", f"{ratio:8.2f} x",
         f"<= {PROCESS_TARGET:g} x  {'ok' if ratio <= PROCESS_TARGET else 'MISSED'}"),
        ("  the same in CPU time", f"{cpu_plan / cpu_bare:8.2f} x",
         f"({cpu_plan * 1000:.0f} vs {cpu_bare * 1000:.0f} ms user+system; for reference on a busy machine)"),
        ("  ratio to python -c pass", f"{plan / passed:8.2f} x",
         f"(stricter; in CPU time {cpu_plan / cpu_pass:.2f} x, {cpu_pass * 1000:.0f} ms)"),
        *rows,
        ("plan+verify 60 min, first call", f"{cold * 1000:8.2f} ms", "(cold caches, for reference)"),
        ("plan+verify 60 min (median)", f"{warm * 1000:8.2f} ms",
         f"<= {INPROC_TARGET_MS:g} ms  {'ok' if warm * 1000 <= INPROC_TARGET_MS else 'MISSED'}"
         f"  (median of {args.rounds} rounds of {args.inproc})"),
        ("plan+verify 60 min, new intakes", f"{varied * 1000:8.2f} ms",
         "(median; a different knot each run, for reference)"),
    ]
    if args.against:
        b_bare, b_pass, b_plan = medians[3:]
        b_cpu_bare, b_cpu_pass, b_cpu_plan = (cpu_median(cmd) for cmd in other)
        b_warm = rounds[1]
        rows += [
            (f"baseline {args.against}: plan", f"{b_plan * 1000:8.1f} ms",
             f"({b_plan / b_bare:.2f} x its bare {b_bare * 1000:.0f} ms, CPU {b_cpu_plan / b_cpu_bare:.2f} x;"
             f" {b_plan / b_pass:.2f} x its -c pass, CPU {b_cpu_plan / b_cpu_pass:.2f} x)"),
            ("  this one against it", f"{plan / b_plan:8.2f} x",
             f"(wall; CPU {cpu_plan / b_cpu_plan:.2f} x)"),
            ("baseline plan+verify 60 min", f"{b_warm * 1000:8.2f} ms",
             f"(median, rounds interleaved with this checkout's; this one is {warm / b_warm:.2f} x it)"),
        ]
    load_after = os.getloadavg()
    print(f"backrub plan figures ({args.runs} process runs each, {args.inproc} in-process runs; "
          f"load average {load[0]:.2f} before, {load_after[0]:.2f} after)")
    for name, value, target in rows:
        print(f"  {name:<34} {value}  {target}")
    if args.profile:
        profile_in_process()
    return 0 if ratio <= PROCESS_TARGET and warm * 1000 <= INPROC_TARGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
