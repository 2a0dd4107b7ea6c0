"""Figures for issue 4 (records): stored session events per second, every ack sent after its commit.

A real `backrub serve` on loopback, once on SQLite (WAL, a temporary file) and once on a throwaway
PostgreSQL server (initdb/pg_ctl from Debian's postgresql, as the tests use). Each client opens its
own live session and sends `pause`/`resume` messages with a `seq`, keeping a window of them in
flight; the server stores each event, commits, and only then answers `{"type": "ack", "seq": n}`.
Throughput counts acks; afterwards every acknowledged seq is looked up in the stored session.
Target: SQLite >= 1,000 events/s. PostgreSQL is reported beside it.

Run: .venv/bin/python benchmarks/bench_records.py [--events 4000] [--clients 4] [--window 16]
     [--backends sqlite,postgresql]   (exits 1 when the SQLite target is missed)
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
import threading
import time
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from websockets.sync.client import connect

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.records.pg import Throwaway  # noqa: E402

INTAKE = json.loads((ROOT / "examples" / "intake.json").read_text())
TARGET_SQLITE = 1000.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, database_url: str) -> None:
        self.port = free_port()
        self.url, self.ws = f"http://127.0.0.1:{self.port}", f"ws://127.0.0.1:{self.port}"
        env = {**os.environ, "BACKRUB_DATABASE_URL": database_url, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen([sys.executable, "-m", "backrub", "serve", "--port", str(self.port)], env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if "http://" not in line:
            raise SystemExit(f"server did not start: {line}{self.proc.stdout.read()}")

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=15)


def client(server: Server, sid: str, n: int, window: int, latencies: list[float], acked: list[int]) -> None:
    sent_at: dict[int, float] = {}
    with connect(f"{server.ws}/api/sessions/{sid}/live", max_size=None) as ws:
        next_seq = 0
        while len(acked) < n:
            while next_seq < n and next_seq - len(acked) < window:
                kind = "pause" if next_seq % 2 == 0 else "resume"
                sent_at[next_seq] = time.perf_counter()
                ws.send(json.dumps({"type": kind, "seq": next_seq}))
                next_seq += 1
            message = json.loads(ws.recv())
            if message.get("type") == "ack":
                latencies.append(time.perf_counter() - sent_at[message["seq"]])
                acked.append(message["seq"])
            elif message.get("type") == "error":
                raise SystemExit(f"server refused a message: {message}")


def run(database_url: str, events: int, clients: int, window: int) -> dict[str, float]:
    server = Server(database_url)
    try:
        with httpx.Client(base_url=server.url, timeout=30) as http:
            sids = [http.post("/api/sessions", json=INTAKE).json()["id"] for _ in range(clients)]
            per = events // clients
            latencies: list[list[float]] = [[] for _ in sids]
            acked: list[list[int]] = [[] for _ in sids]
            threads = [threading.Thread(target=client, args=(server, sid, per, window, latencies[i], acked[i]))
                       for i, sid in enumerate(sids)]
            start = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            elapsed = time.perf_counter() - start
            missing = 0
            for sid, got in zip(sids, acked, strict=True):
                stored = {e["seq"] for e in http.get(f"/api/sessions/{sid}").json()["events"]}
                missing += len(set(got) - stored)
    finally:
        server.close()
    lat = sorted(x for group in latencies for x in group)
    total = sum(len(a) for a in acked)
    return {"events": total, "seconds": elapsed, "per_s": total / elapsed,
            "p50_ms": 1000 * statistics.median(lat), "p95_ms": 1000 * lat[int(0.95 * (len(lat) - 1))],
            "missing": missing}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=4000)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--window", type=int, default=16)
    ap.add_argument("--backends", default="sqlite,postgresql")
    args = ap.parse_args()
    results: dict[str, dict[str, float]] = {}
    for backend in args.backends.split(","):
        if backend == "sqlite":
            with tempfile.TemporaryDirectory() as tmp:
                results["sqlite"] = run(f"sqlite:///{tmp}/bench.db", args.events, args.clients, args.window)
        elif backend == "postgresql":
            pg = Throwaway()
            try:
                pg.start()
                admin = create_engine(pg.url(), isolation_level="AUTOCOMMIT")
                with admin.connect() as conn:
                    conn.execute(text("CREATE DATABASE bench"))
                admin.dispose()
                results["postgresql"] = run(pg.url("bench"), args.events, args.clients, args.window)
            finally:
                pg.stop()
        else:
            raise SystemExit(f"unknown backend {backend!r}; expected sqlite or postgresql")
    print(f"stored session events, ack after commit ({args.clients} clients, window {args.window}, "
          f"{os.cpu_count()} CPUs)")
    print(f"{'database':<12}{'events':>8}{'seconds':>9}{'events/s':>10}{'ack p50 ms':>12}{'ack p95 ms':>12}"
          f"{'acked, not stored':>19}")
    for name, r in results.items():
        print(f"{name:<12}{r['events']:>8.0f}{r['seconds']:>9.2f}{r['per_s']:>10.0f}{r['p50_ms']:>12.1f}"
              f"{r['p95_ms']:>12.1f}{r['missing']:>19.0f}")
    ok = all(r["missing"] == 0 for r in results.values())
    if "sqlite" in results:
        ok = ok and results["sqlite"]["per_s"] >= TARGET_SQLITE
        print(f"target: SQLite >= {TARGET_SQLITE:.0f} events/s: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
