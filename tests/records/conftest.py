"""Every records test runs twice: on SQLite (a file, WAL) and on a throwaway PostgreSQL server.

Each test gets a fresh, migrated database: a copy of a template migrated once per run.
`BACKRUB_TEST_POSTGRES_URL` (a server you run, with CREATE DATABASE rights) replaces the throwaway one.
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("sqlalchemy")
pytest.importorskip("alembic")

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from backrub.records.db import Database, open_database
from tests.records.pg import Throwaway

BACKENDS = ("sqlite", "postgresql")
_names = itertools.count()


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


@pytest.fixture(scope="session")
def pg_server() -> Iterator[Server]:
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
        template_url = server.create(server.template)
        open_database(template_url).close()  # migrate the template once; tests copy it
        yield server
    finally:
        server.close()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    db = open_database(f"sqlite:///{path}")
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return path


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated database of each kind; the URL a user would put in BACKRUB_DATABASE_URL."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "backrub.db"
        shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
        return
    server: Server = request.getfixturevalue("pg_server")
    name = f"backrub_t{os.getpid()}_{next(_names)}"
    yield server.create(name, template=server.template)
    server.drop(name)


@pytest.fixture
def empty_url(request: pytest.FixtureRequest, database_url: str, tmp_path: Path) -> str:
    """A second, empty (unmigrated) database of the same kind as `database_url`."""
    if database_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'empty.db'}"
    server: Server = request.getfixturevalue("pg_server")
    return server.create(f"backrub_e{os.getpid()}_{next(_names)}")


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    yield database
    database.close()
