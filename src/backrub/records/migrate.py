"""Alembic, run from code: upgrade to the current schema, and adopt a database made before migrations.

Before records existed the live coach created `sessions`, `events` and `outcomes` itself. Such a
database has no `alembic_version`; its rows are read, the old tables dropped, the first revision
applied and the rows put back, all in one transaction.
"""

from __future__ import annotations

from importlib.resources import files
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, insert, inspect, select, text
from sqlalchemy.engine import Engine

from backrub.records.models import EventRow, OutcomeRow, SessionRow

LEGACY = ("sessions", "events", "outcomes")


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(files("backrub.records") / "migrations"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision`; a pre-migration coach database keeps its sessions."""
    with engine.begin() as conn:
        tables = set(inspect(conn).get_table_names())
        legacy: dict[str, list[dict[str, Any]]] = {}
        if "alembic_version" not in tables and "sessions" in tables:
            legacy = _take_legacy(conn, tables)
        command.upgrade(alembic_config(conn), revision)
        for model in (SessionRow, EventRow, OutcomeRow):
            rows = legacy.get(model.__tablename__)
            if rows:
                conn.execute(insert(model), rows)
        if legacy and conn.dialect.name == "postgresql":
            conn.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence('events', 'id'), "
                    "COALESCE((SELECT MAX(id) FROM events), 0) + 1, false)"
                )
            )


def downgrade(engine: Engine, revision: str) -> None:
    """Undo migrations down to `revision` ("base" removes every table)."""
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), revision)


def _take_legacy(conn: Connection, tables: set[str]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    inspector = inspect(conn)
    for model in (SessionRow, EventRow, OutcomeRow):
        name = model.__tablename__
        if name in tables:  # read through the model's column types, so times come back as datetimes
            columns = [
                model.__table__.c[c["name"]]
                for c in inspector.get_columns(name)
                if c["name"] in model.__table__.c
            ]
            found[name] = [dict(r._mapping) for r in conn.execute(select(*columns))]
    for name in reversed(LEGACY):
        if name in tables:
            conn.execute(text(f"DROP TABLE {name}"))
    return found
