"""Security headers on every answer: a Content-Security-Policy that lets the pages load only what
this server serves, no framing, no sniffing, and HSTS when served over https.

The pages use no inline scripts; an inline `<style>` block (the sign-in page has one) is allowed by
its hash, worked out from the page files at start-up, so editing a page never needs this file.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

from starlette.types import ASGIApp, Message, Receive, Scope, Send

HSTS = b"max-age=31536000"
_STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.DOTALL | re.IGNORECASE)


def content_security_policy(static: Path, *, allow_eval: bool = False) -> str:
    """The policy for the pages in `static`: this origin only, plus the hashes of inline styles.
    `allow_eval` (BACKRUB_CSP_ALLOW_EVAL=1, set only by the browser tests) lets a test driver
    evaluate strings in the page, as Playwright's wait_for_function does; the pages never do."""
    hashes = sorted({"'sha256-" + base64.b64encode(hashlib.sha256(block.encode()).digest()).decode() + "'"
                     for page in static.glob("*.html")
                     for block in _STYLE.findall(page.read_text(encoding="utf-8"))})
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'" + (" 'unsafe-eval'" if allow_eval else ""),
        "style-src " + " ".join(["'self'", *hashes]),
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


class SecurityHeaders:
    """ASGI middleware adding the headers to every HTTP answer (HSTS only over https)."""

    def __init__(self, app: ASGIApp, *, policy: str) -> None:
        self.app = app
        self.fixed = [(b"content-security-policy", policy.encode()), (b"x-content-type-options", b"nosniff"),
                      (b"x-frame-options", b"DENY"), (b"referrer-policy", b"same-origin")]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = scope.get("scheme") == "https"
        extra = self.fixed + ([(b"strict-transport-security", HSTS)] if https else [])

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                have = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []), *(h for h in extra if h[0] not in have)]
            await send(message)

        await self.app(scope, receive, with_headers)
