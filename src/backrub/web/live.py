"""The live channel, WebSocket /api/sessions/{id}/live: feedback in, replanned routines out.

Each message is handled under its session's lock: read strictly, applied (replans run off
the event loop), stored with its seq, and only then acknowledged and answered. A malformed
message gets an error and the session goes on. State is loaded from the database on the first
connection, so sessions carry on after a server restart. Who may connect is checked once, at
connect: the session must be one the viewer may see (closed with 4404 otherwise, as for no session).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from dataclasses import dataclass, field
from typing import Any

import anyio
from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from backrub.errors import InputError
from backrub.planner.feedback import Feedback
from backrub.routine import Routine, parse_routine
from backrub.web import breath
from backrub.web import session as live_session
from backrub.web.deps import socket_viewer
from backrub.web.errors import detail
from backrub.web.messages import Message, parse_text, seq_of
from backrub.web.session import Change, Live, Refused
from backrub.web.store import Clock, NewEvent, Store

router = APIRouter()
NOT_FOUND_CLOSE, SIGN_IN_CLOSE = 4404, 4401
MAX_IDLE = 2000  # sessions held in memory without a connection


@dataclass(eq=False, slots=True, kw_only=True)
class Entry:
    """A session held in memory while clients are connected to it."""

    live: Live
    seqs: set[int]
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    sockets: set[WebSocket] = field(default_factory=set)


class Coach:
    """The live sessions of one app, loaded from the store on first use."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._entries: dict[str, Entry] = {}
        self._loading = asyncio.Lock()
        self.breath = breath.Relay()

    async def entry(self, sid: str) -> Entry | None:
        found = self._entries.get(sid)
        if found is not None:
            return found
        async with self._loading:
            found = self._entries.get(sid)
            if found is None:
                record = await self.store.call(self.store.load, sid)
                if record is None:
                    return None
                routine = await anyio.to_thread.run_sync(parse_routine, json.loads(record.routine))
                live = Live(id=sid, routine=routine, routine_json=record.routine, clock=record.clock,
                            ended=record.ended_at is not None)
                found = self._entries[sid] = Entry(live=live, seqs=set(record.seqs))
            return found

    def remember(self, sid: str, routine: Routine, routine_json: str, clock: Clock) -> None:
        """Hold a session just started, so its first connection need not read it back."""
        if len(self._entries) >= MAX_IDLE:
            for idle in [k for k, e in self._entries.items() if not e.sockets][: MAX_IDLE // 4]:
                del self._entries[idle]
        live = Live(id=sid, routine=routine, routine_json=routine_json, clock=clock, ended=False)
        self._entries[sid] = Entry(live=live, seqs=set())

    def forget(self, sid: str) -> None:
        """Drop a session from memory once nobody is connected (the store keeps it)."""
        entry = self._entries.get(sid)
        if entry is not None and not entry.sockets and not entry.lock.locked():
            del self._entries[sid]
            self.breath.forget(sid)

    async def handle(self, entry: Entry, ws: WebSocket, text: str) -> None:
        """Answer one client message."""
        try:
            raw, message = parse_text(text)
        except InputError as err:
            await _send(ws, _error("invalid", "The message was not understood; nothing changed.",
                                   err.problems, _seq_from(text)))
            return
        if message.breath is not None:  # relayed at once, outside the lock: a late breath is worth nothing
            await self.breath.handle(self.store, entry, ws, message.breath)
            return
        async with entry.lock:
            if message.seq is not None and message.seq in entry.seqs:
                await _send(ws, {"type": "ack", "seq": message.seq, "duplicate": True})
                return
            await self._apply(entry, ws, message, raw)

    async def _apply(self, entry: Entry, ws: WebSocket, message: Message, raw: Any) -> None:
        live, now = entry.live, time.time()
        refused: Refused | None = None
        change: Change | None = None
        new_live = live
        try:
            if message.kind in ("softer", "firmer", "pain", "skip"):
                # Replanning is pure Python of a few milliseconds: run on the loop, one at a time.
                # A worker thread would not run it any sooner (the GIL) but would make every other
                # message wait for the interpreter's switch interval.
                change = live_session.adapt(live, Feedback(kind=message.kind, at=message.at), now)
                new_live = change.live
            elif message.type == "pause":
                new_live = live_session.paused(live, now, message.at_s)
            elif message.type == "resume":
                new_live = live_session.resumed(live, now)
            elif message.type == "end":
                new_live = live_session.ended(live, now)
            elif message.type == "retime":
                change = breath.retimed(live, message.rate_bpm or 0.0, now)
                new_live = change.live
        except InputError as err:  # a valid message the session cannot take (a place off the map)
            await _send(ws, _error("invalid", "That could not be used; nothing changed.", err.problems,
                                   message.seq))
            return
        except Refused as no:
            refused = no
        payload = message.payload()
        if change is not None:
            payload.update(from_step=change.from_step, message=change.message)
        if refused is not None:
            payload["refused"] = refused.code
        # Committed (with other sessions' events, one batch per transaction) before the ack below.
        stored = await self.store.record_async(
            live.id, NewEvent(type=message.type, seq=message.seq, payload=payload,
                              elapsed_s=live.clock.elapsed(now)),
            clock=new_live.clock if new_live is not live else None,
            routine_json=change.live.routine_json if change else None,
            position=change.from_step if change else None,
            ended=message.type == "end" and not live.ended,
            outcome=message.outcome)
        entry.live = new_live
        if message.seq is not None:
            entry.seqs.add(message.seq)
            await _send(ws, {"type": "ack", "seq": message.seq, **({} if stored else {"duplicate": True})})
        if refused is not None:
            await _send(ws, {"type": "error", "code": refused.code, "message": refused.message,
                             "findings": refused.details, "seq": message.seq})
            return
        status = new_live.status(time.time())
        if change is not None:
            head = json.dumps({"type": "routine", "from_step": change.from_step, "message": change.message,
                               "status": status}, separators=(",", ":"))
            await _broadcast(entry, head[:-1] + ',"routine":' + change.live.routine_json + "}")
        else:
            words = {"pause": "Paused.", "resume": "Going on.", "end": "The session is saved."}[message.type]
            await _broadcast(entry, json.dumps({"type": "state", "message": words, "status": status}))


def _seq_from(text: str) -> int | None:
    try:
        return seq_of(json.loads(text))
    except (ValueError, RecursionError):
        return None


def _error(code: str, message: str, problems: Any, seq: int | None) -> dict[str, Any]:
    return {"type": "error", "code": code, "message": message, "detail": detail(problems, root="message"),
            "seq": seq}


async def _send(ws: WebSocket, data: dict[str, Any] | str) -> None:
    # A client that went away reconnects and catches up from the stored state.
    with contextlib.suppress(WebSocketDisconnect, RuntimeError):
        await ws.send_text(data if isinstance(data, str) else json.dumps(data))


async def _broadcast(entry: Entry, text: str) -> None:
    for ws in list(entry.sockets):
        await _send(ws, text)


@router.websocket("/api/sessions/{sid}/live")
async def live_channel(ws: WebSocket, sid: str) -> None:
    coach: Coach = ws.app.state.coach
    # Who is asking is settled once, here (the gate checked Origin and cookie in accounts mode);
    # the messages that follow go straight to the session.
    viewer = socket_viewer(ws)
    await ws.accept()
    if viewer is None:
        await ws.close(code=SIGN_IN_CLOSE, reason="sign in first")
        return
    shown = len(sid) == 32 and (viewer.local or await coach.store.call(coach.store.visible, sid, viewer))
    entry = await coach.entry(sid) if shown else None
    if entry is None:
        await _send(ws, {"type": "error", "code": "not_found", "message": "No such session.", "seq": None})
        await ws.close(code=NOT_FOUND_CLOSE, reason="no such session")
        return
    entry.sockets.add(ws)
    try:
        while True:
            frame = await ws.receive()
            if frame["type"] == "websocket.disconnect":
                break
            text = frame.get("text")
            if text is None:
                data = frame.get("bytes") or b""
                text = data.decode("utf-8", errors="replace")
            await coach.handle(entry, ws, text)
    except WebSocketDisconnect:
        pass
    finally:
        entry.sockets.discard(ws)
        coach.forget(sid)


@router.websocket("/api/echo")
async def echo(ws: WebSocket) -> None:
    """A bare echo on the same server: the baseline the live benchmarks report beside."""
    await ws.accept()
    try:
        while True:
            await ws.send_text(await ws.receive_text())
    except WebSocketDisconnect:
        pass
