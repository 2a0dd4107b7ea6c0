"""Where the records live: the database URL, the engine, migrations and one clear connection error."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, inspect
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

ENV_URL = "BACKRUB_DATABASE_URL"
CONNECT_TIMEOUT_S = 5
WRITES = "backrub_writes"  # execution option: the unit of work will write


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached or used; the message says which one and what to try."""


def database_url(environ: dict[str, str] | None = None) -> str:
    """BACKRUB_DATABASE_URL, else SQLite in the user's data directory (created when needed)."""
    env = os.environ if environ is None else environ
    url = env.get(ENV_URL, "").strip()
    if url:
        return url
    from platformdirs import user_data_dir

    folder = Path(user_data_dir("backrub", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'backrub.db'}"


def normalized_url(url: str) -> URL:
    """The URL to connect with: plain `postgresql://` uses psycopg 3; other databases are refused."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseUnavailable(
            f"{ENV_URL}: {url!r} is not a database URL; expected sqlite:///PATH or "
            "postgresql://USER:PASSWORD@HOST:PORT/NAME"
        ) from None
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        if parsed.drivername in ("postgresql", "postgres"):
            parsed = parsed.set(drivername="postgresql+psycopg")
        return parsed
    if backend == "postgres":
        return parsed.set(drivername="postgresql+psycopg")
    if backend == "sqlite":
        return parsed
    raise DatabaseUnavailable(
        f"{ENV_URL}: backrub keeps its records in SQLite or PostgreSQL (got {parsed.drivername!r})"
    )


def shown(url: str | URL) -> str:
    """A URL fit to print: the password hidden."""
    try:
        return (url if isinstance(url, URL) else make_url(url)).render_as_string(hide_password=True)
    except ArgumentError:
        return "an unreadable URL"


def make_engine(url: str) -> Engine:
    """An engine: SQLite in WAL mode with foreign keys on; PostgreSQL with a short connect timeout."""
    parsed = normalized_url(url)
    if parsed.get_backend_name() == "postgresql":
        pg = create_engine(
            parsed,
            pool_pre_ping=True,
            pool_size=5,
            max_overflow=5,
            connect_args={"connect_timeout": CONNECT_TIMEOUT_S},
        )
        event.listen(pg, "connect", _lz4)
        return pg
    memory = parsed.database in (None, "", ":memory:")
    if not memory:
        assert parsed.database is not None
        folder = Path(parsed.database).expanduser().parent
        if not folder.is_dir():
            raise DatabaseUnavailable(
                f"cannot open the database {shown(parsed)}: the folder {folder} does not exist"
            )
    engine = create_engine(
        parsed,
        connect_args={"check_same_thread": False, "timeout": 15},
        **({"poolclass": StaticPool} if memory else {}),
    )

    @event.listens_for(engine, "connect")
    def _pragmas(conn: Any, _record: Any) -> None:
        # The driver's own transaction handling skips DDL and reads; SQLAlchemy's BEGIN below
        # makes every unit of work (migrations included) one real transaction.
        conn.isolation_level = None
        cur = conn.cursor()
        if not memory:
            cur.execute("PRAGMA journal_mode=WAL")
            # In WAL mode a commit survives the process being killed; `FULL` would also survive
            # a power cut, at a cost per commit, so the choice is the user's (BACKRUB_SQLITE_SYNC).
            cur.execute(f"PRAGMA synchronous={_sqlite_sync()}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        # A unit of work that will write takes the write lock up front: a deferred one that reads
        # and then writes after another writer committed fails at once, where this one waits.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITES) else "BEGIN")

    return engine


# A live session's every change rewrites its routine (~50 KB of JSON), which PostgreSQL compresses
# on the way to disk; lz4 does that in a third to a quarter of the CPU of the default (pglz), to
# the same size (measured on the example's routine: docs/web.md). Set per connection, where the
# server has it (PostgreSQL 14 and later, built with lz4 as Debian's is); on any other server the
# default stays. Values already stored read either way.
_LZ4 = (
    "SELECT set_config('default_toast_compression', 'lz4', false) FROM pg_settings "
    "WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)"
)


def _lz4(dbapi_conn: Any, _record: Any) -> None:
    with dbapi_conn.cursor() as cur:
        cur.execute(_LZ4)
    dbapi_conn.commit()  # a session setting made in a transaction rolled back would be undone


def _sqlite_sync() -> str:
    value = os.environ.get("BACKRUB_SQLITE_SYNC", "NORMAL").upper()
    return value if value in ("OFF", "NORMAL", "FULL", "EXTRA") else "NORMAL"


def unavailable(url: str | URL, err: BaseException) -> DatabaseUnavailable:
    """A DatabaseUnavailable that names the database and the driver's reason in one line."""
    orig = getattr(err, "orig", None) or err
    reason = " ".join(str(orig).split()) or type(orig).__name__
    if len(reason) > 300:
        reason = reason[:300] + " ..."
    hint = (
        f"check {ENV_URL} and that the server is running"
        if "postgresql" in shown(url)
        else "check the path and its permissions"
    )
    return DatabaseUnavailable(f"cannot use the database {shown(url)}: {reason} ({hint})")


class Database:
    """The records database: an engine, sessions, and migrations to the current schema."""

    def __init__(self, url: str | None = None) -> None:
        self.url = url or database_url()
        self.engine = make_engine(self.url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._writers = sessionmaker(self.engine.execution_options(**{WRITES: True}), expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def shown_url(self) -> str:
        return shown(self.engine.url)

    @contextmanager
    def session(self, *, writes: bool = False) -> Iterator[Session]:
        """A unit of work committed at the end (rolled back on error); connection faults become
        DatabaseUnavailable. `writes`: it will write (on SQLite it then holds the write lock)."""
        try:
            with (self._writers if writes else self._sessions)() as db, db.begin():
                yield db
        except (OperationalError, DBAPIError) as err:
            if is_connection_fault(err):
                raise unavailable(self.engine.url, err) from None
            raise

    def check(self) -> None:
        """Connect once; DatabaseUnavailable with the reason when that fails."""
        try:
            with self.engine.connect() as conn:
                conn.exec_driver_sql("SELECT 1")
        except DBAPIError as err:
            raise unavailable(self.engine.url, err) from None

    def upgrade(self, revision: str = "head") -> None:
        """Migrate the schema to `revision` (Alembic), adopting a database the web coach made before."""
        from backrub.records.migrate import upgrade

        try:
            upgrade(self.engine, revision)
        except DBAPIError as err:
            if is_connection_fault(err):
                raise unavailable(self.engine.url, err) from None
            raise

    def downgrade(self, revision: str) -> None:
        from backrub.records.migrate import downgrade

        downgrade(self.engine, revision)

    def revision(self) -> str | None:
        from backrub.records.migrate import current_revision

        try:
            return current_revision(self.engine)
        except DBAPIError as err:
            raise unavailable(self.engine.url, err) from None

    def tables(self) -> set[str]:
        return set(inspect(self.engine).get_table_names())

    def close(self) -> None:
        self.engine.dispose()


def is_connection_fault(err: DBAPIError) -> bool:
    """Whether a driver error means the database could not be reached or used (not a bad statement)."""
    if err.connection_invalidated:
        return True
    text = str(getattr(err, "orig", err)).lower()
    return any(
        k in text
        for k in (
            "connection",
            "could not connect",
            "unable to open",
            "server closed",
            "timeout expired",
            "disk i/o",
            "readonly database",
            "no such host",
            "name or service not known",
            "terminating connection",
        )
    )


def open_database(url: str | None = None, *, upgrade: bool = True) -> Database:
    """The database at `url` (default: BACKRUB_DATABASE_URL or SQLite), checked and migrated."""
    db = Database(url)
    try:
        db.check()
        if upgrade:
            db.upgrade()
    except BaseException:
        db.close()
        raise
    return db
