"""A worker's memory over a long day, under the collector thresholds `backrub serve` sets.

`backrub serve` raises the collector's thresholds after its start-up freeze (web/server.py): full
passes come far more rarely, so reference cycles wait longer to be freed. This soak watches what
that costs. One `backrub serve` worker on SQLite (in a temporary folder; the collector's work is
the same on PostgreSQL, the worker's heap holds the same sessions) serves `--sessions` live
sessions at once for `--minutes`, and clients come and go as in a real day: each plans a session
(POST /api/sessions, an intake that varies), holds its WebSocket for a while (`--life`, minutes),
sends feedback every few seconds (`--gap`: softer/firmer, now and then skip or pain at a place),
ends the session and leaves; another client takes its place at once. So the memory of ended
sessions must come back for the worker to stay flat.

The worker is measured from outside: its resident memory (VmRSS of /proc/PID/status) every
`--every` seconds, and the kernel's high-water mark (VmHWM). Printed per tree: RSS idle before
the load, once every first session was connected, the peak, at the end of the load, and 10 s
after the last client left; the slope of RSS over the last half of the load (least squares, MB per
10 minutes); the feedback round trip's p50/p99 (sent to replanned routine received) and the plan's;
the worker's CPU per feedback answered; the load average beside it.

`--base NAME=OTHER/src` runs another tree's code too (e.g. a scratch copy with the
`gc.set_threshold` line removed), right after this one's with the same load: one load at a time.

Run: .venv/bin/python benchmarks/soak_memory.py [--sessions 300] [--minutes 10] [--life 1,4]
     [--gap 5,15] [--every 5] [--base NAME=OTHER_TREE/src ...]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.web.cluster import Cluster  # noqa: E402

sys.path.insert(0, str(ROOT / "benchmarks"))
from bench_live_load import cpu_seconds, kind_of  # noqa: E402
from bench_workers import INTAKE, pct  # noqa: E402

PLANNING = 8  # sessions planned at once (a connect storm of plans is not what is measured)
QUIET_S = 10.0  # after the last client left, before the "after" figure


@dataclass(slots=True, kw_only=True)
class Tally:
    """What the clients of one run saw (filled in as they go)."""

    feedback: list[tuple[float, float]] = field(default_factory=list)  # (when, ms)
    plans: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    started: int = 0
    ended: int = 0
    connected: set[int] = field(default_factory=set)  # slots whose first session is connected

    def error(self, code: str) -> None:
        self.errors[code] = self.errors.get(code, 0) + 1


def _intake(rng: random.Random) -> dict[str, Any]:
    """The example intake, varied as givers vary (length, pressure, focus)."""
    return {**INTAKE, "minutes": rng.choice((20, 30, 45)), "pressure": rng.choice(("light", "medium")),
            "focus": rng.choice((["shoulders"], ["lower_back"], ["shoulders", "upper_back"]))}


def _message(seq: int, rng: random.Random) -> dict[str, Any]:
    roll = rng.random()
    if roll < 0.1:
        return {"type": "skip", "seq": seq}
    if roll < 0.2:  # somewhere off the spine, on the back
        at = {"x_cm": round(rng.choice((-1, 1)) * rng.uniform(4, 14), 1),
              "y_cm": round(rng.uniform(10, 45), 1)}
        return {"type": "feedback", "kind": "pain", "at": at, "seq": seq}
    return {"type": "feedback", "kind": rng.choice(("softer", "firmer")), "seq": seq}


async def _answer(ws: Any, wanted: tuple[str, ...]) -> bytes | str:
    """The first message of one of the `wanted` types (or an error); read by its type only."""
    while True:
        got = await ws.recv(decode=False)
        if kind_of(got) in (*wanted, "error"):
            return got


async def _client(slot: int, http: httpx.AsyncClient, ws_url: str, until: float, life: tuple[float, float],
                  gap: tuple[float, float], gate: asyncio.Semaphore, rng: random.Random,
                  tally: Tally) -> None:
    """One slot of the day: a client after another, each planning a session, using it, ending it."""
    from websockets.asyncio.client import connect

    first = True
    while time.perf_counter() < until:
        start = time.perf_counter()
        async with gate:
            made = await http.post("/api/sessions", json=_intake(rng))
        tally.plans.append((time.perf_counter() - start) * 1000)
        if made.status_code != 201:
            tally.error(f"plan {made.status_code}")
            await asyncio.sleep(1.0)
            continue
        tally.started += 1
        sid = made.json()["id"]
        # The first sessions end spread over the first life span, so the day has no wave of ends.
        span = rng.uniform(0.0, life[1]) if first else rng.uniform(*life)
        end_at = min(until, time.perf_counter() + 60.0 * span)
        async with connect(f"{ws_url}/api/sessions/{sid}/live", max_size=None, open_timeout=120) as ws:
            await ws.send("{}")  # the worker holds the session once it answered a message
            await ws.recv()
            tally.connected.add(slot)
            first = False
            seq = 0
            await asyncio.sleep(min(rng.uniform(0, gap[1]), max(0.0, end_at - time.perf_counter())))
            while time.perf_counter() < end_at:
                message = _message(seq, rng)
                sent = time.perf_counter()
                await ws.send(json.dumps(message))
                got = await _answer(ws, ("routine",))
                if kind_of(got) == "error":
                    tally.error(str(json.loads(got).get("code", "?")))
                else:
                    tally.feedback.append((sent, (time.perf_counter() - sent) * 1000))
                seq += 1
                await asyncio.sleep(min(rng.uniform(*gap), max(0.0, end_at - time.perf_counter())))
            outcome = {"relaxation_after": rng.randint(5, 9)}
            await ws.send(json.dumps({"type": "end", "seq": seq, "outcome": outcome}))
            if kind_of(await _answer(ws, ("ack",))) == "error":
                tally.error("end")
        tally.ended += 1


def rss_kb(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of a process in kB, from /proc/PID/status."""
    lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    got = dict(line.split(":", 1) for line in lines if ":" in line)
    return int(got["VmRSS"].split()[0]), int(got["VmHWM"].split()[0])


async def _sample(pid: int, every: float, samples: list[tuple[float, int]], stop: asyncio.Event) -> None:
    while not stop.is_set():
        samples.append((time.perf_counter(), rss_kb(pid)[0]))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), every)


async def _day(cluster: Cluster, sessions: int, seconds: float, life: tuple[float, float],
               gap: tuple[float, float], every: float) -> dict[str, Any]:
    pid = cluster.server.pid
    idle = rss_kb(pid)[0]
    samples: list[tuple[float, int]] = []
    stop = asyncio.Event()
    tally = Tally()
    rng = random.Random(7)
    limits = httpx.Limits(max_connections=PLANNING, max_keepalive_connections=PLANNING)
    async with httpx.AsyncClient(base_url=f"http://{cluster.front}", timeout=120, limits=limits) as http:
        sampler = asyncio.create_task(_sample(pid, every, samples, stop))
        cpu0, begin = cpu_seconds(pid), time.perf_counter()
        until = begin + seconds
        gate = asyncio.Semaphore(PLANNING)
        clients = [asyncio.create_task(_client(i, http, f"ws://{cluster.front}", until, life, gap, gate,
                                               random.Random(rng.random()), tally)) for i in range(sessions)]
        ramped: tuple[float, int] | None = None
        while not all(c.done() for c in clients):
            await asyncio.sleep(0.5)
            if ramped is None and len(tally.connected) == sessions:
                ramped = (time.perf_counter() - begin, rss_kb(pid)[0])
        failed = [c.exception() for c in clients if c.exception() is not None]
        wall, cpu = time.perf_counter() - begin, cpu_seconds(pid) - cpu0
        load_end = os.getloadavg()[0]
        await asyncio.sleep(QUIET_S)
        stop.set()
        await sampler
    after, hwm = rss_kb(pid)
    return {"idle": idle, "ramped": ramped, "samples": [(t - begin, kb) for t, kb in samples], "after": after,
            "hwm": hwm, "feedback": [(t - begin, ms) for t, ms in tally.feedback], "plans": tally.plans,
            "errors": tally.errors, "started": tally.started, "ended": tally.ended, "wall": wall, "cpu": cpu,
            "failed": [repr(f) for f in failed[:3]], "failed_n": len(failed), "load_end": load_end,
            "seconds": seconds}


def slope_mb_per_10min(points: list[tuple[float, int]]) -> float:
    """Least-squares slope of RSS (kB samples at seconds) in MB per 10 minutes."""
    if len(points) < 3:
        return float("nan")
    ts, kbs = [t for t, _ in points], [kb / 1024 for _, kb in points]
    mt, mk = statistics.fmean(ts), statistics.fmean(kbs)
    den = sum((t - mt) ** 2 for t in ts)
    if not den:
        return float("nan")
    return 600.0 * sum((t - mt) * (k - mk) for t, k in zip(ts, kbs, strict=True)) / den


def report(runs: dict[str, dict[str, Any]], args: argparse.Namespace) -> None:
    print(f"\n{args.sessions} live sessions held at once on 1 worker (SQLite), {args.minutes:g} min; "
          f"each client stays {args.life} min, feedback every {args.gap} s; RSS in MB of the worker "
          "(from /proc)")
    print(f"{'':<22}{'idle':>7}{'ramped':>8}{'peak':>7}{'HWM':>7}{'end':>7}{'after':>7}{'slope/10min':>12}"
          f"{'fb n':>7}{'fb p50':>8}{'fb p99':>8}{'plan p50':>9}{'plan p99':>9}{'cpu ms/fb':>10}{'load':>6}")
    for name, r in runs.items():
        under = [(t, kb) for t, kb in r["samples"] if t <= r["wall"]]
        half = [(t, kb) for t, kb in under if t >= r["seconds"] / 2]
        ramp_at = r["ramped"][0] if r["ramped"] else r["wall"]
        fb = [ms for t, ms in r["feedback"] if t >= ramp_at]  # the day, not the morning's rush of plans
        ramped = f"{r['ramped'][1] / 1024:.0f}" if r["ramped"] else "-"
        print(f"{name:<22}{r['idle'] / 1024:>7.0f}{ramped:>8}{max(kb for _, kb in under) / 1024:>7.0f}"
              f"{r['hwm'] / 1024:>7.0f}{under[-1][1] / 1024:>7.0f}{r['after'] / 1024:>7.0f}"
              f"{slope_mb_per_10min(half):>+12.1f}{len(fb):>7}{pct(fb, 0.5):>8.1f}{pct(fb, 0.99):>8.1f}"
              f"{pct(r['plans'], 0.5):>9.1f}{pct(r['plans'], 0.99):>9.1f}"
              f"{1000 * r['cpu'] / max(1, len(r['feedback'])):>10.1f}{r['load_end']:>6.2f}")
    print("(ramped: once every first session was connected; HWM: the kernel's high-water mark; end: the "
          "last sample under load; after: 10 s after the last client left; fb: feedback -> routine in ms "
          "after the ramp; cpu: the worker's CPU per feedback answered, plans included; load: 1-min load "
          "average at the end)")
    for name, r in runs.items():
        per_min: dict[int, int] = {}
        for t, kb in r["samples"]:
            per_min.setdefault(int(t // 60), kb)
        marks = " ".join(f"{kb / 1024:.0f}" for _, kb in sorted(per_min.items()))
        ramp = f"ramped at {r['ramped'][0]:.0f} s" if r["ramped"] else "never all connected"
        print(f"{name}: RSS MB at each minute: {marks}; sessions started {r['started']}, ended {r['ended']}; "
              f"{ramp}; errors {r['errors'] or 'none'}"
              + (f"; clients failed: {r['failed_n']}, e.g. {r['failed']}" if r["failed_n"] else ""))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sessions", type=int, default=300, help="live sessions held at once")
    ap.add_argument("--minutes", type=float, default=10.0, help="length of each tree's load")
    ap.add_argument("--life", default="1,4", help="minutes a client keeps its session, low,high (random)")
    ap.add_argument("--gap", default="5,15", help="seconds between one session's feedback, low,high (random)")
    ap.add_argument("--every", type=float, default=5.0, help="seconds between RSS samples")
    ap.add_argument("--base", action="append", default=[], metavar="NAME=SRC",
                    help="also run another tree's src folder, after this one, with the same load")
    ap.add_argument("--json", help="write every sample and latency here too")
    args = ap.parse_args()
    life = tuple(float(x) for x in args.life.split(","))
    gap = tuple(float(x) for x in args.gap.split(","))
    if len(life) != 2 or len(gap) != 2 or args.sessions < 1 or args.minutes <= 0:
        ap.error("--life and --gap take low,high; --sessions and --minutes must be positive")
    trees: dict[str, str | None] = {"this tree": None, **dict(b.split("=", 1) for b in args.base)}
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at the start", flush=True)
    runs: dict[str, dict[str, Any]] = {}
    for name, src in trees.items():
        with tempfile.TemporaryDirectory() as tmp:
            cluster = Cluster(f"sqlite:///{tmp}/soak.db", 1, haproxy=False, src=src)
            try:
                runs[name] = asyncio.run(_day(cluster, args.sessions, 60.0 * args.minutes,
                                              (life[0], life[1]), (gap[0], gap[1]), args.every))
            finally:
                cluster.close()
        print(f"  {name}: done (load {os.getloadavg()[0]:.2f})", flush=True)
    report(runs, args)
    if args.json:
        Path(args.json).write_text(json.dumps(runs))
    print(f"load average {os.getloadavg()[0]:.2f} at the end")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
