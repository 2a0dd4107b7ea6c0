"""Records of live sessions, kept in the records database (`backrub.records`): one schema for all.

The tables are the records models (`sessions`, `events`, `outcomes`), created and upgraded by the
records' Alembic migrations when the store opens. Every write goes through the records journal:
one writer thread commits what all sessions send in small batches (group commit), each write on its
own savepoint, and a write's future resolves only once its batch is committed, so the live channel
acknowledges a message only after its event is stored. Reads run on a few threads of their own
(SQLite in WAL mode lets them read while the journal writes).

SQLite in WAL mode in the user's data directory by default; PostgreSQL when BACKRUB_DATABASE_URL
says so (`postgresql://` or `postgresql+psycopg://`).
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import IntegrityError

from backrub.records.db import ENV_URL, Database, database_url, open_database, unavailable
from backrub.records.errors import NotFound as RecordNotFound
from backrub.records.journal import Journal
from backrub.records.models import EventRow, OutcomeRow, SessionRow, aware, utcnow
from backrub.records.recipients import LOCAL, Viewer
from backrub.records.sessions import session_view, session_visible

__all__ = ["ENV_URL", "OUTCOME_FIELDS", "Clock", "NewEvent", "SessionRecord", "Store", "default_database_url"]

READERS = 4
INSERT_EVENT = insert(EventRow)
T = TypeVar("T")
OUTCOME_FIELDS = ("relaxation_before", "relaxation_after", "pain_before", "pain_after", "notes")


def default_database_url() -> str:
    """BACKRUB_DATABASE_URL, else SQLite in the user's data directory (created if needed)."""
    return database_url()


@dataclass(frozen=True, slots=True, kw_only=True)
class Clock:
    """Massage time: `at_s` seconds at wall time `wall`, counting on while `running`."""

    wall: float
    at_s: float
    running: bool

    def elapsed(self, now: float) -> float:
        return self.at_s + (now - self.wall if self.running else 0.0)

    def set(self, now: float, at_s: float, running: bool) -> Clock:
        return Clock(wall=now, at_s=at_s, running=running)


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionRecord:
    """A session as stored, JSON left as text (the routine is sent as it is)."""

    id: str
    created_at: datetime
    intake: str
    planned_routine: str
    routine: str
    position: int
    clock: Clock
    ended_at: datetime | None
    seqs: frozenset[int]


@dataclass(frozen=True, slots=True, kw_only=True)
class NewEvent:
    type: str
    elapsed_s: float
    payload: dict[str, Any]
    seq: int | None = None


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

    # -- sessions ----------------------------------------------------------------------------
    def create_session(self, intake_json: str, routine_json: str, now: float | None = None, *,
                       owner_id: int | None = None) -> tuple[str, Clock]:
        """A new session owned by `owner_id` (None: the local user), its clock started now; its id
        and clock (once committed)."""
        sid = uuid.uuid4().hex
        clock = Clock(wall=time.time() if now is None else now, at_s=0.0, running=True)

        def write(conn: Connection) -> None:
            conn.execute(insert(SessionRow).values(
                id=sid, created_at=utcnow(), intake=intake_json, planned_routine=routine_json,
                routine=routine_json, position=0, clock_wall=clock.wall, clock_s=0.0, running=True,
                kind="massage", owner_id=owner_id))

        self.journal.submit(write).result()
        return sid, clock

    def load(self, sid: str) -> SessionRecord | None:
        """The session as stored (held by the live coach for every viewer: `visible` says who may)."""
        with self.db.session() as db:
            row = db.get(SessionRow, sid)
            if row is None:
                return None
            seqs = db.scalars(select(EventRow.seq).where(EventRow.session_id == sid,
                                                         EventRow.seq.is_not(None))).all()
            return SessionRecord(
                id=row.id, created_at=aware(row.created_at), intake=row.intake,
                planned_routine=row.planned_routine, routine=row.routine, position=row.position,
                clock=Clock(wall=row.clock_wall, at_s=row.clock_s, running=row.running),
                ended_at=aware(row.ended_at) if row.ended_at else None,
                seqs=frozenset(s for s in seqs if s is not None),
            )

    def submit_record(self, sid: str, new: NewEvent, *, clock: Clock | None = None,
                      routine_json: str | None = None, position: int | None = None, ended: bool = False,
                      outcome: dict[str, Any] | None = None) -> Future[bool]:
        """Queue one event and the session changes it causes, to be committed together. The future
        holds True once committed; a seq already stored fails it with IntegrityError (nothing written)."""
        values: dict[str, Any] = {}
        if clock is not None:
            values.update(clock_wall=clock.wall, clock_s=clock.at_s, running=clock.running)
        if routine_json is not None:
            values["routine"] = routine_json
        if position is not None:
            values["position"] = position
        event = {"session_id": sid, "seq": new.seq, "elapsed_s": round(new.elapsed_s, 2), "type": new.type,
                 "payload": json.dumps(new.payload)}

        def write(conn: Connection) -> bool:
            # A seq already stored fails the insert: the journal rolls this write back alone, and
            # `record`/`record_async` tell such a repeat from a real fault.
            conn.execute(INSERT_EVENT, {**event, "at": utcnow()})
            changes = {**values, **({"ended_at": utcnow()} if ended else {})}
            if changes:
                conn.execute(update(SessionRow).where(SessionRow.id == sid).values(**changes))
            if outcome is not None:
                _put_outcome(conn, sid, outcome)
            return True

        return self.journal.submit(write)

    async def record_async(self, sid: str, new: NewEvent, **changes: Any) -> bool:
        """`record`, awaited on the event loop: True once committed, False for a seq already stored."""
        try:
            return await asyncio.wrap_future(self.submit_record(sid, new, **changes))
        except IntegrityError:
            if new.seq is not None and await self.call(self.has_seq, sid, new.seq):
                return False
            raise

    def record(self, sid: str, new: NewEvent, **changes: Any) -> bool:
        """Store one event and the session changes it causes, together. False: seq already stored."""
        try:
            return self.submit_record(sid, new, **changes).result()
        except IntegrityError:
            if new.seq is not None and self.has_seq(sid, new.seq):
                return False
            raise

    def has_seq(self, sid: str, seq: int) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(select(EventRow.id).where(EventRow.session_id == sid, EventRow.seq == seq)) \
                .first() is not None

    def visible(self, sid: str, viewer: Viewer) -> bool:
        """True when `viewer` may see the session (always, for the local user of a session there)."""
        with self.engine.connect() as conn:
            return conn.execute(select(SessionRow.id).where(SessionRow.id == sid, session_visible(viewer))) \
                .first() is not None

    def save_outcome(self, sid: str, outcome: dict[str, Any], viewer: Viewer = LOCAL) -> bool:
        """Save (or replace) a session's outcome; False when there is no such session `viewer` may see."""

        def write(conn: Connection) -> bool:
            found = select(SessionRow.id).where(SessionRow.id == sid, session_visible(viewer))
            if conn.execute(found).first() is None:
                return False
            _put_outcome(conn, sid, outcome)
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


def _put_outcome(conn: Connection, sid: str, outcome: dict[str, Any]) -> None:
    fields = {k: (outcome[k] if k != "notes" else (outcome[k] or "")) for k in OUTCOME_FIELDS if k in outcome}
    found = conn.execute(select(OutcomeRow.session_id).where(OutcomeRow.session_id == sid)).first()
    if found is None:
        conn.execute(insert(OutcomeRow).values(session_id=sid, recorded_at=utcnow(),
                                               **{"notes": "", **fields}))
    else:
        conn.execute(update(OutcomeRow).where(OutcomeRow.session_id == sid)
                     .values(recorded_at=utcnow(), **fields))

