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

from backrub.records.db import Database, open_database
from tests.records.pg import Server

BACKENDS = ("sqlite", "postgresql")
_names = itertools.count()


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
