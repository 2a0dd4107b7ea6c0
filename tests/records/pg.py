"""A throwaway PostgreSQL server for the tests: `initdb` and `pg_ctl` from Debian's postgresql.

The cluster lives in a temporary folder, listens on a free port on 127.0.0.1 only, trusts local
connections and is removed when the tests end. PostgreSQL refuses to run as root, so under root
it runs as the `postgres` user that Debian's package creates.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from backrub.records.db import open_database

USER = "backrub"


def find_bin(name: str) -> str | None:
    """`initdb`/`pg_ctl`: on PATH, else the newest /usr/lib/postgresql/*/bin (Debian keeps them there)."""
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version, reverse=True):
        path = Path(folder) / name
        if path.is_file():
            return str(path)
    return shutil.which(name)


def _version(folder: str) -> float:
    try:
        return float(Path(folder).parent.name)
    except ValueError:
        return 0.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Throwaway:
    """One PostgreSQL cluster: `start()`, `url(dbname)`, `stop()` (which removes everything)."""

    def __init__(self) -> None:
        initdb, pg_ctl = find_bin("initdb"), find_bin("pg_ctl")
        if not initdb or not pg_ctl:
            raise RuntimeError(
                "PostgreSQL's initdb/pg_ctl were not found; install Debian's postgresql "
                "(scripts/test.sh does: apt-get install postgresql)"
            )
        self.initdb, self.pg_ctl = initdb, pg_ctl
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="backrub-pg-"))
        self.data = self.root / "data"
        self.run_as: list[str] = []
        if os.geteuid() == 0:
            try:
                entry = pwd.getpwnam("postgres")
            except KeyError:
                raise RuntimeError(
                    "running as root, and there is no `postgres` user to run PostgreSQL as "
                    "(Debian's postgresql package creates it)"
                ) from None
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
            self.run_as = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args: str) -> None:
        done = subprocess.run([*self.run_as, *args], capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            log = (self.root / "log").read_text() if (self.root / "log").exists() else ""
            raise RuntimeError(f"{' '.join(args[:2])} failed: {done.stdout}{done.stderr}{log}")

    def start(self) -> None:
        self._run(
            self.initdb,
            "-D",
            str(self.data),
            "-A",
            "trust",
            "-U",
            USER,
            "-E",
            "UTF8",
            "--no-sync",
            "--locale=C",
        )
        self.resume()

    def resume(self) -> None:
        """Start the server (again, after `pause`) on the same data and port."""
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c max_connections=200 "
            "-c shared_buffers=64MB"
        )
        self._run(
            self.pg_ctl,
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.root / "log"),
            "-w",
            "-t",
            "60",
            "start",
        )

    def pause(self) -> None:
        """Stop the server as an outage would (its clients' connections cut), keeping its data."""
        self._run(self.pg_ctl, "-D", str(self.data), "-m", "fast", "-w", "stop")

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql+psycopg://{USER}@127.0.0.1:{self.port}/{dbname}"

    def stop(self) -> None:
        if self.data.exists():
            subprocess.run(
                [*self.run_as, self.pg_ctl, "-D", str(self.data), "-m", "immediate", "-w", "stop"],
                capture_output=True,
                timeout=60,
            )
        shutil.rmtree(self.root, ignore_errors=True)


class Server:
    """Where the PostgreSQL databases of this run are made."""

    def __init__(self, admin_url: str, throwaway: Throwaway | None) -> None:
        self.admin_url = admin_url
        self.throwaway = throwaway
        self.admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        self.template = f"backrub_tpl_{os.getpid()}"
        self.made: list[str] = []

    def url(self, name: str) -> str:
        return make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)

    def create(self, name: str, template: str | None = None) -> str:
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
        self.made.append(name)
        return self.url(name)

    def drop(self, name: str) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def close(self) -> None:
        if self.throwaway is None:  # a server someone else runs: leave it as it was
            for name in self.made:
                self.drop(name)
        self.admin.dispose()
        if self.throwaway is not None:
            self.throwaway.stop()


@contextmanager
def postgres() -> Iterator[Server]:
    """The PostgreSQL server of a test run, with a migrated template database to copy: the one
    `BACKRUB_TEST_POSTGRES_URL` names (a server you run), else a throwaway one."""
    given = os.environ.get("BACKRUB_TEST_POSTGRES_URL")
    throwaway = None
    if given:
        admin_url = given
    else:
        throwaway = Throwaway()
        try:
            throwaway.start()
        except BaseException:
            throwaway.stop()
            raise
        admin_url = throwaway.url()
    server = Server(admin_url, throwaway)
    try:
        server.create(server.template)
        open_database(server.url(server.template)).close()  # migrate the template once; tests copy it
        yield server
    finally:
        server.close()
