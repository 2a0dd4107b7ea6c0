"""`backrub serve --workers N`: N coach processes on one PostgreSQL, ports PORT .. PORT+N-1.

Each worker is a whole `backrub serve` of its own (no state shared in memory): the database is the
one truth, and changes reach every worker's clients through PostgreSQL notices. A load balancer in
front spreads the clients (deploy/haproxy.cfg, scripts/haproxy.sh). A worker that dies is started
again after a second; Ctrl+C or SIGTERM stops them all.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from typing import Any

from backrub.records.db import DatabaseUnavailable, database_url, normalized_url, open_database, shown

MAX_WORKERS = 32
RESTART_S = 1.0
FIRST_START_S = 20.0  # a worker that fails this soon after the start could not start at all


def serve_workers(workers: int, host: str, port: int, flags: list[str]) -> int:
    """Run `workers` coach processes until interrupted; 2 for bad options, 1 when the database is away."""
    if not 1 <= workers <= MAX_WORKERS:
        print(f"backrub serve: --workers takes 1 to {MAX_WORKERS} (got {workers})", file=sys.stderr)
        return 2
    try:
        url = database_url()
        if normalized_url(url).get_backend_name() != "postgresql":
            print("backrub serve: --workers needs PostgreSQL, which all workers share (set "
                  "BACKRUB_DATABASE_URL=postgresql://USER@HOST/NAME); SQLite is served by one process: "
                  "leave out --workers", file=sys.stderr)
            return 2
        if port + workers - 1 > 65535:
            print(f"backrub serve: ports {port}..{port + workers - 1} do not exist; pick a lower --port",
                  file=sys.stderr)
            return 2
        open_database(url).close()  # migrated once here, before the workers race to do it
    except DatabaseUnavailable as err:
        print(f"backrub serve: {err}", file=sys.stderr)
        return 1
    ports = [port + i for i in range(workers)]
    procs: dict[int, subprocess.Popen[Any]] = {p: _start(host, p, flags) for p in ports}
    started = time.monotonic()
    print(f"backrub coach: {workers} workers on {host} ports {ports[0]}..{ports[-1]} "
          f"(records: {shown(url)}); put a load balancer in front (scripts/haproxy.sh); Ctrl+C stops",
          flush=True)
    stopping = False

    def stop(_signum: int, _frame: Any) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        while not stopping:
            time.sleep(0.2)
            for p, proc in list(procs.items()):
                code = proc.poll()
                if code is None or stopping:
                    continue
                if code in (1, 2) and time.monotonic() - started < FIRST_START_S:
                    # It could not start at all (the port taken, bad options): say so and stop.
                    print(f"backrub serve: the worker on port {p} could not start (exit {code})",
                          file=sys.stderr)
                    stopping = True
                    break
                print(f"backrub serve: the worker on port {p} ended ({code}); starting it again",
                      file=sys.stderr)
                time.sleep(RESTART_S)
                procs[p] = _start(host, p, flags)
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in procs.values():
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
    return 0


def _start(host: str, port: int, flags: list[str]) -> subprocess.Popen[Any]:
    argv = [sys.executable, "-m", "backrub", "serve", "--host", host, "--port", str(port), *flags]
    return subprocess.Popen(argv)
