"""Comfort care for a bed-bound person: back rubs due at set times, and a skin check before each.

Rubs fall due every few hours (4 by default) from a start time. Before each rub the caregiver looks
at the skin; reddened or broken places marked on the back map become no-touch spots for that rub.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backrub.errors import InputError, Problem, Problems, describe, suggest
from backrub.intake.model import Spot, parse_intake
from backrub.records.models import CareScheduleRow, RecipientRow, SessionRow, SkinCheckRow, aware, utcnow
from backrub.records.recipients import Viewer, recipient_row, visible

EVERY_HOURS = (1.0, 24.0)
DEFAULT_EVERY_MIN = 240
LEAD = timedelta(minutes=15)  # a rub this early still counts for its slot, and shows as due
CHECK_FRESH = timedelta(minutes=30)  # a skin check older than this must be done again before a rub
MARK_KINDS = {"redness": "redness", "broken": "wound", "wound": "wound", "rash": "rash", "bruise": "bruise"}
SCHEDULE_FIELDS = ("every_hours", "starts_at", "rub_minutes", "active")
EARLIEST_YEAR, LATEST_AHEAD = 2000, timedelta(days=366)  # keeps every slot a date can hold


@dataclass(frozen=True, slots=True, kw_only=True)
class Schedule:
    every: timedelta
    starts_at: datetime
    rub_minutes: float = 8.0
    active: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {
            "every_hours": self.every.total_seconds() / 3600,
            "starts_at": self.starts_at.isoformat(),
            "rub_minutes": self.rub_minutes,
            "active": self.active,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Due:
    """A rub that is due: for whom, for which slot, how late, when the last one was."""

    recipient_id: str
    name: str
    due_at: datetime
    overdue_min: int
    last_rub: datetime | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "recipient_id": self.recipient_id,
            "name": self.name,
            "due_at": self.due_at.isoformat(),
            "overdue_min": self.overdue_min,
            "last_rub": self.last_rub.isoformat() if self.last_rub else None,
        }


def parse_schedule(raw: Any, now: datetime) -> Schedule:
    """A schedule form: `every_hours` (1-24, default 4), `starts_at` (ISO time), `rub_minutes` (3-10)."""
    problems = Problems()
    if not isinstance(raw, dict):
        problems.add("", f"expected an object with {', '.join(SCHEDULE_FIELDS)} (got {describe(raw)})")
        problems.raise_if_any()
    problems.unknown_keys(raw, SCHEDULE_FIELDS)
    every = raw.get("every_hours", DEFAULT_EVERY_MIN / 60)
    if (
        isinstance(every, bool)
        or not isinstance(every, int | float)
        or not EVERY_HOURS[0] <= every <= EVERY_HOURS[1]
    ):
        problems.add("every_hours", f"expected 1 to 24 hours between rubs (got {describe(every)})")
        every = 4
    minutes = raw.get("rub_minutes", 8)
    if isinstance(minutes, bool) or not isinstance(minutes, int | float) or not 3 <= minutes <= 10:
        problems.add("rub_minutes", f"expected 3 to 10 minutes for a comfort rub (got {describe(minutes)})")
        minutes = 8
    active = raw.get("active", True)
    if not isinstance(active, bool):
        problems.add("active", f"expected true or false (got {describe(active)})")
    starts = raw.get("starts_at")
    start = now
    if starts is not None:
        try:
            start = datetime.fromisoformat(starts) if isinstance(starts, str) else None  # type: ignore[assignment]
        except ValueError:
            start = None  # type: ignore[assignment]
        if start is None:
            problems.add(
                "starts_at", f"expected a date and time such as 2026-05-20T08:00 (got {describe(starts)})"
            )
            start = now
        else:
            if start.tzinfo is None:
                start = start.replace(tzinfo=now.tzinfo)
            if start.year < EARLIEST_YEAR or start - now > LATEST_AHEAD:
                problems.add(
                    "starts_at",
                    f"expected a time from {EARLIEST_YEAR} on, at most a year ahead (got {starts})",
                )
                start = now
    problems.raise_if_any()
    return Schedule(
        every=timedelta(minutes=round(float(every) * 60)),
        starts_at=start,
        rub_minutes=float(minutes),
        active=bool(active),
    )


def slot_at(schedule: Schedule, now: datetime) -> datetime:
    """The latest set time at or before `now` (+ the lead), or the first one when none has come yet."""
    if now + LEAD < schedule.starts_at:
        return schedule.starts_at
    n = (now + LEAD - schedule.starts_at) // schedule.every
    return schedule.starts_at + n * schedule.every


def due(schedule: Schedule, last_rub: datetime | None, now: datetime) -> datetime | None:
    """The slot a rub is due for now, or None when the latest slot has had its rub (or is not near)."""
    if not schedule.active:
        return None
    slot = slot_at(schedule, now)
    if slot > now + LEAD:
        return None
    if last_rub is not None and last_rub >= slot - LEAD:
        return None
    return slot


def next_due(schedule: Schedule, last_rub: datetime | None, now: datetime) -> datetime:
    slot = due(schedule, last_rub, now)
    if slot is not None:
        return slot
    upcoming = slot_at(schedule, now)
    return upcoming if upcoming > now + LEAD else upcoming + schedule.every


def parse_marks(raw: Any, where: str = "marks") -> tuple[Spot, ...]:
    """Reddened or broken places marked on the back map: [{kind, at: {x_cm, y_cm}, radius_cm}] or by zone."""
    problems = Problems()
    if not isinstance(raw, list):
        problems.add(where, f"expected a list of marked places (got {describe(raw)})")
        problems.raise_if_any()
    spots = []
    for i, item in enumerate(raw):
        if isinstance(item, dict) and isinstance(item.get("kind"), str):
            kind = item["kind"]
            if kind not in MARK_KINDS:
                problems.add(f"{where}[{i}].kind", f"unknown kind {kind!r}; {suggest(kind, MARK_KINDS)}")
                continue
            item = {**item, "kind": MARK_KINDS[kind]}
        spots.append(item)
    try:
        intake = parse_intake({"spots": spots})
    except InputError as err:
        for p in err.problems:
            problems.add(p.path.replace("spots", where, 1), p.message)
    problems.raise_if_any()
    return intake.spots


def set_schedule(db: Session, viewer: Viewer, rid: str, raw: Any, now: datetime | None = None) -> Schedule:
    recipient_row(db, viewer, rid)
    schedule = parse_schedule(raw, now or utcnow())
    row = db.get(CareScheduleRow, rid) or CareScheduleRow(recipient_id=rid)
    row.every_minutes = int(schedule.every.total_seconds() // 60)
    row.starts_at, row.rub_minutes, row.active = schedule.starts_at, schedule.rub_minutes, schedule.active
    db.add(row)
    db.flush()
    return schedule


def schedule_view(
    db: Session, viewer: Viewer, rid: str, now: datetime | None = None
) -> dict[str, Any] | None:
    """A recipient's schedule with when the next rub is due (None without a schedule)."""
    schedule = get_schedule(db, viewer, rid)
    if schedule is None:
        return None
    when = next_due(schedule, last_rub(db, rid), now or utcnow())
    return {**schedule.to_dict(), "next_due": when.isoformat() if schedule.active else None}


def schedule_of(row: CareScheduleRow) -> Schedule:
    return Schedule(
        every=timedelta(minutes=row.every_minutes),
        starts_at=aware(row.starts_at),
        rub_minutes=row.rub_minutes,
        active=row.active,
    )


def get_schedule(db: Session, viewer: Viewer, rid: str) -> Schedule | None:
    recipient_row(db, viewer, rid)
    row = db.get(CareScheduleRow, rid)
    return None if row is None else schedule_of(row)


def last_rub(db: Session, rid: str) -> datetime | None:
    when = db.scalar(
        select(SessionRow.created_at)
        .where(SessionRow.recipient_id == rid, SessionRow.kind == "comfort")
        .order_by(SessionRow.created_at.desc())
        .limit(1)
    )
    return None if when is None else aware(when)


def due_now(db: Session, viewer: Viewer, now: datetime | None = None) -> list[Due]:
    """Every rub due now among the recipients this viewer sees, the longest overdue first."""
    now = now or utcnow()
    rows = db.execute(
        select(RecipientRow.id, RecipientRow.name, CareScheduleRow)
        .join(CareScheduleRow, CareScheduleRow.recipient_id == RecipientRow.id)
        .where(visible(viewer), CareScheduleRow.active)
    ).all()
    out = []
    for rid, name, sched in rows:
        last = last_rub(db, rid)
        slot = due(schedule_of(sched), last, now)
        if slot is not None:
            out.append(
                Due(
                    recipient_id=rid,
                    name=name,
                    due_at=slot,
                    last_rub=last,
                    overdue_min=max(int((now - slot).total_seconds() // 60), 0),
                )
            )
    return sorted(out, key=lambda d: (d.due_at, d.name))


def record_skin_check(
    db: Session, viewer: Viewer, rid: str, raw: Any, now: datetime | None = None
) -> dict[str, Any]:
    """Store a skin check: `{"marks": [...], "notes": "..."}`; the marks become no-touch spots."""
    recipient_row(db, viewer, rid)
    problems = Problems()
    if not isinstance(raw, dict):
        problems.add("", f"expected an object with marks and notes (got {describe(raw)})")
        problems.raise_if_any()
    problems.unknown_keys(raw, ("marks", "notes"))
    notes = raw.get("notes", "")
    if not isinstance(notes, str) or len(notes) > 5000:
        problems.add("notes", f"expected text of at most 5000 characters (got {describe(notes)})")
    marks: tuple[Spot, ...] = ()
    try:
        marks = parse_marks(raw.get("marks", []))
    except InputError as err:
        problems.items.extend(err.problems)
    problems.raise_if_any()
    row = SkinCheckRow(
        recipient_id=rid,
        checked_at=now or utcnow(),
        checked_by=viewer.account_id,
        marks=[m.to_dict() for m in marks],
        notes=notes,
    )
    db.add(row)
    db.flush()
    return check_dict(row)


def check_dict(row: SkinCheckRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "recipient_id": row.recipient_id,
        "checked_at": aware(row.checked_at).isoformat(),
        "marks": row.marks,
        "notes": row.notes,
        "session_id": row.session_id,
    }


def skin_checks(db: Session, viewer: Viewer, rid: str) -> list[dict[str, Any]]:
    """The history of skin checks, newest first."""
    recipient_row(db, viewer, rid)
    rows = db.scalars(
        select(SkinCheckRow)
        .where(SkinCheckRow.recipient_id == rid)
        .order_by(SkinCheckRow.checked_at.desc(), SkinCheckRow.id.desc())
    ).all()
    return [check_dict(r) for r in rows]


def fresh_check(db: Session, viewer: Viewer, rid: str, now: datetime | None = None) -> SkinCheckRow:
    """The skin check a rub may start from; InputError (`skin_check`) when none is recent enough."""
    now = now or utcnow()
    recipient_row(db, viewer, rid)
    row = db.scalar(
        select(SkinCheckRow)
        .where(SkinCheckRow.recipient_id == rid)
        .order_by(SkinCheckRow.checked_at.desc(), SkinCheckRow.id.desc())
        .limit(1)
    )
    if row is None or now - aware(row.checked_at) > CHECK_FRESH:
        when = "" if row is None else f" (the last one was at {aware(row.checked_at):%H:%M on %d %b})"
        raise InputError(
            [
                Problem(
                    path="skin_check",
                    message=f"check the skin before the rub: mark any reddened or broken places{when}",
                )
            ]
        )
    return row


def marks_of(row: SkinCheckRow) -> tuple[Spot, ...]:
    return parse_intake({"spots": list(row.marks)}).spots
