"""Request size limits, enforced before any route reads a byte: 413 with a clear message.

The largest body any route takes is a /api/check of a routine at the routine reader's own limits
(about 1 MB of JSON); a coach's intake is a few kilobytes. Bodies are read here up to the limit and
handed on whole, so a client that lies about or leaves out Content-Length is stopped all the same.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY = 2 * 1024 * 1024
MAX_MESSAGE = 64 * 1024  # one live-channel message (a feedback or an end with notes is under 6 KB)
TOO_LARGE = (f"The request body is larger than {MAX_BODY // (1024 * 1024)} MiB, more than any request "
             "to the coach needs; nothing was read or stored.")


class BodyLimit:
    """Answer 413 to any HTTP request whose body passes `limit` bytes."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await _too_large(send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await _too_large(send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


async def _too_large(send: Send) -> None:
    body = json.dumps({"detail": TOO_LARGE}).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()), (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
