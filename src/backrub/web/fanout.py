"""Fan-out across workers on one PostgreSQL: what one worker stores reaches every worker's clients.

A worker that changes a live session sends a notice in the change's own transaction
(`records.live.change`); PostgreSQL delivers it to every worker once committed (`records.notices`).
A worker that holds the session with clients connected tells them:
- a change of clock only (pause, resume, end) carries the new clock in the notice, so it is applied
  to the copy held here with no database read, when it is the very next version;
- anything else (a new routine, a version missed) reads the session back from the database.
A copy held with no client connected is dropped instead (the next client loads it afresh): a
worker never spends work on sessions nobody watches through it.
Breath readings go the same way (a small notice, at most one per session every `BREATH_GAP_S`), and
so do withdrawn logins (named by a hash, never the token). SQLite has one process: nothing is sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from fastapi import WebSocket, WebSocketDisconnect

from backrub.records.clock import Clock
from backrub.web.encode import steps_json
from backrub.web.session import Live

if TYPE_CHECKING:
    from backrub.web.live import Coach, Entry

BREATH_GAP_S = 0.08  # a sensor reads ten times a second: each reading goes, a faster stream is thinned
WORDS = {"pause": "Paused.", "resume": "Going on.", "end": "The session is saved."}
log = logging.getLogger(__name__)


class Fanout:
    """One worker's side of the notices: it hears the other workers and tells its own clients."""

    def __init__(self, coach: Coach) -> None:
        self.coach = coach
        self.store = coach.store
        self._listener: Any = None  # records.notices.Listener, on PostgreSQL once started
        self._tasks: set[asyncio.Future[Any]] = set()
        self._breath_at: dict[str, float] = {}

    @property
    def hearing(self) -> bool | None:
        """Whether this worker hears the others' changes now; None on SQLite, where there are none."""
        if not self.store.shared:
            return None
        return self._listener is not None and self._listener.connected.is_set()

    def start(self) -> None:
        """Start hearing the other workers' notices (PostgreSQL; on the loop that serves the sockets)."""
        if self._listener is not None or not self.store.shared:
            return
        from backrub.records.notices import Listener

        loop = asyncio.get_running_loop()

        def hand_over(notice: dict[str, Any]) -> None:
            loop.call_soon_threadsafe(self.spawn, self.on_notice(notice))

        def reconnected() -> None:
            loop.call_soon_threadsafe(self.spawn, self.refresh_all())

        def wants(sid: str) -> bool:  # on the listener's thread: two dict lookups, safe under the GIL
            return self.coach.held(sid) is not None or self.coach.loading(sid) is not None

        self._listener = Listener(self.store.engine.url, hand_over, reconnected, ignore=self.store.worker,
                                  wants=wants)

    def close(self) -> None:
        if self._listener is not None:
            self._listener.close()
            self._listener = None

    def spawn(self, work: Any) -> None:
        """Run `work` on the loop, kept until done; a failure is logged, never lost silently."""
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Future[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("backrub: a notice from another worker failed", exc_info=task.exception())

    # -- sending -------------------------------------------------------------------------------
    def change_notice(self, new_live: Live, kind: str, routine: bool, from_step: int | None,
                      message: str | None) -> dict[str, Any]:
        """What the other workers are told of a change (the session id and version are added at commit)."""
        clock = new_live.clock
        return {"w": self.store.worker, "t": kind, "routine": routine, "from_step": from_step,
                "message": message, "c": [clock.wall, clock.at_s, clock.running], "e": new_live.ended}

    def breath(self, sid: str, fields: dict[str, Any]) -> None:
        """Send a breath reading to the other workers' clients of the session (thinned per session)."""
        if not self.store.shared:
            return
        now = time.monotonic()
        if now - self._breath_at.get(sid, -1.0) < BREATH_GAP_S:
            return
        self._breath_at[sid] = now
        self.spawn(self._send_breath({"k": "breath", "sid": sid, "b": fields}))

    async def _send_breath(self, notice: dict[str, Any]) -> None:
        with contextlib.suppress(Exception):  # a reading lost to a database hiccup is not worth an error
            await self.store.call(self.store.notify, notice)

    def forget(self, sid: str) -> None:
        self._breath_at.pop(sid, None)

    # -- hearing -------------------------------------------------------------------------------
    async def on_notice(self, notice: dict[str, Any]) -> None:
        """Another worker changed a session (tell this worker's clients of it), relayed a breath
        reading, or withdrew access."""
        if notice.get("w") == self.store.worker:
            return  # this worker's own: its clients were told already
        kind = notice.get("k")
        if kind == "revoke":
            await self.coach.revoke_here(notice.get("account"), notice.get("token"))
            return
        sid = str(notice.get("sid"))
        if kind == "breath":
            held = self.coach.held(sid)
            fields = notice.get("b")
            if held is not None and isinstance(fields, dict):
                await broadcast(held, json.dumps({"type": "breath", **fields}, separators=(",", ":")))
            return
        loading = self.coach.loading(sid)
        if self.coach.held(sid) is None and loading is not None:
            async with loading:  # a session being loaded now may have been read before this change
                pass
        entry = self.coach.held(sid)
        version = notice.get("v")
        if entry is None or not isinstance(version, int):
            return
        async with entry.lock:  # told in order with this worker's own changes to the session
            if entry.version >= version:
                return
            if not entry.sockets:
                dropped = True  # nobody watches it here: drop the copy rather than read it back
            else:
                dropped = False
                if not _applied(entry, notice, version) and not await self.coach.reload(entry):
                    return
                await broadcast(entry, change_text(entry.live, notice, entry.version))
        if dropped:
            self.coach.forget(sid)

    async def refresh_all(self) -> None:
        """The notice channel came back after a break: what it missed is read from the database, and
        every client is told where its session stands now."""
        for entry in self.coach.entries():
            try:
                async with entry.lock:
                    before = entry.version
                    if not await self.coach.reload(entry) or entry.version == before:
                        continue
                    step = entry.live.where(time.time())[0]
                    await broadcast(entry, change_text(entry.live, {
                        "routine": True, "from_step": step,
                        "message": "Brought up to date after a break in the connection."}, entry.version))
            except Exception:  # the database may still be away: the next message reloads
                log.warning("backrub: could not refresh session %s", entry.live.id)


def _applied(entry: Entry, notice: dict[str, Any], version: int) -> bool:
    """Apply a change of clock only, carried whole by its notice, to the copy held (no database read);
    False when the notice is not enough (a new routine, or versions missed between)."""
    clock = notice.get("c")
    if notice.get("routine") or version != entry.version + 1 or not isinstance(clock, list) \
            or len(clock) != 3:
        return False
    wall, at_s, running = clock
    if not all(isinstance(x, int | float) and not isinstance(x, bool) for x in (wall, at_s)) \
            or not isinstance(running, bool):
        return False
    live = entry.live
    entry.live = Live(id=live.id, routine=live.routine, routine_json=live.routine_json,
                      clock=Clock(wall=float(wall), at_s=float(at_s), running=running),
                      ended=live.ended or bool(notice.get("e")))
    entry.version = version
    return True


def change_text(live: Live, notice: dict[str, Any], version: int) -> str:
    """What a session's clients are told of a change (the same on the worker that made it and on
    the others, which build it from the notice and the state held), with the version it is at."""
    status = {**live.status(time.time()), "version": version}
    if notice.get("routine"):
        message = notice.get("message") or "The plan changed on another device."
        head = json.dumps({"type": "routine", "from_step": notice.get("from_step"), "message": message,
                           "status": status}, separators=(",", ":"))
        return head[:-1] + ',"routine":' + live.routine_json + "}"
    words = WORDS.get(str(notice.get("t")), "The session changed on another device.")
    return json.dumps({"type": "state", "message": words, "status": status})


def tail_text(live: Live, notice: dict[str, Any], version: int) -> str | None:
    """The same change for a client that holds the routine as it was at `base` (the version the
    change was computed from): the routine's header and only its steps from `tail_from` on, the
    steps before that being the ones it holds. None when the change did not say where it starts
    (a client then gets the whole routine, as change_text writes it).

    A client whose copy is not at `base` (a message missed, a reconnect) must not splice: it reads
    the session back instead (live.js). Only clients that asked for tails get them (`?tail=1`)."""
    start, base = notice.get("tail_from"), notice.get("base")
    steps = live.routine.steps
    if not notice.get("routine") or not isinstance(start, int) or not isinstance(base, int) \
            or not 0 < start <= len(steps) or base >= version:  # from step 0: the whole routine is as short
        return None
    status = {**live.status(time.time()), "version": version}
    head = json.dumps({"type": "routine", "from_step": notice.get("from_step"),
                       "message": notice.get("message"), "status": status, "base": base,
                       "tail_from": start, "steps": len(steps), "head": live.routine.header_dict()},
                      separators=(",", ":"))
    return head[:-1] + ',"tail":' + steps_json(steps[start:]) + "}"


def wants_tail(ws: WebSocket) -> bool:
    """A client that can splice a routine's tail onto the copy it holds (the live page)."""
    return ws.query_params.get("tail") == "1"


def hashed(token: str) -> str:
    """A login as named across workers: the token itself never goes through the database."""
    return hashlib.sha256(token.encode()).hexdigest()[:32]


async def send(ws: WebSocket, data: dict[str, Any] | str) -> None:
    """Send to one client; a client that went away reconnects and catches up from the stored state."""
    with contextlib.suppress(WebSocketDisconnect, RuntimeError):
        await ws.send_text(data if isinstance(data, str) else json.dumps(data))


async def broadcast(entry: Entry, text: str, tail: Callable[[], str | None] | None = None) -> None:
    """Send to every client of the session connected to this worker; to the clients that asked for
    tails, what `tail` makes (tail_text: made once, and only when such a client is there), when
    the change has one."""
    tails: str | None = None
    for ws in list(entry.sockets):
        if tail is not None and wants_tail(ws):
            tails = tails or tail() or text
            await send(ws, tails)
        else:
            await send(ws, text)
