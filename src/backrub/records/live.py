"""A live session's state in the records: one model (`LiveRecord`) and the functions that read and
change it. Every worker serving the session goes through these, so the database is the one truth.

A change is written in one transaction with a version check: `change()` updates the session row only
when it still holds the version the change was computed from, and bumps it; otherwise it raises
`Stale` and writes nothing, so the caller reloads and applies its change again to what is stored.
On PostgreSQL the same transaction sends a notice (`NOTIFY`, delivered at commit) that tells the
other workers what changed, so their clients hear of it.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, overload

from sqlalchemy import Connection, insert, select, text, update
from sqlalchemy.orm import Session

from backrub.records.clock import Clock
from backrub.records.journal import PIPELINE, Later
from backrub.records.models import EventRow, OutcomeRow, SessionRow, aware, utcnow
from backrub.records.recipients import Viewer
from backrub.records.sessions import session_visible

__all__ = ["CHANNEL", "OUTCOME_FIELDS", "Clock", "LiveRecord", "NewEvent", "Stale", "change", "create",
           "has_seq", "load", "notify", "put_outcome", "visible"]

CHANNEL = "backrub_live"  # the PostgreSQL notification channel every worker listens on
MAX_NOTICE = 7000  # PostgreSQL takes payloads under 8,000 bytes
OUTCOME_FIELDS = ("relaxation_before", "relaxation_after", "pain_before", "pain_after", "notes")
INSERT_EVENT = insert(EventRow)


class Stale(Exception):
    """The session changed since the version a change was computed from; nothing was written."""


@dataclass(frozen=True, slots=True, kw_only=True)
class LiveRecord:
    """A session as stored, JSON left as text (the routine is sent as it is), at `version`."""

    id: str
    created_at: datetime
    intake: str
    planned_routine: str
    routine: str
    position: int
    clock: Clock
    ended_at: datetime | None
    seqs: frozenset[int]
    version: int


@dataclass(frozen=True, slots=True, kw_only=True)
class NewEvent:
    """An event to store with the change it causes (`seq`: the client's number, unique per session)."""

    type: str
    elapsed_s: float
    payload: dict[str, Any]
    seq: int | None = None


def create(conn: Connection, *, intake_json: str, routine_json: str, clock: Clock,
           owner_id: int | None) -> str:
    """Insert a new live session (version 0); its id."""
    sid = uuid.uuid4().hex
    conn.execute(insert(SessionRow).values(
        id=sid, created_at=utcnow(), intake=intake_json, planned_routine=routine_json, routine=routine_json,
        position=0, clock_wall=clock.wall, clock_s=clock.at_s, running=clock.running, kind="massage",
        owner_id=owner_id, version=0))
    return sid


def load(db: Session, sid: str) -> LiveRecord | None:
    """The session as stored now, with the seqs already taken; None when there is none."""
    row = db.get(SessionRow, sid, populate_existing=True)
    if row is None:
        return None
    seqs = db.scalars(select(EventRow.seq).where(EventRow.session_id == sid, EventRow.seq.is_not(None))).all()
    return LiveRecord(
        id=row.id, created_at=aware(row.created_at), intake=row.intake, planned_routine=row.planned_routine,
        routine=row.routine, position=row.position,
        clock=Clock(wall=row.clock_wall, at_s=row.clock_s, running=row.running),
        ended_at=aware(row.ended_at) if row.ended_at else None,
        seqs=frozenset(s for s in seqs if s is not None), version=row.version)


def change(conn: Connection, sid: str, new: NewEvent, *, version: int | None, clock: Clock | None = None,
           routine_json: str | None = None, position: int | None = None, ended: bool = False,
           outcome: dict[str, Any] | None = None, notice: dict[str, Any] | None = None) -> int | Later[int]:
    """Store one event and the change it causes to the session, together; the new version.

    `version`: the version the change was computed from (Stale when the row holds another; None
    writes whatever is stored, for callers that hold no copy). `notice`: sent to the other workers
    (PostgreSQL) once committed, with the session id and the new version added.
    A seq already stored fails the insert with IntegrityError. In a journal's pipeline (PostgreSQL,
    no outcome) the answer is a `Later`, read once the pipeline is answered.
    """
    values: dict[str, Any] = {}
    if clock is not None:
        values.update(clock_wall=clock.wall, clock_s=clock.at_s, running=clock.running)
    if routine_json is not None:
        values["routine"] = routine_json
    if position is not None:
        values["position"] = position
    if ended:
        values["ended_at"] = utcnow()
    # Only a change of state makes a new version (an event alone, a refusal, a breath: the copies
    # other workers hold stay good); the check is made either way.
    bump = 1 if values else 0
    event = {"session_id": sid, "seq": new.seq, "elapsed_s": round(new.elapsed_s, 2), "type": new.type,
             "payload": json.dumps(new.payload), "at": utcnow()}
    if conn.dialect.name == "postgresql":
        pipeline = conn.info.get(PIPELINE)
        if pipeline is not None:
            if outcome is not None:
                raise ValueError("a change with an outcome is two statements: it is not pipelined")
            return _change_in_one(conn, sid, version, values, bump, event, notice, pipeline)
        stored = _change_in_one(conn, sid, version, values, bump, event, notice, None)
    else:
        stored = _change_in_steps(conn, sid, version, values, bump, event)
    if outcome is not None:
        put_outcome(conn, sid, outcome)
    return stored


def _change_in_steps(conn: Connection, sid: str, version: int | None, values: dict[str, Any], bump: int,
                     event: dict[str, Any]) -> int:
    # SQLite (one process, no notices): the UPDATE first, the event after it, in the caller's
    # transaction.
    where = [SessionRow.id == sid]
    if version is not None:
        where.append(SessionRow.version == version)
    found = conn.execute(update(SessionRow).where(*where).values(version=SessionRow.version + bump, **values)
                         .returning(SessionRow.version)).first()
    if found is None:
        raise Stale(sid)
    conn.execute(INSERT_EVENT, event)
    return int(found[0])


# The columns a change may set (their names go into the statement's text, so only these), and the
# statements made so far, one for each shape of change.
_COLUMNS = frozenset({"clock_wall", "clock_s", "running", "routine", "position", "ended_at"})
_STATEMENTS: dict[tuple[Any, ...], str] = {}


@overload
def _change_in_one(conn: Connection, sid: str, version: int | None, values: dict[str, Any], bump: int,
                   event: dict[str, Any], notice: dict[str, Any] | None, pipeline: None) -> int: ...
@overload
def _change_in_one(conn: Connection, sid: str, version: int | None, values: dict[str, Any], bump: int,
                   event: dict[str, Any], notice: dict[str, Any] | None, pipeline: Any) -> Later[int]: ...
def _change_in_one(conn: Connection, sid: str, version: int | None, values: dict[str, Any], bump: int,
                   event: dict[str, Any], notice: dict[str, Any] | None, pipeline: Any) -> int | Later[int]:
    """PostgreSQL: the version check, the new state, the event and the notice in ONE statement (one
    round trip, prepared by psycopg after a few uses): the UPDATE takes the row lock and returns the
    new version; the INSERT and the notice run only when it found the row at `version`."""
    key = (tuple(values), version is not None, bump, notice is not None)
    sql = _STATEMENTS.get(key)
    if sql is None:
        if not _COLUMNS.issuperset(values):
            raise ValueError(f"not a live session column: {sorted(set(values) - _COLUMNS)}")
        sets = "".join(f"{name} = %({name})s, " for name in values)
        check = " AND version = %(version)s" if version is not None else ""
        tell = ", pg_notify(%(channel)s, %(head)s || u.version::text || '}')" if notice is not None else ""
        sql = _STATEMENTS[key] = (
            f"WITH u AS (UPDATE sessions SET {sets}version = version + {bump} WHERE id = %(sid)s{check} "
            "RETURNING version), "
            "e AS (INSERT INTO events (session_id, seq, elapsed_s, type, payload, at) "
            "SELECT %(sid)s, %(seq)s::integer, %(elapsed_s)s::double precision, %(type)s::varchar, "
            "%(payload)s::text, %(at)s::timestamptz FROM u) "
            f"SELECT u.version{tell} FROM u")
    params = {**values, **event, "sid": sid, "version": version}
    if notice is not None:
        # The notice names the new version, known only once the UPDATE ran: its JSON ends with it.
        params.update(channel=CHANNEL, head=_notice_text({**notice, "sid": sid})[:-1] + ',"v":')
    if pipeline is not None:  # sent now, answered with the rest of the journal's batch
        cursor = pipeline.cursor()
        cursor.execute(sql, params)
        return Later(lambda: _new_version(cursor.fetchone(), sid))
    return _new_version(conn.exec_driver_sql(sql, params).first(), sid)


def _new_version(found: Any, sid: str) -> int:
    if found is None:
        raise Stale(sid)
    return int(found[0])


def notify(conn: Connection, notice: dict[str, Any]) -> None:
    """Tell the other workers (PostgreSQL NOTIFY, delivered when this transaction commits); nothing on
    SQLite, which one process serves."""
    if conn.dialect.name != "postgresql":
        return
    conn.execute(text("SELECT pg_notify(:channel, :payload)"),
                 {"channel": CHANNEL, "payload": _notice_text(notice)})


def _notice_text(notice: dict[str, Any]) -> str:
    payload = json.dumps(notice, separators=(",", ":"))
    if len(payload.encode()) > MAX_NOTICE:  # a long message: the others read the rest from the row
        payload = json.dumps({**notice, "message": ""}, separators=(",", ":"))
    return payload


def has_seq(conn: Connection, sid: str, seq: int) -> bool:
    """Whether the session already holds an event with this seq."""
    return conn.execute(select(EventRow.id).where(EventRow.session_id == sid, EventRow.seq == seq)) \
        .first() is not None


def visible(conn: Connection, sid: str, viewer: Viewer) -> bool:
    """True when `viewer` may see the session (always, for the local user of a session there)."""
    return conn.execute(select(SessionRow.id).where(SessionRow.id == sid, session_visible(viewer))) \
        .first() is not None


def put_outcome(conn: Connection, sid: str, outcome: dict[str, Any]) -> None:
    """Save (or replace) the fields of a session's outcome that `outcome` names."""
    fields = {k: (outcome[k] if k != "notes" else (outcome[k] or "")) for k in OUTCOME_FIELDS if k in outcome}
    found = conn.execute(select(OutcomeRow.session_id).where(OutcomeRow.session_id == sid)).first()
    if found is None:
        conn.execute(insert(OutcomeRow).values(session_id=sid, recorded_at=utcnow(),
                                               **{"notes": "", **fields}))
    else:
        conn.execute(update(OutcomeRow).where(OutcomeRow.session_id == sid)
                     .values(recorded_at=utcnow(), **fields))
