"""Records of live sessions in SQL: sessions, their events (with the client's seq) and outcomes.

The schema is plain SQLAlchemy metadata with a naming convention, so a later
Alembic baseline can adopt it as is and add recipients and richer outcomes.
SQLite (the default) runs in WAL mode; every call goes through one worker
thread, so writers never contend and the event loop never waits on a lock.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from sqlalchemy.pool import StaticPool

ENV_URL = "BACKRUB_DATABASE_URL"
CHECKPOINT_S = 2.0
T = TypeVar("T")


def default_database_url() -> str:
    """BACKRUB_DATABASE_URL, else SQLite in the user's data directory (created if needed)."""
    url = os.environ.get(ENV_URL)
    if url:
        return url
    from platformdirs import user_data_dir

    folder = Path(user_data_dir("backrub", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'backrub.db'}"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention={
        "ix": "ix_%(column_0_label)s", "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s", "pk": "pk_%(table_name)s",
    })


def _now() -> datetime:
    return datetime.now(UTC)


class SessionRow(Base):
    """One live massage: the intake, the routine as planned and as it stands, and its clock.

    The clock counts massage seconds: `clock_s` at wall time `clock_wall`, moving when running.
    """

    __tablename__ = "sessions"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    intake: Mapped[str] = mapped_column(Text)  # JSON, as given when the session started
    planned_routine: Mapped[str] = mapped_column(Text)  # JSON
    routine: Mapped[str] = mapped_column(Text)  # JSON, the current routine
    position: Mapped[int] = mapped_column(Integer, default=0)  # step at the last change
    clock_wall: Mapped[float] = mapped_column(Float)
    clock_s: Mapped[float] = mapped_column(Float, default=0.0)
    running: Mapped[bool] = mapped_column(Boolean, default=True)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class EventRow(Base):
    """Something that happened in a session; `seq` is the client's number, unique per session."""

    __tablename__ = "events"
    __table_args__ = (UniqueConstraint("session_id", "seq"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int | None] = mapped_column(Integer, nullable=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    elapsed_s: Mapped[float] = mapped_column(Float)
    type: Mapped[str] = mapped_column(String(16))
    payload: Mapped[str] = mapped_column(Text, default="{}")  # JSON


class OutcomeRow(Base):
    """How the receiver felt before and after (0-10), and the giver's notes."""

    __tablename__ = "outcomes"
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True)
    relaxation_before: Mapped[int | None] = mapped_column(Integer, nullable=True)
    relaxation_after: Mapped[int | None] = mapped_column(Integer, nullable=True)
    pain_before: Mapped[int | None] = mapped_column(Integer, nullable=True)
    pain_after: Mapped[int | None] = mapped_column(Integer, nullable=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


OUTCOME_FIELDS = ("relaxation_before", "relaxation_after", "pain_before", "pain_after", "notes")


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
    """The repository. Sync methods run on the store's own thread; `call` awaits one."""

    def __init__(self, url: str | None = None) -> None:
        self.url = url or default_database_url()
        self.engine = _engine(self.url)
        Base.metadata.create_all(self.engine)
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="backrub-db")
        self._stop = threading.Event()
        self._checkpoints: threading.Thread | None = None
        if self.engine.dialect.name == "sqlite" and self.engine.url.database not in (None, "", ":memory:"):
            self._checkpoints = threading.Thread(target=self._checkpoint_every, args=(CHECKPOINT_S,),
                                                 name="backrub-db-checkpoint", daemon=True)
            self._checkpoints.start()

    async def call(self, fn: Callable[..., T], *args: Any) -> T:
        """Run a repository method on the store's thread without blocking the event loop."""
        return await asyncio.wrap_future(self._worker.submit(fn, *args))

    def close(self) -> None:
        self._stop.set()
        self._worker.shutdown(wait=True)
        if self._checkpoints is not None:
            self._checkpoints.join(timeout=5)
            self.checkpoint()
        self.engine.dispose()

    def checkpoint(self) -> None:
        """Fold the SQLite write-ahead log into the database (PASSIVE: writers never wait)."""
        with self.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")

    def _checkpoint_every(self, seconds: float) -> None:
        while not self._stop.wait(seconds):
            try:
                self.checkpoint()
            except Exception:  # a busy or closing database: try again next time
                continue

    # -- sessions ----------------------------------------------------------------------------
    def create_session(self, intake_json: str, routine_json: str,
                       now: float | None = None) -> tuple[str, Clock]:
        """A new session, its clock started now; its id and clock."""
        sid = uuid.uuid4().hex
        clock = Clock(wall=time.time() if now is None else now, at_s=0.0, running=True)
        with Session(self.engine) as db, db.begin():
            db.add(SessionRow(id=sid, intake=intake_json, planned_routine=routine_json, routine=routine_json,
                              position=0, clock_wall=clock.wall, clock_s=0.0, running=True))
        return sid, clock

    def load(self, sid: str) -> SessionRecord | None:
        with Session(self.engine) as db:
            row = db.get(SessionRow, sid)
            if row is None:
                return None
            seqs = db.scalars(select(EventRow.seq).where(EventRow.session_id == sid,
                                                         EventRow.seq.is_not(None))).all()
            return SessionRecord(
                id=row.id, created_at=row.created_at, intake=row.intake, planned_routine=row.planned_routine,
                routine=row.routine, position=row.position,
                clock=Clock(wall=row.clock_wall, at_s=row.clock_s, running=row.running),
                ended_at=row.ended_at, seqs=frozenset(s for s in seqs if s is not None),
            )

    def record(self, sid: str, new: NewEvent, *, clock: Clock | None = None, routine_json: str | None = None,
               position: int | None = None, ended: bool = False,
               outcome: dict[str, Any] | None = None) -> bool:
        """Store one event and the session changes it causes, together. False: seq already stored."""
        values: dict[str, Any] = {}
        if clock is not None:
            values.update(clock_wall=clock.wall, clock_s=clock.at_s, running=clock.running)
        if routine_json is not None:
            values["routine"] = routine_json
        if position is not None:
            values["position"] = position
        if ended:
            values["ended_at"] = _now()
        try:
            with Session(self.engine) as db, db.begin():
                db.execute(insert(EventRow).values(session_id=sid, seq=new.seq, at=_now(),
                                                   elapsed_s=round(new.elapsed_s, 2), type=new.type,
                                                   payload=json.dumps(new.payload)))
                if values:
                    db.execute(update(SessionRow).where(SessionRow.id == sid).values(**values))
                if outcome is not None:
                    _put_outcome(db, sid, outcome)
        except IntegrityError:
            if new.seq is not None and self._has_seq(sid, new.seq):
                return False
            raise
        return True

    def _has_seq(self, sid: str, seq: int) -> bool:
        with Session(self.engine) as db:
            return db.scalar(select(EventRow.id).where(EventRow.session_id == sid, EventRow.seq == seq)) \
                is not None

    def save_outcome(self, sid: str, outcome: dict[str, Any]) -> bool:
        """Save (or replace) a session's outcome; False when there is no such session."""
        with Session(self.engine) as db, db.begin():
            if db.get(SessionRow, sid) is None:
                return False
            _put_outcome(db, sid, outcome)
            return True

    def view(self, sid: str) -> dict[str, Any] | None:
        """The session as the API shows it: everything stored, events in order."""
        with Session(self.engine) as db:
            row = db.get(SessionRow, sid)
            if row is None:
                return None
            events = db.scalars(select(EventRow).where(EventRow.session_id == sid)
                                .order_by(EventRow.id)).all()
            out = db.get(OutcomeRow, sid)
            return {
                "id": row.id,
                "created_at": _iso(row.created_at),
                "ended_at": _iso(row.ended_at) if row.ended_at else None,
                "intake": json.loads(row.intake),
                "planned_routine": json.loads(row.planned_routine),
                "routine": json.loads(row.routine),
                "position": row.position,
                "clock": {"wall": row.clock_wall, "at_s": row.clock_s, "running": row.running},
                "events": [{"seq": e.seq, "at": _iso(e.at), "elapsed_s": e.elapsed_s, "type": e.type,
                            "payload": json.loads(e.payload)} for e in events],
                "outcome": None if out is None else {k: getattr(out, k) for k in OUTCOME_FIELDS},
            }


def _put_outcome(db: Session, sid: str, outcome: dict[str, Any]) -> None:
    row = db.get(OutcomeRow, sid) or OutcomeRow(session_id=sid)
    for key in OUTCOME_FIELDS:
        if key in outcome:
            setattr(row, key, outcome[key] if key != "notes" else (outcome[key] or ""))
    row.recorded_at = _now()
    db.add(row)


def _iso(value: datetime) -> str:
    if value.tzinfo is None:  # SQLite gives back naive datetimes; they were stored in UTC
        value = value.replace(tzinfo=UTC)
    return value.isoformat()


def _engine(url: str) -> Engine:
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    memory = ":memory:" in url or url in ("sqlite://", "sqlite:///")
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10},
                           **({"poolclass": StaticPool} if memory else {}))

    @event.listens_for(engine, "connect")
    def _pragmas(conn: Any, _record: Any) -> None:
        cur = conn.cursor()
        if not memory:
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")  # WAL keeps commits durable against crashes
            # Checkpoints copy the log into the database and sync it: the store does them on a
            # timer (see Store), never inside a commit that a waiting user's message depends on.
            cur.execute("PRAGMA wal_autocheckpoint=0")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    return engine
