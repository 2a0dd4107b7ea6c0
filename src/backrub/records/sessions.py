"""Sessions in the records: start one for a recipient, read it back, its history, and what it taught."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, or_, select, true
from sqlalchemy.orm import Session

from backrub.errors import InputError, Problems, describe, suggest
from backrub.intake.model import Intake, Spot, parse_intake
from backrub.knowledge.techniques import PRESSURES
from backrub.records import comfort, learning
from backrub.records.breath import breath_summary
from backrub.records.errors import Conflict, NotFound
from backrub.records.models import (
    EventRow,
    IntakeRow,
    OutcomeRow,
    ProposalRow,
    RecipientRow,
    SessionRow,
    SkinCheckRow,
    aware,
    utcnow,
)
from backrub.records.recipients import Viewer, recipient_from_row, recipient_row, visible

RATINGS = ("pain_before", "pain_after", "relaxation_before", "relaxation_after")
TODAY_FIELDS = ("minutes", "goal", "giver", "pressure", "position", "style", "breaths_per_minute", "focus")


@dataclass(frozen=True, slots=True, kw_only=True)
class Summary:
    """One session in a recipient's history: when, how long, how firm, what was asked, how it went."""

    id: str
    kind: str
    started_at: datetime
    ended_at: datetime | None
    planned_min: float
    performed_min: float
    pressure_start: str
    pressure_end: str
    pressure_used: str  # the firmest pressure of the steps performed (after screening's caps)
    softer: int
    firmer: int
    pain: int
    ratings: dict[str, int | None]
    notes: str
    breath: dict[str, Any] | None = None  # the sensed breath rate over the session (records/breath.py)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "started_at": self.started_at.isoformat(),
            "ended_at": self.ended_at.isoformat() if self.ended_at else None,
            "planned_min": self.planned_min,
            "performed_min": self.performed_min,
            "pressure_start": self.pressure_start,
            "pressure_end": self.pressure_end,
            "pressure_used": self.pressure_used,
            "softer": self.softer,
            "firmer": self.firmer,
            "pain": self.pain,
            **self.ratings,
            "notes": self.notes,
            "breath": self.breath,
        }


def session_visible(viewer: Viewer) -> ColumnElement[bool]:
    """Sessions a viewer may see: their own, and those of recipients they may see."""
    if viewer.local:
        return true()
    return or_(
        SessionRow.owner_id == viewer.account_id,
        SessionRow.recipient_id.in_(select(RecipientRow.id).where(visible(viewer))),
    )


def start_session(
    db: Session,
    viewer: Viewer,
    *,
    intake: Intake,
    routine_json: str,
    recipient_id: str | None = None,
    changes: list[dict[str, str]] | None = None,
    kind: str = "massage",
    now: float | None = None,
    skin_check_id: int | None = None,
) -> str:
    """Store a new session (and, for a recipient, the intake it was planned from); its id.
    A skin check it was planned from (`skin_check_id`) is linked to it."""
    intake_json = json.dumps(intake.to_dict())
    intake_id = None
    if recipient_id is not None:
        recipient_row(db, viewer, recipient_id)
        row = IntakeRow(recipient_id=recipient_id, intake=intake_json, changes=changes or [])
        db.add(row)
        db.flush()
        intake_id = row.id
    sid = uuid.uuid4().hex
    db.add(
        SessionRow(
            id=sid,
            intake=intake_json,
            planned_routine=routine_json,
            routine=routine_json,
            position=0,
            clock_wall=time.time() if now is None else now,
            clock_s=0.0,
            running=True,
            recipient_id=recipient_id,
            owner_id=viewer.account_id,
            intake_id=intake_id,
            kind=kind,
        )
    )
    db.flush()
    if skin_check_id is not None:
        check = db.get(SkinCheckRow, skin_check_id)
        if check is not None and check.recipient_id == recipient_id and check.session_id is None:
            check.session_id = sid
            db.flush()
    return sid


def session_row(db: Session, viewer: Viewer, sid: str) -> SessionRow:
    row = db.scalar(select(SessionRow).where(SessionRow.id == sid, session_visible(viewer)))
    if row is None:
        raise NotFound("session", sid)
    return row


def session_view(db: Session, viewer: Viewer, sid: str) -> dict[str, Any]:
    """Everything stored about one session, events in order."""
    row = session_row(db, viewer, sid)
    events = db.scalars(select(EventRow).where(EventRow.session_id == sid).order_by(EventRow.id)).all()
    out = db.get(OutcomeRow, sid)
    intake_row = db.get(IntakeRow, row.intake_id) if row.intake_id else None
    changes = intake_row.changes if intake_row else []
    return {
        "id": row.id,
        "kind": row.kind,
        "recipient_id": row.recipient_id,
        "created_at": aware(row.created_at).isoformat(),
        "ended_at": aware(row.ended_at).isoformat() if row.ended_at else None,
        "intake": json.loads(row.intake),
        "planned_routine": json.loads(row.planned_routine),
        "routine": json.loads(row.routine),
        "position": row.position,
        "clock": {"wall": row.clock_wall, "at_s": row.clock_s, "running": row.running},
        "version": row.version,  # of the live state (records.live): a live client catches up from it
        "changes": changes,
        "events": [
            {
                "seq": e.seq,
                "at": aware(e.at).isoformat(),
                "elapsed_s": e.elapsed_s,
                "type": e.type,
                "payload": json.loads(e.payload),
            }
            for e in events
        ],
        "outcome": None if out is None else {**{k: getattr(out, k) for k in RATINGS}, "notes": out.notes},
    }


def performed_seconds(row: SessionRow) -> float:
    """Massage seconds done: the clock when it stopped, or now for one still running."""
    if row.running and row.ended_at is None:
        return max(row.clock_s + (time.time() - row.clock_wall), 0.0)
    return row.clock_s


def performed_steps(routine: dict[str, Any], elapsed_s: float) -> list[dict[str, Any]]:
    """The steps begun within the first `elapsed_s` seconds (the routine as performed)."""
    done, start = [], 0.0
    for step in routine.get("steps", []):
        if start >= elapsed_s:
            break
        done.append(step)
        start += float(step.get("seconds", 0.0))
    return done


def history(db: Session, viewer: Viewer, rid: str) -> list[Summary]:
    """A recipient's sessions, oldest first, each summarised."""
    recipient_row(db, viewer, rid)
    rows = db.scalars(
        select(SessionRow).where(SessionRow.recipient_id == rid).order_by(SessionRow.created_at)
    ).all()
    return [_summary(db, r) for r in rows]


def _summary(db: Session, row: SessionRow) -> Summary:
    events = db.execute(select(EventRow.type, EventRow.payload).where(EventRow.session_id == row.id)).all()
    kinds = [json.loads(p).get("kind") for t, p in events if t == "feedback"]
    out = db.get(OutcomeRow, row.id)
    planned = json.loads(row.planned_routine)
    current = json.loads(row.routine)
    start = json.loads(row.intake).get("pressure", "medium")
    end = (current.get("intake") or {}).get("pressure", start)
    done = performed_steps(current, performed_seconds(row)) or current.get("steps", [])[:1]
    used = max((s.get("pressure", "light") for s in done), key=PRESSURES.index, default="light")
    return Summary(
        id=row.id,
        kind=row.kind,
        started_at=aware(row.created_at),
        ended_at=aware(row.ended_at) if row.ended_at else None,
        planned_min=round(float(planned.get("minutes", 0.0)), 1),
        performed_min=round(performed_seconds(row) / 60.0, 1),
        pressure_start=start,
        pressure_end=end,
        pressure_used=used,
        softer=kinds.count("softer"),
        firmer=kinds.count("firmer"),
        pain=kinds.count("pain"),
        ratings={k: getattr(out, k) if out else None for k in RATINGS},
        notes=out.notes if out else "",
        breath=breath_summary(db, row.id),
    )


def facts(db: Session, row: SessionRow) -> learning.SessionFacts:
    events = db.execute(
        select(EventRow.type, EventRow.payload, EventRow.elapsed_s)
        .where(EventRow.session_id == row.id)
        .order_by(EventRow.id)
    ).all()
    return learning.SessionFacts(
        id=row.id,
        started_at=aware(row.created_at),
        pressure=json.loads(row.intake).get("pressure", "medium"),
        feedback=learning.feedback_from_events((t, json.loads(p), e) for t, p, e in events),
    )


def learn_from_session(db: Session, viewer: Viewer, sid: str) -> list[dict[str, Any]]:
    """Store what a session suggests for its recipient, for confirmation; the pending proposals."""
    row = session_row(db, viewer, sid)
    if row.recipient_id is None:
        return []
    rec_row = recipient_row(db, viewer, row.recipient_id)
    recipient = recipient_from_row(rec_row, viewer)
    recent_rows = db.scalars(
        select(SessionRow)
        .where(SessionRow.recipient_id == rec_row.id, SessionRow.created_at <= row.created_at)
        .order_by(SessionRow.created_at.desc())
        .limit(learning.RECENT_SESSIONS)
    ).all()
    intake = parse_intake(json.loads(row.intake))
    found = learning.spot_proposals(recipient, facts(db, row), intake)
    pressure = learning.pressure_proposal(recipient, [facts(db, r) for r in recent_rows])
    if pressure is not None:
        found.append(pressure)
    pending = db.scalars(
        select(ProposalRow).where(ProposalRow.recipient_id == rec_row.id, ProposalRow.status == "pending")
    ).all()
    for proposal in found:
        if any(p.kind == proposal.kind and p.value == proposal.value for p in pending):
            continue
        db.add(
            ProposalRow(
                recipient_id=rec_row.id,
                session_id=proposal.session_id,
                kind=proposal.kind,
                value=proposal.value,
                reason=proposal.reason,
            )
        )
    db.flush()
    return pending_proposals(db, viewer, rec_row.id)


def pending_proposals(db: Session, viewer: Viewer, rid: str) -> list[dict[str, Any]]:
    recipient_row(db, viewer, rid)
    rows = db.scalars(
        select(ProposalRow)
        .where(ProposalRow.recipient_id == rid, ProposalRow.status == "pending")
        .order_by(ProposalRow.id)
    ).all()
    return [_proposal_dict(p) for p in rows]


def decide_proposal(db: Session, viewer: Viewer, pid: int, confirm: bool) -> dict[str, Any]:
    """Confirm (the record changes) or dismiss a pending proposal."""
    prop = db.get(ProposalRow, pid)
    if prop is None:
        raise NotFound("proposal", str(pid))
    rec = recipient_row(db, viewer, prop.recipient_id)  # NotFound for someone else's
    if prop.status != "pending":
        raise Conflict(f"this proposal was already {prop.status}")
    if confirm:
        proposal = learning.Proposal(kind=prop.kind, value=dict(prop.value), reason=prop.reason)
        rec.spots, rec.preferences, rec.reasons = learning.apply_proposal(
            list(rec.spots or []), dict(rec.preferences or {}), dict(rec.reasons or {}), proposal
        )
        rec.updated_at = utcnow()
    prop.status = "confirmed" if confirm else "dismissed"
    prop.decided_at = utcnow()
    db.flush()
    return _proposal_dict(prop)


def _proposal_dict(p: ProposalRow) -> dict[str, Any]:
    return {
        "id": p.id,
        "recipient_id": p.recipient_id,
        "session_id": p.session_id,
        "kind": p.kind,
        "value": p.value,
        "reason": p.reason,
        "status": p.status,
    }


def last_intake(db: Session, rid: str) -> Intake | None:
    text = db.scalar(
        select(SessionRow.intake)
        .where(SessionRow.recipient_id == rid)
        .order_by(SessionRow.created_at.desc())
        .limit(1)
    )
    return None if text is None else parse_intake(json.loads(text))


def next_intake(
    db: Session,
    viewer: Viewer,
    rid: str,
    today: dict[str, Any] | None = None,
    skin_marks: tuple[Spot, ...] = (),
    skin_checked: str = "",
) -> tuple[Intake, list[learning.Change]]:
    """The intake the next session starts from, and what changed since the last one and why."""
    recipient = recipient_from_row(recipient_row(db, viewer, rid), viewer)
    return learning.intake_for_recipient(
        recipient, last=last_intake(db, rid), today=today, skin_marks=skin_marks, skin_checked=skin_checked
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class NextSession:
    """What the next session for a recipient would start from: the intake, what changed and why,
    its kind, and the skin check its no-touch marks come from (comfort care)."""

    intake: Intake
    changes: list[learning.Change]
    kind: str  # "comfort" when the goal is comfort care, else "massage"
    skin_check: dict[str, Any] | None
    skin_check_needed: bool  # a comfort rub with no skin check recent enough

    def to_dict(self) -> dict[str, Any]:
        return {
            "intake": self.intake.to_dict(),
            "changes": [c.to_dict() for c in self.changes],
            "kind": self.kind,
            "skin_check": self.skin_check,
            "skin_check_needed": self.skin_check_needed,
        }


def next_session(
    db: Session,
    viewer: Viewer,
    rid: str,
    today: Any,
    *,
    require_check: bool = False,
    now: datetime | None = None,
) -> NextSession:
    """The next session for a recipient with today's choices (any of TODAY_FIELDS). A comfort rub
    takes its no-touch marks from a fresh skin check; with `require_check`, none is an InputError
    (`skin_check`). Every problem is reported together, each with its field."""
    recipient = recipient_from_row(recipient_row(db, viewer, rid), viewer)
    problems = Problems()
    if not isinstance(today, dict):
        problems.add("", f"expected an object of today's choices (got {describe(today)})")
        problems.raise_if_any()
    for key in today:
        if key not in TODAY_FIELDS:
            problems.add(key, f"not a choice for today; {suggest(key, TODAY_FIELDS)}")
    choices = {k: v for k, v in today.items() if k in TODAY_FIELDS}
    comfort_care = choices.get("goal", recipient.preferences.get("goal")) == "comfort_care"
    check: SkinCheckRow | None = None
    if comfort_care:
        try:
            check = comfort.fresh_check(db, viewer, rid, now)
        except InputError as err:
            if require_check:
                problems.items.extend(err.problems)
    marks = comfort.marks_of(check) if check is not None else ()
    checked = f"{aware(check.checked_at).astimezone():%H:%M}" if check is not None else ""
    try:
        intake, changes = learning.intake_for_recipient(
            recipient, last=last_intake(db, rid), today=choices, skin_marks=marks, skin_checked=checked
        )
    except InputError as err:
        problems.items.extend(err.problems)
    problems.raise_if_any()
    schedule = comfort.get_schedule(db, viewer, rid) if comfort_care else None
    if schedule is not None and "minutes" not in choices:
        # a comfort rub lasts what its schedule says, unless chosen otherwise today
        intake = replace(intake, minutes=schedule.rub_minutes)
        changes = learning.changes_since(last_intake(db, rid), intake, recipient, choices, marks, checked)
        why = "the rub length of the comfort-care schedule"
        changes = [replace(c, why=why) if c.field == "minutes" else c for c in changes]
    return NextSession(
        intake=intake,
        changes=changes,
        kind="comfort" if comfort_care else "massage",
        skin_check=comfort.check_dict(check) if check is not None else None,
        skin_check_needed=comfort_care and check is None,
    )
