"""The live channel, WebSocket /api/sessions/{id}/live: feedback in, replanned routines out.

Each message is handled under its session's lock: read strictly, applied to the session's state
(replans run in a bounded pool of worker threads, off the event loop), stored with its seq and a
version check (`records.live.change`), and only then acknowledged and answered. The state held in
memory is only a cache of the database: when another worker changed the session first, the store
refuses the write (`Stale`), and the message is applied again to the state as stored now.
On PostgreSQL every change also reaches the other workers (a notice at commit, `web.fanout`), which
tell their own clients, as they do when access is withdrawn. A client that says which version it
holds (`?version=N`, from the session's view or its last message) is sent the session as it stands
once connected, when it changed meanwhile: nothing a worker did while it was away is missed.
A malformed message gets an error and the session goes on. Who may connect is checked at connect:
the session must be one the viewer may see (closed with 4404 otherwise, as for no session); with
accounts, again before every message, and a socket whose login ends or whose share is withdrawn is
closed (4401), on every worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import anyio
from fastapi import WebSocket, WebSocketDisconnect

from backrub.errors import InputError, Problem
from backrub.planner.feedback import Feedback
from backrub.records.clock import Clock
from backrub.records.live import LiveRecord, NewEvent, Stale
from backrub.records.recipients import Viewer
from backrub.routine import Routine, parse_routine
from backrub.web import breath
from backrub.web import session as live_session
from backrub.web.auth import account_of
from backrub.web.errors import DISK_FULL, detail, disk_full
from backrub.web.fanout import Fanout, broadcast, change_text, hashed, send, tail_text
from backrub.web.limits import MAX_MESSAGE
from backrub.web.messages import Message, parse_text, seq_of
from backrub.web.outage import UNAVAILABLE, database_down
from backrub.web.session import Change, Live, Refused
from backrub.web.store import Store

SIGN_IN_CLOSE = 4401
MAX_IDLE = 2000  # sessions held in memory without a connection
MAX_TRIES = 8  # a message that keeps losing races to other workers is refused after this many


@dataclass(eq=False, slots=True, kw_only=True)
class Entry:
    """A session held in memory while clients are connected to it."""

    live: Live
    seqs: set[int]
    version: int = 0  # of the state held here; the database's may be newer (then writes are refused)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    sockets: set[WebSocket] = field(default_factory=set)


@dataclass(frozen=True, slots=True, kw_only=True)
class Access:
    """Who is on one socket, and by which login (accounts mode): checked again on every message."""

    sid: str
    viewer: Viewer
    token: str | None


class Coach:
    """The live sessions of one app, loaded from the store on first use."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._entries: dict[str, Entry] = {}
        self._access: dict[WebSocket, Access] = {}
        self._loading: dict[str, asyncio.Lock] = {}
        self.breath = breath.Relay()
        self.fanout = Fanout(self)
        self._replans: anyio.CapacityLimiter | None = None

    @property
    def replans(self) -> anyio.CapacityLimiter:
        """The replanning pool's size: one thread per core or two, whatever the number of sessions."""
        if self._replans is None:  # made on the loop that uses it
            self._replans = anyio.CapacityLimiter(max(2, os.cpu_count() or 1))
        return self._replans

    async def entry(self, sid: str) -> Entry | None:
        found = self._entries.get(sid)
        if found is not None:
            return found
        self.fanout.start()
        # One load per session at a time (many sessions load side by side: a thousand clients
        # connecting at once do not queue behind each other).
        lock = self._loading.setdefault(sid, asyncio.Lock())
        try:
            async with lock:
                found = self._entries.get(sid)
                if found is None:
                    record = await self.store.call(self.store.load, sid)
                    if record is None:
                        return None
                    found = self._entries[sid] = Entry(live=await _live_of(record), seqs=set(record.seqs),
                                                       version=record.version)
                return found
        finally:
            if not lock.locked() and self._loading.get(sid) is lock:
                del self._loading[sid]

    async def reload(self, entry: Entry) -> bool:
        """Read the session back from the database into `entry` (another worker changed it); False
        when it is gone."""
        record = await self.store.call(self.store.load, entry.live.id)
        if record is None:
            return False
        if record.version != entry.version or record.routine != entry.live.routine_json:
            entry.live = await _live_of(record)
        else:
            entry.live = Live(id=record.id, routine=entry.live.routine, routine_json=record.routine,
                              clock=record.clock, ended=record.ended_at is not None)
        entry.seqs = set(record.seqs)
        entry.version = record.version
        return True

    def remember(self, sid: str, routine: Routine, routine_json: str, clock: Clock) -> None:
        """Hold a session just started, so its first connection need not read it back."""
        if len(self._entries) >= MAX_IDLE:
            for idle in [k for k, e in self._entries.items() if not e.sockets][: MAX_IDLE // 4]:
                del self._entries[idle]
        live = Live(id=sid, routine=routine, routine_json=routine_json, clock=clock, ended=False)
        self._entries[sid] = Entry(live=live, seqs=set(), version=0)

    def forget(self, sid: str) -> None:
        """Drop a session from memory once nobody is connected (the store keeps it)."""
        entry = self._entries.get(sid)
        if entry is not None and not entry.sockets and not entry.lock.locked():
            del self._entries[sid]
            self.breath.forget(sid)
            self.fanout.forget(sid)

    def watch(self, ws: WebSocket, access: Access) -> None:
        """A socket connected to a session: who is on it, checked again on every message."""
        self._access[ws] = access

    def unwatch(self, ws: WebSocket) -> None:
        self._access.pop(ws, None)

    def held(self, sid: str) -> Entry | None:
        """The session as held in memory here, if it is."""
        return self._entries.get(sid)

    def loading(self, sid: str) -> asyncio.Lock | None:
        """The lock of a load of the session from the database under way now, if one is."""
        return self._loading.get(sid)

    def entries(self) -> Iterator[Entry]:
        """Every session held in memory here (a copy of the list: it may change meanwhile)."""
        return iter(list(self._entries.values()))

    # -- other workers (PostgreSQL; web.fanout) ---------------------------------------------
    def start(self) -> None:
        """Start hearing the other workers' notices (PostgreSQL; on the loop that serves the sockets)."""
        self.fanout.start()

    def close(self) -> None:
        self.fanout.close()

    @property
    def hearing(self) -> bool | None:
        """Whether this worker hears the other workers' changes now; None on SQLite (there are none)."""
        return self.fanout.hearing

    def still_allowed(self, access: Access) -> bool:
        """Whether the socket's login still holds and its session is still visible (a store-thread call:
        one query for each, on the store's pooled connections)."""
        if access.viewer.local:
            return True
        if access.token is not None:
            found = account_of(self.store, access.token)
            if found is None or found.id != access.viewer.account_id:
                return False
        return self.store.visible(access.sid, access.viewer)

    async def revoke(self, account_id: int | None = None, token: str | None = None) -> None:
        """Close the sockets of a login that ended (`token`), or of an account (`account_id`) that may
        no longer see their session (a share withdrawn); the others stay. Other workers are told too."""
        login = hashed(token) if token is not None else None
        if self.store.shared:
            await self.store.call(self.store.notify, {"k": "revoke", "account": account_id, "token": login})
        await self.revoke_here(account_id, login)

    async def revoke_here(self, account_id: Any, login: Any) -> None:
        """Close this worker's sockets of a login that ended (its hash) or of an account that may no
        longer see their session."""
        for ws, access in list(self._access.items()):
            ended = login is not None and access.token is not None and hashed(access.token) == login
            mine = account_id is not None and access.viewer.account_id == account_id
            if ended or (mine and not await self.store.call(self.still_allowed, access)):
                await close_revoked(ws)

    async def handle(self, entry: Entry, ws: WebSocket, text: str) -> None:
        """Answer one client message."""
        access = self._access.get(ws)
        try:
            allowed = access is None or access.viewer.local \
                or await self.store.call(self.still_allowed, access)
        except Exception as err:
            if not database_down(err):
                raise
            await send(ws, {"type": "error", "code": "unavailable", "message": UNAVAILABLE,
                             "seq": _seq_from(text)})
            return
        if not allowed:
            await close_revoked(ws)
            return
        try:
            if len(text) > MAX_MESSAGE:
                raise InputError([Problem(path="", message=f"a message is at most {MAX_MESSAGE // 1024} KiB "
                                                           f"(got {len(text) // 1024} KiB)")])
            raw, message = parse_text(text)
        except InputError as err:
            await send(ws, _error("invalid", "The message was not understood; nothing changed.",
                                   err.problems, _seq_from(text)))
            return
        if message.breath is not None:  # relayed at once, outside the lock: a late breath is worth nothing
            self.fanout.breath(entry.live.id, message.breath)  # the other workers' clients (thinned)
            await self.breath.handle(self.store, entry, ws, message.breath)
            return
        async with entry.lock:
            if message.seq is not None and message.seq in entry.seqs:
                await send(ws, {"type": "ack", "seq": message.seq, "duplicate": True})
                return
            try:
                await self._apply(entry, ws, message, raw)
            except Exception as err:
                if not database_down(err):
                    raise
                # Nothing was stored and nothing is acknowledged: the client sends it again (same
                # seq) once the database is back; the socket stays open meanwhile.
                await send(ws, {"type": "error", "code": "unavailable", "message": UNAVAILABLE,
                                 "seq": message.seq})

    async def _apply(self, entry: Entry, ws: WebSocket, message: Message, raw: Any) -> None:
        for _ in range(MAX_TRIES):
            live, now = entry.live, time.time()
            refused: Refused | None = None
            change: Change | None = None
            new_live = live
            try:
                if message.kind in ("softer", "firmer", "pain", "skip"):
                    # A replan takes milliseconds to a few tenths of a second (more places to avoid
                    # cost more): it runs in a small pool of worker threads, never on the loop, so
                    # other sessions and requests go on meanwhile; the session's lock keeps its own
                    # in order.
                    feedback = Feedback(kind=message.kind, at=message.at)
                    change = await anyio.to_thread.run_sync(live_session.adapt, live, feedback, now,
                                                            limiter=self.replans)
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
                await send(ws, _error("invalid", "That could not be used; nothing changed.", err.problems,
                                       message.seq))
                return
            except Refused as no:
                refused = no
            payload = message.payload()
            if change is not None:
                payload.update(from_step=change.from_step, message=change.message)
            if refused is not None:
                payload["refused"] = refused.code
            notice = None
            if new_live is not live and self.store.shared:  # the other workers' clients hear of it
                notice = self.fanout.change_notice(new_live, message.type, change is not None,
                                                   change.from_step if change else None,
                                                   change.message if change else None)
            # Committed (with other sessions' events, one batch per transaction) before the ack below,
            # and only onto the version this change was computed from.
            try:
                stored = await self.store.record_async(
                    live.id, NewEvent(type=message.type, seq=message.seq, payload=payload,
                                      elapsed_s=live.clock.elapsed(now)),
                    version=entry.version,
                    clock=new_live.clock if new_live is not live else None,
                    routine_json=change.live.routine_json if change else None,
                    position=change.from_step if change else None,
                    ended=message.type == "end" and not live.ended,
                    outcome=message.outcome, notice=notice)
            except Stale:
                # Another worker changed the session first: apply this message again to the state
                # as stored now (never to the copy it was computed from), unless it was this very
                # message, stored there before this worker heard of it.
                if not await self.reload(entry):
                    await send(ws, {"type": "error", "code": "not_found", "message": "No such session.",
                                     "seq": message.seq})
                    return
                if message.seq is not None and message.seq in entry.seqs:
                    await send(ws, {"type": "ack", "seq": message.seq, "duplicate": True})
                    return
                continue
            except Exception as err:
                if not disk_full(err):
                    raise
                # Nothing was stored, so nothing changes and nothing is acknowledged; the giver may
                # send it again once there is space (its seq makes that safe). The socket stays open.
                await send(ws, {"type": "error", "code": "disk_full", "message": DISK_FULL,
                                 "seq": message.seq})
                return
            base = entry.version  # what the change was computed from: a client holding it gets a tail
            if stored is not None:
                entry.live, entry.version = new_live, stored
            if message.seq is not None:
                entry.seqs.add(message.seq)
                await send(ws, {"type": "ack", "seq": message.seq,
                                 **({} if stored is not None else {"duplicate": True})})
            if refused is not None:
                await send(ws, {"type": "error", "code": refused.code, "message": refused.message,
                                 "findings": refused.details, "seq": message.seq})
                return
            if stored is None:
                return
            said = {"t": message.type, "routine": change is not None,
                    "from_step": change.from_step if change else None,
                    "message": change.message if change else None}
            tail = {**said, "base": base, "tail_from": change.tail_from if change else None}
            await broadcast(entry, change_text(new_live, said, entry.version),
                            partial(tail_text, new_live, tail, entry.version))
            return
        await send(ws, {"type": "error", "code": "busy", "seq": message.seq,
                         "message": "The session changed on another device again and again; send it again."})


async def _live_of(record: LiveRecord) -> Live:
    routine = await anyio.to_thread.run_sync(parse_routine, json.loads(record.routine))
    return Live(id=record.id, routine=routine, routine_json=record.routine, clock=record.clock,
                ended=record.ended_at is not None)


def _seq_from(text: str) -> int | None:
    if len(text) > MAX_MESSAGE:
        return None
    try:
        return seq_of(json.loads(text))
    except (ValueError, RecursionError):
        return None


def _error(code: str, message: str, problems: Any, seq: int | None) -> dict[str, Any]:
    return {"type": "error", "code": code, "message": message, "detail": detail(problems, root="message"),
            "seq": seq}


async def close_revoked(ws: WebSocket) -> None:
    await send(ws, {"type": "error", "code": "revoked", "seq": None,
                     "message": "This session is no longer yours to see (signed out or unshared)."})
    with contextlib.suppress(WebSocketDisconnect, RuntimeError):
        await ws.close(code=SIGN_IN_CLOSE, reason="access ended")
