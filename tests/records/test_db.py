"""The database itself: migrations from the first table, WAL, adoption of an older coach database,
and a clear message (never a traceback) when the database cannot be reached."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    text,
)

from backrub.records.db import Database, DatabaseUnavailable, database_url, normalized_url, open_database
from backrub.records.migrate import head_revision
from backrub.records.models import Base
from tests.records.pg import free_port


def test_migrated_schema_is_exactly_the_models(db: Database) -> None:
    assert db.revision() == head_revision()
    with db.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []


def test_upgrade_twice_changes_nothing(db: Database) -> None:
    before = db.tables()
    db.upgrade()
    assert db.tables() == before and db.revision() == head_revision()


def test_downgrade_and_upgrade_again(db: Database) -> None:
    db.downgrade("base")
    assert db.tables() <= {"alembic_version"}
    db.upgrade()
    assert "events" in db.tables()


def test_sqlite_runs_in_wal_mode(tmp_path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'r.db'}")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    db.close()


def test_default_is_sqlite_in_the_data_directory(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    url = database_url({})
    assert url.startswith("sqlite:///") and url.endswith("backrub/backrub.db")
    assert (tmp_path / "backrub").is_dir()
    assert database_url({"BACKRUB_DATABASE_URL": "postgresql://u@h/d"}) == "postgresql://u@h/d"


def test_plain_postgresql_url_uses_psycopg_and_others_are_refused() -> None:
    assert normalized_url("postgresql://u:p@h/d").drivername == "postgresql+psycopg"
    with pytest.raises(DatabaseUnavailable, match="SQLite or PostgreSQL"):
        normalized_url("mysql://u@h/d")
    with pytest.raises(DatabaseUnavailable, match="not a database URL"):
        normalized_url("no url at all")


def _legacy_tables(metadata: MetaData) -> None:
    """The tables the live coach created itself before records existed."""
    Table(
        "sessions",
        metadata,
        Column("id", String(32), primary_key=True),
        Column("created_at", DateTime(timezone=True)),
        Column("intake", Text),
        Column("planned_routine", Text),
        Column("routine", Text),
        Column("position", Integer),
        Column("clock_wall", Float),
        Column("clock_s", Float),
        Column("running", Boolean),
        Column("ended_at", DateTime(timezone=True)),
    )
    Table(
        "events",
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("session_id", String(32)),
        Column("seq", Integer),
        Column("at", DateTime(timezone=True)),
        Column("elapsed_s", Float),
        Column("type", String(16)),
        Column("payload", Text),
    )


def test_a_coach_database_from_before_migrations_keeps_its_sessions(
    database_url: str, empty_url: str
) -> None:
    metadata = MetaData()
    _legacy_tables(metadata)
    engine = create_engine(Database(empty_url).engine.url)
    metadata.create_all(engine)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(
            metadata.tables["sessions"].insert(),
            [
                {
                    "id": "a" * 32,
                    "created_at": now,
                    "intake": "{}",
                    "planned_routine": '{"steps": []}',
                    "routine": '{"steps": []}',
                    "position": 0,
                    "clock_wall": 1.0,
                    "clock_s": 0.0,
                    "running": True,
                    "ended_at": None,
                }
            ],
        )
        conn.execute(
            metadata.tables["events"].insert(),
            [
                {
                    "session_id": "a" * 32,
                    "seq": n,
                    "at": now,
                    "elapsed_s": 1.0,
                    "type": "pause",
                    "payload": "{}",
                }
                for n in range(3)
            ],
        )
    engine.dispose()
    db = open_database(empty_url)
    with db.session() as s:
        assert s.execute(text("SELECT count(*) FROM events")).scalar() == 3
        assert s.execute(text("SELECT kind FROM sessions")).scalar() == "massage"
        # New events go on after the adopted ones (PostgreSQL's counter was moved past them).
        s.execute(
            text(
                "INSERT INTO events (session_id, seq, at, elapsed_s, type, payload) "
                "VALUES (:s, 3, :at, 2.0, 'end', '{}')"
            ),
            {"s": "a" * 32, "at": now},
        )
    with db.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    db.close()


def test_unreachable_postgresql_is_one_clear_error() -> None:
    port = free_port()  # nothing listens there
    started = time.monotonic()
    with pytest.raises(DatabaseUnavailable) as err:
        open_database(f"postgresql://someone:secret@127.0.0.1:{port}/records")
    message = str(err.value)
    assert f"127.0.0.1:{port}" in message and "secret" not in message
    assert "BACKRUB_DATABASE_URL" in message
    assert time.monotonic() - started < 10


def test_sqlite_in_a_missing_folder_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(DatabaseUnavailable, match="does not exist"):
        open_database(f"sqlite:///{tmp_path / 'no' / 'such' / 'r.db'}")


@pytest.mark.parametrize("command", [["db", "status"], ["export"], ["backup"], ["db", "upgrade"]])
def test_command_line_says_the_database_is_unreachable_without_a_traceback(command: list[str]) -> None:
    env = {**os.environ, "BACKRUB_DATABASE_URL": f"postgresql://u:pw@127.0.0.1:{free_port()}/x"}
    done = subprocess.run(
        [sys.executable, "-m", "backrub", *command], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 4, done.stderr
    assert "Traceback" not in done.stderr and "cannot use the database" in done.stderr
    assert done.stderr.count("\n") == 1 and "pw" not in done.stderr


def test_db_status_and_upgrade_from_the_command_line(empty_url: str) -> None:
    env = {**os.environ, "BACKRUB_DATABASE_URL": empty_url}

    def run(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "backrub", *args], env=env, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert "empty, behind" in run("db", "status")
    assert f"empty → {head_revision()}" in run("db", "upgrade")
    assert "current" in run("db", "status")
