"""The live channel's sockets: WebSocket /api/sessions/{id}/live (the session's messages, answered by
`web.live.Coach`) and /api/echo, the bare baseline the live benchmarks measure beside it.

Who is asking is settled once, at connect (the gate checked Origin and cookie in accounts mode); a
session the viewer may not see is closed with 4404, as for no session. A client that names the
version it holds (`?version=N`: from the session's view or its last message) is sent the session as
it stands when it changed meanwhile, so nothing another worker did while it was away is missed.
"""

from __future__ import annotations

import time

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from backrub.records.accounts import COOKIE
from backrub.web.deps import socket_viewer
from backrub.web.fanout import change_text, send
from backrub.web.live import SIGN_IN_CLOSE, Access, Coach, Entry
from backrub.web.outage import UNAVAILABLE, database_down

router = APIRouter()
NOT_FOUND_CLOSE, TRY_AGAIN_CLOSE = 4404, 1013
MAX_VERSION_DIGITS = 12


@router.websocket("/api/sessions/{sid}/live")
async def live_channel(ws: WebSocket, sid: str) -> None:
    coach: Coach = ws.app.state.coach
    viewer = socket_viewer(ws)
    await ws.accept()
    if viewer is None:
        await ws.close(code=SIGN_IN_CLOSE, reason="sign in first")
        return
    try:
        shown = len(sid) == 32 and (viewer.local or await coach.store.call(coach.store.visible, sid, viewer))
        entry = await coach.entry(sid) if shown else None
    except Exception as err:
        if not database_down(err):
            raise
        await send(ws, {"type": "error", "code": "unavailable", "message": UNAVAILABLE, "seq": None})
        await ws.close(code=TRY_AGAIN_CLOSE, reason="database unavailable")
        return
    if entry is None:
        await send(ws, {"type": "error", "code": "not_found", "message": "No such session.", "seq": None})
        await ws.close(code=NOT_FOUND_CLOSE, reason="no such session")
        return
    entry.sockets.add(ws)
    token = ws.cookies.get(COOKIE) if ws.app.state.auth.accounts else None
    coach.watch(ws, Access(sid=sid, viewer=viewer, token=token))
    try:
        await _catch_up(entry, ws)
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
        coach.unwatch(ws)
        coach.forget(sid)


async def _catch_up(entry: Entry, ws: WebSocket) -> None:
    """A client that names the version it holds (`?version=N`) is sent the session as it stands, when
    it changed since (another worker's change while this client was away or connecting). Sent once
    the socket is registered: every change after it reaches the client anyway."""
    given = ws.query_params.get("version")
    if given is None:
        return
    if not (given.isascii() and given.isdigit()) or len(given) > MAX_VERSION_DIGITS:
        await send(ws, {"type": "error", "code": "invalid", "seq": None,
                        "message": "The version was not understood; the session goes on without it.",
                        "detail": [{"loc": ["query", "version"], "msg": f"expected a whole number >= 0 "
                                                                         f"(got {given[:20]!r})"}]})
        return
    async with entry.lock:  # not in the middle of a change: the state sent is a whole one
        # A client ahead of this worker's copy read another worker's change whose notice is still on
        # its way here: the notice brings it (the socket is registered), nothing older is sent.
        if entry.version <= int(given):
            return
        step = entry.live.where(time.time())[0]
        await send(ws, change_text(entry.live, {"routine": True, "from_step": step,
                                                "message": "Brought up to date with the other devices."},
                                   entry.version))


@router.websocket("/api/echo")
async def echo(ws: WebSocket) -> None:
    """A bare echo on the same server: the baseline the live benchmarks report beside."""
    await ws.accept()
    try:
        while True:
            await ws.send_text(await ws.receive_text())
    except WebSocketDisconnect:
        pass
