"""Figures for issue 4 (records): stored session events per second, every ack sent after its commit.

A real `backrub serve` on loopback, once on SQLite (WAL, a temporary file) and once on a throwaway
PostgreSQL server (initdb/pg_ctl from Debian's postgresql, as the tests use). The load runs in
separate processes (`--load-procs`, asyncio WebSocket clients), so the clients never share the
server's interpreter. Each of `--sessions` live sessions sends `pause`/`resume` messages with a `seq`,
keeping a window of them in flight; the server stores each event through the records journal (group
commit: the events of many sessions in one transaction) and only after the COMMIT answers
`{"type": "ack", "seq": n}`. Throughput counts acks between the first send and the last ack;
afterwards every acknowledged seq is looked up in the database itself.
Target: SQLite >= 1,000 events/s. PostgreSQL is reported beside it.

Run: .venv/bin/python benchmarks/bench_records.py [--events 20000] [--sessions 64] [--window 4]
     [--load-procs 1] [--backends sqlite,postgresql]   (exits 1 when the SQLite target is missed
     or an acknowledged event is not stored)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

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
        self.proc = subprocess.Popen([sys.executable, "-m", "backrub", "serve", "--port", str(self.port)],
                                     env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if "http://" not in line:
            raise SystemExit(f"server did not start: {line}{self.proc.stdout.read()}")

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=15)


# -- the load process ----------------------------------------------------------------------------
async def _session(ws_url: str, sid: str, n: int, window: int, go: asyncio.Event,
                   out: dict[str, object]) -> None:
    from websockets.asyncio.client import connect

    sent_at: dict[int, float] = {}
    acked: list[int] = []
    latencies: list[float] = []
    async with connect(f"{ws_url}/api/sessions/{sid}/live", max_size=None) as ws:
        await go.wait()
        next_seq = 0
        while len(acked) < n:
            while next_seq < n and next_seq - len(acked) < window:
                sent_at[next_seq] = time.perf_counter()
                kind = "pause" if next_seq % 2 == 0 else "resume"
                await ws.send(json.dumps({"type": kind, "seq": next_seq}))
                next_seq += 1
            message = json.loads(await ws.recv())
            if message.get("type") == "ack":
                latencies.append(time.perf_counter() - sent_at[message["seq"]])
                acked.append(message["seq"])
            elif message.get("type") == "error":
                raise SystemExit(f"server refused a message: {message}")
    out[sid] = {"acked": acked, "latencies": latencies}


async def _load(ws_url: str, sids: list[str], n: int, window: int) -> None:
    go = asyncio.Event()
    out: dict[str, object] = {}
    tasks = [asyncio.create_task(_session(ws_url, sid, n, window, go, out)) for sid in sids]
    await asyncio.sleep(0.5)  # every socket connected before the start line
    print("ready", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    start = time.time()
    go.set()
    await asyncio.gather(*tasks)
    print(json.dumps({"start": start, "end": time.time(), "sessions": out}), flush=True)


def load_main(ws_url: str, sids: list[str], n: int, window: int) -> None:
    asyncio.run(_load(ws_url, sids, n, window))


# -- the measurement ----------------------------------------------------------------------------
def run(database_url: str, events: int, sessions: int, window: int, procs: int) -> dict[str, float]:
    server = Server(database_url)
    try:
        with httpx.Client(base_url=server.url, timeout=30) as http:
            sids = [http.post("/api/sessions", json=INTAKE).json()["id"] for _ in range(sessions)]
        per = max(1, events // sessions)
        loads = []
        for i in range(procs):
            mine = sids[i::procs]
            loads.append(subprocess.Popen(
                [sys.executable, __file__, "--load", server.ws, ",".join(mine), str(per), str(window)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True))
        for p in loads:
            assert p.stdout is not None
            if p.stdout.readline().strip() != "ready":
                raise SystemExit("a load process did not start")
        for p in loads:
            assert p.stdin is not None
            p.stdin.write("go\n")
            p.stdin.flush()
        reports = []
        for p in loads:
            assert p.stdout is not None
            line = p.stdout.readline()
            if p.wait(timeout=600) != 0 or not line:
                raise SystemExit("a load process failed")
            reports.append(json.loads(line))
    finally:
        server.close()
    start, end = min(r["start"] for r in reports), max(r["end"] for r in reports)
    acked = {sid: s["acked"] for r in reports for sid, s in r["sessions"].items()}
    lat = sorted(x for r in reports for s in r["sessions"].values() for x in s["latencies"])
    missing = _missing(database_url, acked)
    total = sum(len(a) for a in acked.values())
    elapsed = end - start
    return {"events": total, "seconds": elapsed, "per_s": total / elapsed,
            "p50_ms": 1000 * statistics.median(lat), "p95_ms": 1000 * lat[int(0.95 * (len(lat) - 1))],
            "missing": missing}


def _missing(database_url: str, acked: dict[str, list[int]]) -> int:
    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://"))
    missing = 0
    with engine.connect() as conn:
        for sid, seqs in acked.items():
            rows = conn.execute(text("SELECT seq FROM events WHERE session_id = :s"), {"s": sid})
            stored = {r[0] for r in rows}
            missing += len(set(seqs) - stored)
    engine.dispose()
    return missing


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--load":
        ws_url, sids, n, window = sys.argv[2], sys.argv[3].split(","), int(sys.argv[4]), int(sys.argv[5])
        load_main(ws_url, sids, n, window)
        return 0
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=20000)
    ap.add_argument("--sessions", type=int, default=64)
    ap.add_argument("--window", type=int, default=4)
    ap.add_argument("--load-procs", type=int, default=1)
    ap.add_argument("--backends", default="sqlite,postgresql")
    args = ap.parse_args()
    results: dict[str, dict[str, float]] = {}
    for backend in args.backends.split(","):
        if backend == "sqlite":
            with tempfile.TemporaryDirectory() as tmp:
                results["sqlite"] = run(f"sqlite:///{tmp}/bench.db", args.events, args.sessions, args.window,
                                        args.load_procs)
        elif backend == "postgresql":
            pg = Throwaway()
            try:
                pg.start()
                admin = create_engine(pg.url(), isolation_level="AUTOCOMMIT")
                with admin.connect() as conn:
                    conn.execute(text("CREATE DATABASE bench"))
                admin.dispose()
                results["postgresql"] = run(pg.url("bench"), args.events, args.sessions, args.window,
                                            args.load_procs)
            finally:
                pg.stop()
        else:
            raise SystemExit(f"unknown backend {backend!r}; expected sqlite or postgresql")
    print(f"stored session events through `backrub serve`, ack after commit ({args.sessions} sessions, "
          f"window {args.window}, {args.load_procs} load processes, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.2f})")
    print(f"{'database':<12}{'events':>8}{'seconds':>9}{'events/s':>10}{'ack p50 ms':>12}{'ack p95 ms':>12}"
          f"{'acked, not stored':>19}")
    for name, r in results.items():
        print(f"{name:<12}{r['events']:>8.0f}{r['seconds']:>9.2f}{r['per_s']:>10.0f}{r['p50_ms']:>12.1f}"
              f"{r['p95_ms']:>12.1f}{r['missing']:>19.0f}")
    ok = all(r["missing"] == 0 for r in results.values())
    if "sqlite" in results:
        met = results["sqlite"]["per_s"] >= TARGET_SQLITE
        ok = ok and met
        print(f"target: SQLite >= {TARGET_SQLITE:.0f} events/s: {'met' if met else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
