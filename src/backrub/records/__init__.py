"""Records: recipients, their sessions, history, comfort care and reports, in SQL.

SQLite (WAL) in the user's data directory by default; PostgreSQL when
BACKRUB_DATABASE_URL points there. The schema is migrated by Alembic from its
first table (`backrub db upgrade`, and at every start of the web coach).
"""

from __future__ import annotations

from backrub.records.db import Database, DatabaseUnavailable, database_url, open_database

__all__ = ["Database", "DatabaseUnavailable", "database_url", "open_database"]
