"""Coach workers started for real, for the workers tests and `benchmarks/bench_workers.py` alike:
`backrub serve` (with `--workers N` for several) on one database, and Debian's HAProxy in front with
the config `scripts/haproxy.sh config` writes.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from tests.records.pg import free_port

ROOT = Path(__file__).resolve().parents[2]
HAPROXY = shutil.which("haproxy") or ("/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists() else None)


def free_ports(n: int) -> int:
    """The first of n free ports in a row on 127.0.0.1."""
    for _ in range(50):
        port = free_port()
        if port + n < 65536 and all(_free(port + i) for i in range(1, n)):
            return port
    raise RuntimeError("no free ports in a row")


def _free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def wait_healthy(where: str, timeout: float = 90.0, path: str = "/api/health") -> None:
    """Wait until `GET path` at host:port answers 200 (/api/health: a worker that touches its database)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://{where}{path}", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{where} never became healthy")


class Cluster:
    """`backrub serve` with `workers` processes on `url`, and HAProxy in front when `haproxy`.

    `src`: another tree's `src` folder to run instead of this one's (the benchmark's baseline code).
    """

    def __init__(self, url: str, workers: int, *, haproxy: bool = True, src: str | None = None) -> None:
        self.url = url
        self.first_port = free_ports(workers)
        env = {**os.environ, "BACKRUB_DATABASE_URL": url, "PYTHONUNBUFFERED": "1"}
        if src is not None:
            env["PYTHONPATH"] = src
        argv = [sys.executable, "-m", "backrub", "serve", "--port", str(self.first_port)]
        if workers > 1:
            argv += ["--workers", str(workers)]
        self.procs: list[subprocess.Popen[str]] = []
        self.server = self._spawn(argv, env)
        self.workers = [f"127.0.0.1:{self.first_port + i}" for i in range(workers)]
        self.front = self.workers[0]
        self.cfg: Path | None = None
        try:
            if haproxy:
                if HAPROXY is None:
                    raise RuntimeError("Debian's haproxy is not installed (scripts/test.sh installs it)")
                lb = free_port()
                self.cfg = Path(tempfile.mkstemp(suffix=".cfg")[1])
                argv_cfg = ["bash", str(ROOT / "scripts" / "haproxy.sh"), "config", str(workers),
                            str(self.first_port), f"127.0.0.1:{lb}"]
                made = subprocess.run(argv_cfg, capture_output=True, text=True, check=True)
                self.cfg.write_text(made.stdout)
                self._spawn([HAPROXY, "-db", "-f", str(self.cfg)], None)
                self.front = f"127.0.0.1:{lb}"
            for where in dict.fromkeys([*self.workers, self.front]):
                # Code older than /api/health (the benchmark's baseline) is up once it serves a page.
                wait_healthy(where, path="/api/health" if src is None else "/")
        except BaseException:
            self.close()
            raise

    def _spawn(self, argv: list[str], env: dict[str, str] | None) -> subprocess.Popen[str]:
        proc = subprocess.Popen(argv, env=env, text=True, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        self.procs.append(proc)
        return proc

    def worker(self, i: int) -> str:
        return self.workers[i]

    def worker_pid(self, i: int) -> int:
        """The pid of the worker listening on first_port + i (a child of `backrub serve --workers`)."""
        pid = self.server.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        for child in children:
            argv = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
            if str(self.first_port + i).encode() in argv:
                return int(child)
        raise AssertionError(f"no worker on port {self.first_port + i}: {children}")

    def start_session(self, where: str, intake: dict[str, object]) -> str:
        got = httpx.post(f"http://{where}/api/sessions", json=intake, timeout=60)
        assert got.status_code == 201, got.text
        return str(got.json()["id"])

    def close(self) -> None:
        for proc in reversed(self.procs):
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if self.cfg is not None:
            self.cfg.unlink(missing_ok=True)
