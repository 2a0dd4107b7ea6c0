"""Notices between workers on one PostgreSQL: a thread that LISTENs and hands each notice on.

A worker that changes a live session sends a notice in the same transaction (`records.live.notify`);
PostgreSQL delivers it to every listening connection when that transaction commits. This thread
holds one such connection per worker. When the connection drops (PostgreSQL restarted), notices
sent meanwhile are lost: the thread reconnects by itself and calls `on_reconnect`, so the worker
reloads what it holds from the database instead of trusting it.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy.engine import URL

from backrub.records.live import CHANNEL

RETRY_S = 0.5
log = logging.getLogger(__name__)


class Listener:
    """LISTEN on `CHANNEL` over its own connection; `on_notice(dict)` runs on this thread."""

    def __init__(self, url: URL, on_notice: Callable[[dict[str, Any]], None],
                 on_reconnect: Callable[[], None], *, ignore: str | None = None,
                 wants: Callable[[str], bool] | None = None) -> None:
        # psycopg takes the plain libpq URL (SQLAlchemy's names the driver too).
        self.conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
        self.on_notice, self.on_reconnect = on_notice, on_reconnect
        # This worker's own notices come back to it too: dropped here, unread, when they start with
        # its name (`{"w":"<worker>"`), so its own busy stream of changes costs it nothing more.
        self._own = None if ignore is None else '{"w":' + json.dumps(ignore) + ","
        # A notice about a session this worker does not hold is dropped here too (`wants(sid)`): with
        # many workers, most notices are of sessions other workers serve.
        self._wants = wants
        self.connected = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="backrub-listen", daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        import psycopg

        first = True
        while not self._stop.is_set():
            try:
                with psycopg.connect(self.conninfo, autocommit=True, connect_timeout=5) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.connected.set()
                    if not first:
                        self.on_reconnect()  # notices sent while we were away are lost: reload
                    first = False
                    while not self._stop.is_set():
                        for notice in conn.notifies(timeout=1.0):
                            self._deliver(notice.payload)
            except psycopg.Error as err:
                self.connected.clear()
                log.warning("backrub: lost the notice channel (%s); reconnecting", err)
                first = False
                self._stop.wait(RETRY_S)

    def _deliver(self, payload: str) -> None:
        if self._own is not None and payload.startswith(self._own):
            return
        try:
            notice = json.loads(payload)
        except ValueError:
            return
        if isinstance(notice, dict):
            sid = notice.get("sid")
            if self._wants is not None and isinstance(sid, str) and not self._wants(sid):
                return
            try:
                self.on_notice(notice)
            except Exception:  # one bad notice must not end the channel
                log.exception("backrub: a notice could not be handled")
