"""Alembic's environment for backrub: always run on a connection that `records.migrate` hands over."""

from __future__ import annotations

from alembic import context

from backrub.records.models import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only `backrub db upgrade` and the app run migrations
    raise SystemExit("run migrations with `backrub db upgrade`, which knows the database URL")
context.configure(
    connection=connection, target_metadata=Base.metadata, render_as_batch=connection.dialect.name == "sqlite"
)
with context.begin_transaction():
    context.run_migrations()
