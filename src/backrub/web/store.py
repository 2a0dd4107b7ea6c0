"""The web coach's access to the records: threads to run records functions on, off the event loop.

A live session's state and its writes live in the records layer (`backrub.records.live`); this
module only runs them. Every write goes through the records journal: one writer thread commits what
all sessions send in small batches (group commit), each write on its own savepoint, and a write's
future resolves only once its batch is committed, so the live channel acknowledges a message only
after its event is stored. Reads run on a few threads of their own (SQLite in WAL mode lets them
read while the journal writes).

SQLite in WAL mode in the user's data directory by default; PostgreSQL when BACKRUB_DATABASE_URL
says so (`postgresql://` or `postgresql+psycopg://`).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from backrub.records import live as records_live
from backrub.records.clock import Clock
from backrub.records.db import ENV_URL, Database, database_url, open_database, unavailable
from backrub.records.errors import NotFound as RecordNotFound
from backrub.records.journal import Journal, Later
from backrub.records.live import OUTCOME_FIELDS, LiveRecord, NewEvent
from backrub.records.recipients import LOCAL, Viewer
from backrub.records.sessions import session_view

# Clock and NewEvent are the records' own; named here too for the modules that import them from here.
__all__ = ["ENV_URL", "OUTCOME_FIELDS", "Clock", "NewEvent", "SessionRecord", "Store", "default_database_url"]

READERS = 4
T = TypeVar("T")
SessionRecord = LiveRecord


def default_database_url() -> str:
    """BACKRUB_DATABASE_URL, else SQLite in the user's data directory (created if needed)."""
    return database_url()


class Store:
    """The repository over the records database. Writes go through the journal (group commit);
    `call` runs a method on a reader thread without blocking the event loop; `submit_record`
    hands back a future that resolves once the event is committed."""

    def __init__(self, url: str | None = None) -> None:
        self.db: Database = open_database(url)  # checked, and migrated to the current revision
        self.url = self.db.url
        self.engine = self.db.engine
        self.journal = Journal(self.engine, on_fault=lambda err: unavailable(self.engine.url, err))
        self._readers = ThreadPoolExecutor(max_workers=READERS, thread_name_prefix="backrub-db")
        self.worker = uuid.uuid4().hex[:12]  # names this process in the notices it sends

    @property
    def shared(self) -> bool:
        """Whether other workers may serve the same sessions (PostgreSQL); SQLite has one process."""
        return self.db.dialect == "postgresql"

    async def call(self, fn: Callable[..., T], *args: Any) -> T:
        """Run a repository method on a store thread without blocking the event loop."""
        return await asyncio.wrap_future(self._readers.submit(fn, *args))

    async def read(self, fn: Callable[..., T], *args: Any) -> T:
        """`fn(db, *args)` in one unit of work on a store thread (for the records routes)."""
        return await self.call(self._unit, fn, args, False)

    async def write(self, fn: Callable[..., T], *args: Any) -> T:
        """`read`, for a unit that writes: it waits for the write lock first, so a read followed by
        a write never fails because the live sessions' writer committed in between."""
        return await self.call(self._unit, fn, args, True)

    def _unit(self, fn: Callable[..., T], args: tuple[Any, ...], writes: bool) -> T:
        with self.db.session(writes=writes) as db:
            return fn(db, *args)

    def close(self) -> None:
        self._readers.shutdown(wait=True)
        self.journal.close()
        self.db.close()

    # -- sessions (the records' live functions, run here) -----------------------------------
    def create_session(self, intake_json: str, routine_json: str, now: float | None = None, *,
                       owner_id: int | None = None) -> tuple[str, Clock]:
        """A new session owned by `owner_id` (None: the local user), its clock started now; its id
        and clock (once committed)."""
        clock = Clock(wall=time.time() if now is None else now, at_s=0.0, running=True)
        sid = self.journal.submit(lambda conn: records_live.create(
            conn, intake_json=intake_json, routine_json=routine_json, clock=clock,
            owner_id=owner_id)).result()
        return sid, clock

    def load(self, sid: str) -> LiveRecord | None:
        """The session as stored now (held by the live coach for every viewer: `visible` says who may)."""
        with self.db.session() as db:
            return records_live.load(db, sid)

    def submit_record(self, sid: str, new: NewEvent, **changes: Any) -> Future[int]:
        """Queue one event and the session changes it causes (`records.live.change`), committed
        together. The future holds the new version once committed; a seq already stored fails it
        with IntegrityError, a stale `version` with Stale (nothing written either way)."""
        changes.setdefault("version", None)

        def write(conn: Connection) -> int | Later[int]:
            return records_live.change(conn, sid, new, **changes)

        # One statement (PostgreSQL) unless an outcome is saved with it: sent in the batch's pipeline.
        return self.journal.submit(write, pipelined=changes.get("outcome") is None)

    async def record_async(self, sid: str, new: NewEvent, **changes: Any) -> int | None:
        """`record`, awaited on the event loop: the new version once committed, None for a seq
        already stored."""
        try:
            return await asyncio.wrap_future(self.submit_record(sid, new, **changes))
        except IntegrityError:
            if new.seq is not None and await self.call(self.has_seq, sid, new.seq):
                return None
            raise

    def record(self, sid: str, new: NewEvent, **changes: Any) -> int | None:
        """Store one event and the session changes it causes, together; None: seq already stored."""
        try:
            return self.submit_record(sid, new, **changes).result()
        except IntegrityError:
            if new.seq is not None and self.has_seq(sid, new.seq):
                return None
            raise

    def notify(self, notice: dict[str, Any]) -> None:
        """Send a notice to the other workers now (PostgreSQL only; nothing on SQLite)."""
        if self.shared:
            with self.engine.begin() as conn:
                records_live.notify(conn, {**notice, "w": self.worker})

    def has_seq(self, sid: str, seq: int) -> bool:
        with self.engine.connect() as conn:
            return records_live.has_seq(conn, sid, seq)

    def visible(self, sid: str, viewer: Viewer) -> bool:
        """True when `viewer` may see the session (always, for the local user of a session there)."""
        with self.engine.connect() as conn:
            return records_live.visible(conn, sid, viewer)

    def save_outcome(self, sid: str, outcome: dict[str, Any], viewer: Viewer = LOCAL) -> bool:
        """Save (or replace) a session's outcome; False when there is no such session `viewer` may see."""

        def write(conn: Connection) -> bool:
            if not records_live.visible(conn, sid, viewer):
                return False
            records_live.put_outcome(conn, sid, outcome)
            return True

        return self.journal.submit(write).result()

    def view(self, sid: str, viewer: Viewer = LOCAL) -> dict[str, Any] | None:
        """The session as the API shows it (everything stored, events in order, the changes its
        intake made); None when there is no such session `viewer` may see."""
        with self.db.session() as db:
            try:
                return session_view(db, viewer, sid)
            except RecordNotFound:
                return None
