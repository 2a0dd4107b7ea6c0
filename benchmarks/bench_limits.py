"""Figures for issue 9 (hardening): no request can freeze the coach, and limits answer fast.

A real `backrub serve` (uvicorn, SQLite in a temporary folder) on loopback.

1. Flood: client A reports "pain here" N times (default 500), each at a new place, on one live
   session; meanwhile client B posts /api/screen and sends "softer"/"firmer" on its own session.
   B's latencies (p50, p99) are reported beside the same requests on the idle server, measured in
   the same run first. Target: B's p99 <= 100 ms for both.
2. The largest accepted requests: intakes at every list limit (24 spots placed at random, seeded,
   the worst of them) on /api/plan, and a routine at the routine reader's limits on /api/check.
   Target: <= 1 s each.
3. Past the limits: a 10.5 MB body, 100,000 spots (413), 25 spots (422): time to the answer and
   the server's memory (RSS) before and after. Targets: <= 50 ms, growth <= 50 MB.

Run: .venv/bin/python benchmarks/bench_limits.py [--pains 500] [--src OTHER/src]
`--src` serves another checkout's code (e.g. the code before this issue, for a baseline; give
--pains 100 there, as its replans grow to seconds).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from websockets.sync.client import connect

ROOT = Path(__file__).resolve().parents[1]
JSON = {"content-type": "application/json"}


class Server:
    def __init__(self, src: str | None) -> None:
        self.tmp = tempfile.TemporaryDirectory()
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url, self.ws = f"http://127.0.0.1:{self.port}", f"ws://127.0.0.1:{self.port}"
        env = {**os.environ, "BACKRUB_DATABASE_URL": f"sqlite:///{self.tmp.name}/bench.db",
               "PYTHONUNBUFFERED": "1"}
        if src:
            env["PYTHONPATH"] = src
        self.proc = subprocess.Popen([sys.executable, "-m", "backrub", "serve", "--port", str(self.port)],
                                     env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        assert self.proc.stdout is not None
        banner = self.proc.stdout.readline()
        if "http://" not in banner:
            raise SystemExit(f"server did not start: {banner}")

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)
        self.tmp.cleanup()


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def shown(values: list[float]) -> str:
    return f"p50 {pct(values, 0.5):.1f} ms, p99 {pct(values, 0.99):.1f} ms, n={len(values)}"


def start(http: httpx.Client, intake: dict[str, Any]) -> str:
    made = http.post("/api/sessions", json=intake)
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


def b_round(http: httpx.Client, ws: Any, seq: int) -> tuple[float, float]:
    """One of B's requests: a screening, then one live change answered with its routine."""
    t = time.perf_counter()
    assert http.post("/api/screen", json={"minutes": 30}).status_code == 200
    screen_s = time.perf_counter() - t
    t = time.perf_counter()
    ws.send(json.dumps({"type": "feedback", "kind": "softer" if seq % 2 else "firmer", "seq": seq}))
    while True:  # the ack, then the routine (or why there is none)
        answer = json.loads(ws.recv(timeout=120))
        if answer["type"] != "ack":
            break
    return screen_s, time.perf_counter() - t


def flood(server: Server, pains: int) -> dict[str, Any]:
    rng = random.Random(9)
    with httpx.Client(base_url=server.url, timeout=120) as http:
        b_ws = connect(f"{server.ws}/api/sessions/{start(http, {'minutes': 60})}/live", open_timeout=10)
        idle = [b_round(http, b_ws, seq) for seq in range(40)]
        a_sid = start(http, {"minutes": 60})
        done = threading.Event()
        sent = {"n": 0, "refused": 0}

        def a_client() -> None:
            with connect(f"{server.ws}/api/sessions/{a_sid}/live", open_timeout=10) as ws:
                for seq in range(pains):
                    at = {"x_cm": round(rng.uniform(-14, 14), 1), "y_cm": round(rng.uniform(3, 48), 1)}
                    ws.send(json.dumps({"type": "feedback", "kind": "pain", "at": at, "seq": seq}))
                    answer = json.loads(ws.recv(timeout=600))
                    if answer["type"] == "ack":
                        answer = json.loads(ws.recv(timeout=600))
                    sent["n"] += 1
                    sent["refused"] += answer["type"] == "error"
            done.set()

        thread = threading.Thread(target=a_client)
        t0 = time.perf_counter()
        thread.start()
        busy = []
        seq = 1000
        while not done.is_set():
            busy.append(b_round(http, b_ws, seq))
            seq += 1
        thread.join()
        flood_s = time.perf_counter() - t0
        b_ws.close()
    return {"idle_screen": [s for s, _ in idle], "idle_live": [f for _, f in idle],
            "busy_screen": [s for s, _ in busy], "busy_live": [f for _, f in busy],
            "pains": sent["n"], "refused": sent["refused"], "flood_s": flood_s}


def worst_intakes(n: int = 12) -> list[dict[str, Any]]:
    rng = random.Random(24)
    out = []
    for _ in range(n):
        spots = [{"kind": rng.choice(["pain", "knot", "wound", "tension"]),
                  "at": {"x_cm": round(rng.uniform(-17, 17), 1), "y_cm": round(rng.uniform(0, 55), 1)},
                  "radius_cm": rng.choice([0.5, 1.5, 3, 6])} for _ in range(24)]
        out.append({"minutes": 60, "position": rng.choice(["prone", "side_lying"]), "spots": spots,
                    "focus": ["shoulders", "lower_back", "upper_back", "neck", "arms", "mid_back"],
                    "conditions": ["blood_thinners", "osteoporosis"]})
    return out


def largest(server: Server) -> dict[str, float]:
    with httpx.Client(base_url=server.url, timeout=120) as http:
        plans = []
        for intake in worst_intakes():
            t = time.perf_counter()
            answer = http.post("/api/plan", json=intake)
            plans.append(time.perf_counter() - t)
            assert answer.status_code in (200, 409), answer.text
        routine = http.post("/api/plan", json={"minutes": 60}).json()
        steps = (routine["steps"] * 5)[:80]
        for step in steps:
            step["path"] = (step["path"] * 3)[:300]
        routine["steps"] = steps
        t = time.perf_counter()
        checked = http.post("/api/check", json={"routine": routine})
        check_s = time.perf_counter() - t
    return {"plan_max_s": max(plans), "plan_median_s": statistics.median(plans), "check_s": check_s,
            "check_status": checked.status_code}


def past_limits(server: Server) -> list[tuple[str, int, float]]:
    spot = {"kind": "pain", "zone": "lumbar_left"}
    cases = [("10.5 MB body", json.dumps({"spots": [spot] * 280_000}).encode()),
             ("100,000 spots", json.dumps({"spots": [spot] * 100_000}).encode()),
             ("25 spots", json.dumps({"spots": [spot] * 25}).encode()),
             ("2,000 spots", json.dumps({"spots": [spot] * 2000}).encode())]
    out = []
    with httpx.Client(base_url=server.url, timeout=600) as http:
        for name, body in cases:
            times, status = [], 0
            for _ in range(5):
                t = time.perf_counter()
                status = http.post("/api/plan", content=body, headers=JSON).status_code
                times.append(time.perf_counter() - t)
            out.append((name, status, statistics.median(times)))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pains", type=int, default=500)
    parser.add_argument("--src", help="serve the code of another checkout's src folder")
    ns = parser.parse_args()
    server = Server(ns.src)
    try:
        rss0 = server.rss_mb()
        limits = past_limits(server)
        rss1 = server.rss_mb()
        big = largest(server)
        result = flood(server, ns.pains)
    finally:
        server.stop()
    print(f"1. flood: A sent {result['pains']} pain reports in {result['flood_s']:.1f} s "
          f"({result['refused']} refused: too many places)")
    print(f"   B /api/screen  idle: {shown(result['idle_screen'])}   during: {shown(result['busy_screen'])}")
    print(f"   B live change  idle: {shown(result['idle_live'])}   during: {shown(result['busy_live'])}")
    print(f"2. largest accepted: /api/plan worst {big['plan_max_s'] * 1000:.0f} ms (median "
          f"{big['plan_median_s'] * 1000:.0f} ms over 12 intakes at the limits); "
          f"/api/check of 80 steps x 300 points {big['check_s'] * 1000:.0f} ms ({big['check_status']})")
    for name, status, seconds in limits:
        print(f"3. {name}: {status} in {seconds * 1000:.1f} ms (median of 5)")
    print(f"   server memory {rss0:.0f} MB before, {rss1:.0f} MB after ({rss1 - rss0:+.0f} MB)")
    ok = (pct(result["busy_screen"], 0.99) <= 100 and pct(result["busy_live"], 0.99) <= 100
          and big["plan_max_s"] <= 1 and big["check_s"] <= 1 and rss1 - rss0 <= 50
          and all(s <= 0.05 for n, st, s in limits if st in (413, 422)))
    print("targets met" if ok else "a target was missed")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
