"""A real coach for the web tests: `backrub serve` in its own process on a free port, real SQLite."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

if os.environ.get("CI"):
    import fastapi  # noqa: F401  (CI installs the web extra: a missing one must fail, not skip)
else:
    pytest.importorskip("fastapi")

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "out" / "test-artifacts" / "web"
# Playwright's wait_for_function evaluates strings in the page, which the coach's Content-Security-Policy
# forbids; the test servers allow that one thing (the pages themselves never evaluate strings).
TEST_DRIVER = {"BACKRUB_CSP_ALLOW_EVAL": "1"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Coach:
    """`backrub serve` as a user starts it, restartable on the same port and database: a SQLite file
    `db`, or the database `database_url` names."""

    def __init__(self, db: Path, database_url: str | None = None) -> None:
        self.db = db
        self.database_url = database_url or f"sqlite:///{db}"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[str] | None = None
        self.banner = ""

    def start(self) -> None:
        env = {**os.environ, "BACKRUB_DATABASE_URL": self.database_url, "PYTHONUNBUFFERED": "1",
               **TEST_DRIVER}
        self.proc = subprocess.Popen([sys.executable, "-m", "backrub", "serve", "--port", str(self.port)],
                                     env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        assert self.proc.stdout is not None
        self.banner = self.proc.stdout.readline()  # printed once it listens
        if "http://" not in self.banner:
            self.stop()
            raise RuntimeError(f"backrub serve did not start: {self.banner}")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc = None

    def restart(self) -> None:
        self.stop()
        self.start()


@pytest.fixture(scope="session")
def coach(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Coach]:
    server = Coach(tmp_path_factory.mktemp("coach") / "backrub.db")
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module", params=("sqlite", "postgresql"))
def coach_on_each_database(request: pytest.FixtureRequest,
                           tmp_path_factory: pytest.TempPathFactory) -> Iterator[Coach]:
    """A coach of its own per module and database: SQLite, then a throwaway PostgreSQL database.
    A module runs its tests on both by taking it as its `coach`."""
    folder = tmp_path_factory.mktemp("coach")
    url = None
    if request.param == "postgresql":
        pg = request.getfixturevalue("pg_server")
        url = pg.create(f"backrub_web_{os.getpid()}_{folder.name}", template=pg.template)
    server = Coach(folder / "backrub.db", url)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def http(coach: Coach) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=coach.url, timeout=20) as client:
        yield client


@pytest.fixture(scope="session")
def intake_raw() -> dict[str, Any]:
    return json.loads((ROOT / "examples" / "intake.json").read_text())


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


def wait_until(check: Any, timeout: float = 10.0, step: float = 0.05) -> Any:
    end = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > end:
            return value
        time.sleep(step)


# -- a coach with accounts, over HTTPS ---------------------------------------------------------------


class SecureCoach(Coach):
    """`backrub serve --accounts --cert --key` on loopback: HTTPS with a certificate of a throwaway CA
    (trustme), its own SQLite file. Accounts are made with the command line, as a user makes them."""

    def __init__(self, db: Path, tls: Path) -> None:
        import ssl

        trustme = pytest.importorskip("trustme")
        super().__init__(db)
        self.url = f"https://127.0.0.1:{self.port}"
        self.ws_url = f"wss://127.0.0.1:{self.port}"
        authority = trustme.CA()
        issued = authority.issue_cert("127.0.0.1", "localhost")
        self.cert, self.key, self.ca = tls / "cert.pem", tls / "key.pem", tls / "ca.pem"
        issued.cert_chain_pems[0].write_to_path(str(self.cert))
        issued.private_key_pem.write_to_path(str(self.key))
        authority.cert_pem.write_to_path(str(self.ca))
        self.ssl = ssl.create_default_context(cafile=str(self.ca))

    def env(self) -> dict[str, str]:
        return {**os.environ, "BACKRUB_DATABASE_URL": self.database_url, "PYTHONUNBUFFERED": "1",
                **TEST_DRIVER}

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "backrub", "serve", "--port", str(self.port), "--accounts",
             "--cert", str(self.cert), "--key", str(self.key)],
            env=self.env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        assert self.proc.stdout is not None
        self.banner = self.proc.stdout.readline()
        if "https://" not in self.banner:
            self.stop()
            raise RuntimeError(f"backrub serve did not start: {self.banner}")

    def add_account(self, username: str, password: str) -> subprocess.CompletedProcess[str]:
        """`backrub account add USERNAME`, the password on standard input."""
        env = {k: v for k, v in self.env().items() if k != "BACKRUB_PASSWORD"}
        return subprocess.run([sys.executable, "-m", "backrub", "account", "add", username],
                              input=password + "\n", env=env, capture_output=True, text=True, timeout=60)

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, verify=self.ssl, timeout=20)


@pytest.fixture(scope="session")
def secure_coach(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SecureCoach]:
    folder = tmp_path_factory.mktemp("secure-coach")
    server = SecureCoach(folder / "backrub.db", folder)
    server.start()
    yield server
    server.stop()
