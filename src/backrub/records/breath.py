"""The receiver's breath over a session, as a breath sensor kept it (issue 13): events of type
`breath` ({rate_bpm, quality}, one every 15 s while the sensor was locked). A relaxing receiver's
breath slowing is an outcome worth seeing in their history."""

from __future__ import annotations

import json
import statistics
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backrub.records.models import EventRow

EDGE = 3  # rates at each end whose median is the session's start and end


def breath_summary(db: Session, sid: str) -> dict[str, Any] | None:
    """{start_bpm, end_bpm, samples, rates: [[elapsed_s, bpm], ...]} or None when nothing was sensed."""
    rows = db.execute(select(EventRow.elapsed_s, EventRow.payload)
                      .where(EventRow.session_id == sid, EventRow.type == "breath")
                      .order_by(EventRow.elapsed_s, EventRow.id)).all()
    rates = []
    for elapsed, payload in rows:
        value = json.loads(payload).get("rate_bpm")
        if isinstance(value, int | float) and not isinstance(value, bool):
            rates.append([round(float(elapsed), 1), float(value)])
    if not rates:
        return None
    values = [r for _, r in rates]
    return {"start_bpm": round(statistics.median(values[:EDGE]), 1),
            "end_bpm": round(statistics.median(values[-EDGE:]), 1),
            "samples": len(rates), "rates": rates}
