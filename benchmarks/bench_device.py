"""Figures for issue 11 ("Handheld massagers").

Plan plus verify of a 60-minute routine in-process, with a device (the gate: plan, device pass,
verify) against the same intake without one (plan, verify), interleaved run by run in the same
process. Target: the median with a device at most 5 ms. The first (cold) call of each is reported.

Run: .venv/bin/python benchmarks/bench_device.py [--runs N] [--device ID] [--profile]
Exits 1 when the target is missed.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INTAKE = ROOT / "examples" / "intake.json"
HOUR = {**json.loads(INTAKE.read_text()), "minutes": 60, "pressure": "firm",
        "focus": ["shoulders", "lower_back"]}
TARGET_MS = 5.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--device", default="percussion-full")
    parser.add_argument("--profile", action="store_true", help="print where the device run spends its time")
    args = parser.parse_args()

    from backrub.gate import planned
    from backrub.intake import parse_intake
    from backrub.planner import plan_routine
    from backrub.verifier import check_routine

    def without() -> None:
        routine = plan_routine(parse_intake(HOUR))
        assert check_routine(routine).ok

    def with_device() -> None:
        routine = planned(parse_intake({**HOUR, "device": args.device}))  # raises unless verified
        assert any(s.device is not None for s in routine.steps)

    cold = {}
    for name, fn in (("without", without), ("with", with_device)):
        start = time.perf_counter()
        fn()
        cold[name] = time.perf_counter() - start
    base, dev = [], []
    for _ in range(args.runs):
        for fn, out in ((without, base), (with_device, dev)):
            start = time.perf_counter()
            fn()
            out.append(time.perf_counter() - start)
    if args.profile:
        prof = cProfile.Profile()
        prof.enable()
        for _ in range(50):
            with_device()
        prof.disable()
        pstats.Stats(prof).sort_stats("tottime").print_stats(20)
    b, d = statistics.median(base) * 1000, statistics.median(dev) * 1000
    steps = sum(1 for s in planned(parse_intake({**HOUR, "device": args.device})).steps if s.device)
    print(f"60-minute plan + verify, {args.runs} interleaved runs, device {args.device} "
          f"({steps} device steps)")
    print(f"  without a device: median {b:.2f} ms (cold first call {cold['without'] * 1000:.1f} ms)")
    print(f"  with the device:  median {d:.2f} ms (cold first call {cold['with'] * 1000:.1f} ms)")
    print(f"  ratio {d / b:.2f}x; target: with the device at most {TARGET_MS:g} ms -> "
          f"{'met' if d <= TARGET_MS else 'MISSED'}")
    return 0 if d <= TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
