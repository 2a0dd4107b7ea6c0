"""Figures for issue 3 (live coach), part 1: feedback -> new remaining routine over the WebSocket.

A real `backrub serve` (uvicorn, SQLite in a temporary folder) on loopback. One client sends
feedback (softer, firmer in turn) and waits for the replanned, verified routine; the time is
from sending to having the whole `routine` message. Baseline: a bare WebSocket echo on the same
server, same connection pattern, measured in the same run, interleaved.
Targets: median <= 20 ms, p95 <= 50 ms.

Run: .venv/bin/python benchmarks/bench_live.py [--n 300]   (exits 1 when a target is missed)
BENCH_SERVER="path/to/launcher.py" runs the server through another script (given the port last),
for instance one that times the server's own handling.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import httpx
from websockets.sync.client import connect

ROOT = Path(__file__).resolve().parents[1]
INTAKE = json.loads((ROOT / "examples" / "intake.json").read_text())
MEDIAN_MS, P95_MS = 20.0, 50.0
warnings.filterwarnings("ignore", message=r"connect\(\) must be used as a context manager")


class Server:
    """`backrub serve` in its own process on a free port with a fresh SQLite database."""

    def __init__(self) -> None:
        self.tmp = tempfile.TemporaryDirectory()
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url, self.ws = f"http://127.0.0.1:{self.port}", f"ws://127.0.0.1:{self.port}"
        env = {**os.environ, "BACKRUB_DATABASE_URL": f"sqlite:///{self.tmp.name}/bench.db",
               "PYTHONUNBUFFERED": "1"}
        command = os.environ.get("BENCH_SERVER", "-m backrub serve --port").split()
        self.proc = subprocess.Popen([sys.executable, *command, str(self.port)], env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if "http://" not in line:
            raise SystemExit(f"server did not start: {line}")

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)
        self.tmp.cleanup()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def row(name: str, values: list[float]) -> str:
    return (f"{name:<34} n={len(values):<5} median {statistics.median(values):7.2f} ms   "
            f"p95 {pct(values, 95):7.2f} ms   p99 {pct(values, 99):7.2f} ms   max {max(values):7.2f} ms")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=300)
    args = ap.parse_args()
    feedback_ms: list[float] = []
    echo_ms: list[float] = []
    with Server() as server, httpx.Client(base_url=server.url) as http:
        echo = connect(f"{server.ws}/api/echo", max_size=None)
        sid, ws = "", None
        probe = json.dumps({"type": "feedback", "kind": "softer", "pad": "x" * 40})
        for i in range(args.n + 20):
            if i % 100 == 0:  # a fresh session now and then, so the massage never runs out
                if ws is not None:
                    ws.close()
                sid = http.post("/api/sessions", json=INTAKE).json()["id"]
                ws = connect(f"{server.ws}/api/sessions/{sid}/live", max_size=None)
            assert ws is not None
            kind = ("softer", "firmer")[i % 2]
            start = time.perf_counter()
            ws.send(json.dumps({"type": "feedback", "kind": kind, "seq": i}))
            while True:
                msg = json.loads(ws.recv(timeout=10))
                if msg["type"] == "routine":
                    break
                if msg["type"] == "error":
                    raise SystemExit(f"server answered an error: {msg}")
            took = (time.perf_counter() - start) * 1000
            start = time.perf_counter()
            echo.send(probe)
            echo.recv(timeout=10)
            echo_took = (time.perf_counter() - start) * 1000
            if i >= 20:  # warm-up not counted
                feedback_ms.append(took)
                echo_ms.append(echo_took)
        routine_bytes = len(json.dumps(msg))
        echo.close()
        if ws is not None:
            ws.close()
    print("Feedback -> new remaining routine over the WebSocket (loopback, real server, SQLite)")
    print(f"  routine message: {routine_bytes / 1024:.0f} KiB; 30-minute example intake")
    print("  " + row("feedback round trip", feedback_ms))
    print("  " + row("baseline: bare echo, same server", echo_ms))
    med, p95 = statistics.median(feedback_ms), pct(feedback_ms, 95)
    ok = med <= MEDIAN_MS and p95 <= P95_MS
    print(f"  target: median <= {MEDIAN_MS:g} ms, p95 <= {P95_MS:g} ms -> {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
