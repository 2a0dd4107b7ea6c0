"""The receiver's breath on the live channel (issue 13).

A phone lying on the receiver's back (the page `/sensor`) sends what its estimator reads, about
ten times a second: `{"type": "breath", "phase", "rate_bpm", "state", "quality", "t"}`. The server
relays it at once to the session's other clients (the coach locks its pacer to it) and keeps the
rate with the session every 15 s while the sensor is locked, from 10 s after it locked (an event
of type `breath`), so the recipient's history can show the breath slowing. Relaying takes no lock
and stores nothing else: a breath that arrives late is worth nothing.

The coach, seeing the rate drift from the one the routine was timed for, sends
`{"type": "retime", "breaths_per_minute", "seq"}`: the steps after the current one are re-timed
(`planner.retime`, never re-ordered), verified, stored and sent like any replanned routine.
"""

from __future__ import annotations

import contextlib
import json
import math
import time
import weakref
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from fastapi import WebSocket, WebSocketDisconnect

from backrub.errors import Problems, describe
from backrub.intake.model import BREATHS_RANGE
from backrub.planner.retime import NotRetimed, retime
from backrub.verifier import check_routine
from backrub.web.encode import routine_json
from backrub.web.session import Change, Live, Refused
from backrub.web.store import NewEvent, Store

if TYPE_CHECKING:
    from backrub.web.live import Entry

STATES = ("starting", "locked", "weak", "irregular", "moving", "unsupported")
BREATH_FIELDS = ("type", "phase", "rate_bpm", "state", "quality", "t")
KEEP_EVERY_S = 15.0  # one stored rate per this many seconds of a locked sensor
SETTLE_S = 10.0  # ... from this long after it locked
MIN_GAP_S = 0.03  # readings come ten times a second; more from one socket are dropped, not relayed


def parse_breath(raw: dict[str, Any], problems: Problems) -> dict[str, Any]:
    """The fields of a breath message, checked; problems are added under their field names."""
    out: dict[str, Any] = {}
    state = raw.get("state")
    if state not in STATES:
        problems.add("state", f"expected one of {', '.join(STATES)} (got {describe(state)})")
    else:
        out["state"] = state
    for key, low, high, required in (("phase", 0.0, 1.0, False), ("rate_bpm", *BREATHS_RANGE, False),
                                     ("quality", 0.0, 1.0, False), ("t", 0.0, 1e13, False)):
        value = raw.get(key)
        if value is None:
            if required:
                problems.add(key, "required")
            out[key] = None
        elif not _number(value) or not low <= value <= high:
            problems.add(key, f"expected a number from {low:g} to {high:g} (got {describe(value)})")
        else:
            out[key] = float(value)
    if out.get("state") == "locked" and (raw.get("rate_bpm") is None or raw.get("phase") is None):
        problems.add("rate_bpm", "a locked sensor sends its phase and rate")
    return out


def parse_rate(raw: dict[str, Any], problems: Problems) -> float | None:
    """The rate of a retime message."""
    value = raw.get("breaths_per_minute")
    low, high = BREATHS_RANGE
    if not isinstance(value, int | float) or not _number(value) or not low <= value <= high:
        problems.add("breaths_per_minute",
                     f"expected breaths a minute, {low:g} to {high:g} (got {describe(value)})")
        return None
    return float(value)


def retimed(live: Live, rate: float, now: float) -> Change:
    """The steps after the current one timed to `rate` breaths a minute, verified before use."""
    if live.ended:
        raise Refused("ended", "This session has ended.")
    index, _, _ = live.where(now)
    if index >= len(live.routine.steps):
        raise Refused("finished", "The massage is over; nothing is left to change.")
    try:
        routine = retime(live.routine, index + 1, rate)
    except NotRetimed as no:
        raise Refused("not_retimed", f"The timing stays: {no}.") from None
    report = check_routine(routine, performed=index + 1)
    if not report.ok:
        raise Refused("unsafe", "Re-timed steps did not pass the safety check, so the timing stays.",
                      [f.to_dict() for f in report.errors])
    shown = f"{routine.intake.breaths_per_minute:g}" if routine.intake else f"{rate:g}"
    new = replace(live, routine=routine, routine_json=routine_json(routine))
    return Change(live=new, from_step=index + 1,
                  message=f"The strokes now follow their breathing: {shown} breaths a minute.")


class Relay:
    """Relays breath messages to a session's other clients and keeps the rate now and then."""

    def __init__(self) -> None:
        self._kept: dict[str, float] = {}
        self._since: dict[str, float] = {}  # when the sensor locked, per session
        self._last: weakref.WeakKeyDictionary[WebSocket, float] = weakref.WeakKeyDictionary()

    async def handle(self, store: Store, entry: Entry, ws: WebSocket, fields: dict[str, Any]) -> None:
        """Relay one reading (a socket sending faster than a sensor would is heard 30 times a second)."""
        wall = time.monotonic()
        if wall - self._last.get(ws, -1.0) < MIN_GAP_S:
            return
        self._last[ws] = wall
        text = json.dumps({"type": "breath", **fields}, separators=(",", ":"))
        for other in list(entry.sockets):
            if other is not ws:
                await _send(other, text)
        live, now = entry.live, time.time()
        if fields.get("state") != "locked" or fields.get("rate_bpm") is None:
            if fields.get("state") != "moving":  # a shake does not unsettle the rate
                self._since.pop(live.id, None)
            return
        since = self._since.setdefault(live.id, now)
        # The first breaths after locking are the least sure: keep the rate once it has settled.
        if live.ended or now - since < SETTLE_S or now - self._kept.get(live.id, 0.0) < KEEP_EVERY_S:
            return
        self._kept[live.id] = now
        payload = {"rate_bpm": round(fields["rate_bpm"], 1), "quality": fields.get("quality")}
        await store.record_async(live.id, NewEvent(type="breath", elapsed_s=live.clock.elapsed(now),
                                                   payload=payload))

    def forget(self, sid: str) -> None:
        self._kept.pop(sid, None)
        self._since.pop(sid, None)


async def _send(ws: WebSocket, text: str) -> None:
    with contextlib.suppress(WebSocketDisconnect, RuntimeError):  # gone: it reconnects and catches up
        await ws.send_text(text)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
