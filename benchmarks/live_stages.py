"""Where the live coach's answer to feedback spends its time, on the server: a launcher for
bench_live.py / bench_live_browser.py (`BENCH_SERVER`) that runs `backrub serve` with each stage of
the WebSocket handler timed from outside (the functions are wrapped at start-up; no code is changed):

  Coach.handle (all of it) > session.adapt (replan, verify, JSON) > gate.replanned, routine_json;
  Store.record_async (the commit); _broadcast (the send).

The times (ms) are written as JSON on exit to $LIVE_STAGES (default live-stages.json), with a
cProfile of `adapt` beside it when LIVE_STAGES_PROFILE=1. Then `python benchmarks/live_stages.py
--report FILE` prints median and p95 per stage.

Run:  BENCH_SERVER=benchmarks/live_stages.py LIVE_STAGES=/tmp/stages.json \\
        .venv/bin/python benchmarks/bench_live.py --n 200
      .venv/bin/python benchmarks/live_stages.py --report /tmp/stages.json
"""

from __future__ import annotations

import atexit
import cProfile
import json
import os
import signal
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

STAGES = ("handle", "adapt", "replanned", "routine_json", "record", "broadcast")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def report(path: str) -> int:
    with open(path, encoding="utf-8") as f:
        times: dict[str, list[float]] = json.load(f)
    for name in STAGES:
        v = times.get(name) or []
        if v:
            print(f"{name:<13} n={len(v):<5} median {statistics.median(v):7.2f} ms   p95 {pct(v, 95):7.2f} ms"
                  f"   max {max(v):7.2f} ms")
    return 0


def serve(port: str) -> int:
    import backrub.web.live as live
    import backrub.web.session as session
    from backrub.cli import main

    out = os.environ.get("LIVE_STAGES", "live-stages.json")
    times: dict[str, list[float]] = {name: [] for name in STAGES}
    profile = cProfile.Profile() if os.environ.get("LIVE_STAGES_PROFILE") else None

    def timed(owner: Any, attr: str, name: str, profiled: bool = False) -> None:
        inner: Callable[..., Any] = getattr(owner, attr)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            if profiled and profile:
                profile.enable()
            try:
                return inner(*args, **kwargs)
            finally:
                if profiled and profile:
                    profile.disable()
                times[name].append((time.perf_counter() - start) * 1000)
        setattr(owner, attr, wrapper)

    def timed_async(owner: Any, attr: str, name: str) -> None:
        inner: Callable[..., Any] = getattr(owner, attr)

        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return await inner(*args, **kwargs)
            finally:
                times[name].append((time.perf_counter() - start) * 1000)
        setattr(owner, attr, wrapper)

    timed(session, "adapt", "adapt", profiled=True)
    timed(session, "replanned", "replanned")
    timed(session, "routine_json", "routine_json")
    timed_async(live, "_broadcast", "broadcast")
    timed_async(live.Store, "record_async", "record")
    timed_async(live.Coach, "handle", "handle")

    def dump() -> None:
        with open(out, "w", encoding="utf-8") as f:
            json.dump(times, f)
        if profile:
            profile.dump_stats(out + ".prof")
    atexit.register(dump)
    # uvicorn raises the SIGTERM it caught again once it has shut down: write the times then.
    signal.signal(signal.SIGTERM, lambda *_: (dump(), os._exit(0)))
    return main(["serve", "--port", port])


if __name__ == "__main__":
    if sys.argv[1:2] == ["--report"]:
        raise SystemExit(report(sys.argv[2]))
    raise SystemExit(serve(sys.argv[-1]))
