"""Figures for issue 3 (live coach), part 3: 200 concurrent live sessions, driven by a separate
load process (this one) against `backrub serve` (its own process, SQLite, loopback).

Every session holds its WebSocket open and sends feedback (softer / firmer, now and then skip)
every 5-15 s at random (--gap), many times more often than a real giver would (a lively
session has a few a minute at most); the round trip runs from sending
to the replanned routine received. In the same run and window, 20 clients ping the server's bare
WebSocket echo every 250 ms: the baseline of what any message costs on that loaded server.
Target: feedback round trip p99 <= 100 ms.

Run: .venv/bin/python benchmarks/bench_live_load.py [--sessions 200] [--seconds 40]
(exits 1 when the target is missed)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import websockets

sys.path.insert(0, str(Path(__file__).parent))
from bench_live import INTAKE, Server, pct

P99_MS = 100.0


async def session(ws_url: str, sid: str, until: float, rng: random.Random, gap: tuple[float, float],
                  out: list[float], errors: list[str]) -> None:
    async with websockets.connect(f"{ws_url}/api/sessions/{sid}/live", max_size=None) as ws:
        seq = 0
        await asyncio.sleep(rng.uniform(0, gap[1]))
        while time.perf_counter() < until:
            await feedback_round(ws, seq, rng, out, errors)
            seq += 1
            await asyncio.sleep(rng.uniform(*gap))


async def feedback_round(ws: Any, seq: int, rng: random.Random, out: list[float], errors: list[str]) -> None:
    """Send one feedback (softer or firmer, now and then a skip) and wait for the replanned routine:
    its round trip in ms goes to `out`, a refusal's code to `errors` (bench_workers uses it too)."""
    kind = "skip" if rng.random() < 0.1 else rng.choice(("softer", "firmer"))
    message = {"type": "skip", "seq": seq} if kind == "skip" else \
        {"type": "feedback", "kind": kind, "seq": seq}
    start = time.perf_counter()
    await ws.send(json.dumps(message))
    while True:
        # Only the answer's kind is read (the load shares the cores it measures): a routine, whole
        # or as its tail, is never parsed; an error, rare, is.
        got = await ws.recv(decode=False)
        kind = kind_of(got)
        if kind in ("routine", "error"):
            break
    if kind == "error":
        errors.append(str(json.loads(got).get("code", "?")))
    else:
        out.append((time.perf_counter() - start) * 1000)


_KIND = re.compile(rb'"type"\s*:\s*"([a-z_]+)"')


def kind_of(data: bytes | str) -> str:
    """The `type` of a server message, read from its first bytes (every message the coach sends
    names its type first); the whole message parsed only when it does not."""
    raw = data.encode() if isinstance(data, str) else data
    found = _KIND.match(raw, 1, 80) if raw[:1] == b"{" else None
    if found is not None:
        return found.group(1).decode()
    return str(json.loads(raw).get("type", "?"))


async def echo(ws_url: str, until: float, out: list[float]) -> None:
    async with websockets.connect(f"{ws_url}/api/echo") as ws:
        await echo_loop(ws, until, out)


async def echo_loop(ws: Any, until: float, out: list[float]) -> None:
    """Ping the bare echo every 250 ms until `until`, each round trip in ms to `out` (the baseline)."""
    while time.perf_counter() < until:
        start = time.perf_counter()
        await ws.send('{"type":"ping"}')
        await ws.recv(decode=False)
        out.append((time.perf_counter() - start) * 1000)
        await asyncio.sleep(0.25)


async def run(server: Server, sessions: int, seconds: float,
              gap: tuple[float, float]) -> tuple[list[float], list[float], list[str]]:
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
        gate = asyncio.Semaphore(8)

        async def make() -> str:
            async with gate:
                return str((await http.post("/api/sessions", json=INTAKE)).json()["id"])

        ids = await asyncio.gather(*(make() for _ in range(sessions)))
    feedback: list[float] = []
    echoes: list[float] = []
    errors: list[str] = []
    until = time.perf_counter() + seconds
    rng = random.Random(3)
    await asyncio.gather(*(session(server.ws, sid, until, random.Random(rng.random()), gap, feedback, errors)
                           for sid in ids), *(echo(server.ws, until, echoes) for _ in range(20)))
    return feedback, echoes, errors


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sessions", type=int, default=200)
    ap.add_argument("--seconds", type=float, default=40.0)
    ap.add_argument("--gap", default="5,15", help="seconds between one session's feedback: low,high (random)")
    args = ap.parse_args()
    gap = tuple(float(g) for g in args.gap.split(","))
    with Server() as server:
        load0, server0 = time.process_time(), cpu_seconds(server.proc.pid)
        wall0 = time.perf_counter()
        feedback, echoes, errors = asyncio.run(run(server, args.sessions, args.seconds, gap))
        wall = time.perf_counter() - wall0
        load_cpu, server_cpu = time.process_time() - load0, cpu_seconds(server.proc.pid) - server0
    rate = len(feedback) / args.seconds
    print(f"  CPU over {wall:.0f} s: server {server_cpu / wall:.2f} cores, "
          f"load process {load_cpu / wall:.2f} cores (machine: {os.cpu_count()} cores)")
    print(f"{args.sessions} concurrent live sessions, {args.seconds:g} s, "
          f"feedback every {gap[0]:g}-{gap[1]:g} s per session; separate load process, loopback")
    print(f"  feedback answered: {len(feedback)} ({rate:.0f}/s), errors: {len(errors)}")
    for name, values in (("feedback -> routine", feedback), ("baseline: bare echo, same run", echoes)):
        print(f"  {name:<30} n={len(values):<6} median {statistics.median(values):7.2f} ms   "
              f"p95 {pct(values, 95):7.2f} ms   p99 {pct(values, 99):7.2f} ms   max {max(values):7.2f} ms")
    ok = pct(feedback, 99) <= P99_MS and not errors
    print(f"  target: feedback p99 <= {P99_MS:g} ms -> {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
