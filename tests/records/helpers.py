"""Small builders shared by the records tests: a recipient, a planned session with events."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from backrub.planner import plan_routine
from backrub.records.models import EventRow, OutcomeRow, SessionRow
from backrub.records.recipients import LOCAL, Recipient, Viewer, create_recipient
from backrub.records.sessions import next_intake, start_session


def recipient(db: Session, viewer: Viewer = LOCAL, **fields: Any) -> Recipient:
    return create_recipient(db, viewer, {"name": "Ann", **fields})


def session_with(
    db: Session,
    rid: str,
    feedback: list[tuple[str, dict[str, float] | None]],
    viewer: Viewer = LOCAL,
    outcome: dict[str, Any] | None = None,
    played_s: float = 600.0,
    kind: str = "massage",
    today: dict[str, Any] | None = None,
) -> str:
    """A session planned from the recipient's next intake, with feedback events and an end."""
    intake, changes = next_intake(db, viewer, rid, today=today)
    routine = plan_routine(intake)
    sid = start_session(
        db,
        viewer,
        intake=intake,
        routine_json=json.dumps(routine.to_dict()),
        recipient_id=rid,
        changes=[c.to_dict() for c in changes],
        kind=kind,
    )
    for seq, (what, at) in enumerate(feedback):
        payload: dict[str, Any] = {"kind": what, **({"at": at} if at else {})}
        db.add(
            EventRow(
                session_id=sid,
                seq=seq,
                elapsed_s=30.0 * (seq + 1),
                type="feedback",
                payload=json.dumps(payload),
            )
        )
    db.add(EventRow(session_id=sid, seq=len(feedback), elapsed_s=played_s, type="end", payload="{}"))
    row = db.get(SessionRow, sid)
    assert row is not None
    row.clock_s, row.running = played_s, False
    from backrub.records.models import utcnow

    row.ended_at = utcnow()
    if outcome is not None:
        db.add(OutcomeRow(session_id=sid, **outcome))
    db.flush()
    return sid
