"""When the records database is away (PostgreSQL restarting, a network break): 503 JSON that says
so, never a 500, and nothing to do to recover: the next request connects again by itself."""

from __future__ import annotations

import json

from sqlalchemy.exc import DBAPIError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backrub.records.db import DatabaseUnavailable, is_connection_fault
from backrub.web.errors import disk_full

RETRY_AFTER_S = 5
UNAVAILABLE = ("The records database cannot be reached just now, so nothing was read or saved. "
               "Try again in a few seconds; the coach reconnects by itself.")


def database_down(err: BaseException) -> bool:
    """Whether `err` means the database cannot be reached (rather than a fault in a request)."""
    if disk_full(err):  # answered with its own message (errors.py, live.py)
        return False
    return isinstance(err, DatabaseUnavailable) or (isinstance(err, DBAPIError) and is_connection_fault(err))


class DatabaseDown:
    """ASGI middleware: a request that finds the database away is answered 503 with a clear message."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except Exception as err:
            if started or not database_down(err):
                raise
            body = json.dumps({"detail": UNAVAILABLE}).encode()
            await send({"type": "http.response.start", "status": 503,
                        "headers": [(b"content-type", b"application/json"),
                                    (b"content-length", str(len(body)).encode()),
                                    (b"retry-after", str(RETRY_AFTER_S).encode()),
                                    (b"cache-control", b"no-store")]})
            await send({"type": "http.response.body", "body": body})
