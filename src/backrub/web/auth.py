"""Who may use the coach: the one local user on loopback, or signed-in accounts when it is served further.

In accounts mode a gate in front of the app lets through only the pages, their static files, the
API's description and /api/auth/*; everything else needs the login cookie, and every request that
changes something also the CSRF token that goes with it. WebSockets are checked once, at connect:
an Origin equal to the Host (CSRF for WebSockets), then the cookie.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import math
import secrets
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backrub.records import throttle
from backrub.records.accounts import COOKIE, CSRF_HEADER, Account, account_for, csrf_ok
from backrub.records.models import SettingRow
from backrub.records.recipients import Viewer
from backrub.web.store import Store

VIEWER_KEY = "backrub.viewer"  # where the gate leaves the signed-in viewer in the ASGI scope
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PUBLIC_PAGES = frozenset({"/", "/recipients", "/signin", "/openapi.json", "/docs", "/docs/oauth2-redirect",
                          "/redoc", "/sensor", "/api/health"})
PUBLIC_PREFIXES = ("/static/", "/api/auth/")
SECRET_SETTING = "csrf_secret"
SIGN_IN_FIRST = "sign in first"
BAD_CSRF = f"the {CSRF_HEADER} header is missing or wrong (reload the page)"
CLOSE_SIGN_IN, CLOSE_ORIGIN = 4401, 4403
_HEADERS = ((b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY"),
            (b"referrer-policy", b"same-origin"))


@dataclass(frozen=True, slots=True, kw_only=True)
class Auth:
    """The app's auth mode; `secret` signs CSRF tokens (empty in local mode)."""

    accounts: bool
    secret: bytes = b""


def load_auth(store: Store, accounts: bool) -> Auth:
    """The auth of an app over `store`: in accounts mode with the database's CSRF secret."""
    return Auth(accounts=True, secret=csrf_secret(store)) if accounts else Auth(accounts=False)


def csrf_secret(store: Store) -> bytes:
    """The random secret kept with the records (made on first use), so restarts keep logins valid."""
    for _ in range(2):
        with store.db.session() as db:
            row = db.get(SettingRow, SECRET_SETTING)
            if row is not None:
                return base64.b64decode(row.value)
        try:
            with store.db.session() as db:
                fresh = base64.b64encode(secrets.token_bytes(32)).decode()
                db.add(SettingRow(name=SECRET_SETTING, value=fresh))
        except IntegrityError:  # another server on the same database made it first: read theirs
            continue
    raise RuntimeError("cannot keep the CSRF secret in the database")


def account_of(store: Store, token: str | None) -> Account | None:
    """Who holds this login cookie (a store-thread call)."""
    if not token:
        return None
    with store.db.session() as db:
        return account_for(db, token)


def origin_ok(conn: HTTPConnection) -> bool:
    """True when the Origin header names this server's own host (what a browser on our page sends)."""
    origin, host = conn.headers.get("origin"), conn.headers.get("host")
    if not origin or not host:
        return False
    scheme, sep, rest = origin.partition("://")
    return bool(sep) and scheme in ("http", "https") and rest.rstrip("/").lower() == host.lower()


def is_public(path: str) -> bool:
    return path in PUBLIC_PAGES or path.startswith(PUBLIC_PREFIXES)


class Throttle:
    """Failed sign-ins: after `per_name` for one username from one client within `window_s`, or
    `per_client` for any usernames from one client (guessing names), that client waits.

    The failures are rows in the records (`records.throttle`), so a restart forgets nothing and every
    worker behind a load balancer counts the same failures. The methods touch the database: call
    them on a store thread (`store.call`).
    """

    def __init__(self, store: Store, per_name: int = 5, per_client: int = 30,
                 window_s: float = 300.0) -> None:
        self.store = store
        self.per_name, self.per_client, self.window_s = per_name, per_client, window_s

    def wait_s(self, username: str, client: str, now: float | None = None) -> int:
        """Whole seconds until `username` may be tried again from `client`; 0 when it may now."""
        now = time.time() if now is None else now
        with self.store.db.session() as db:
            return max(self._wait(db, username, client, self.per_name, now),
                       self._wait(db, "", client, self.per_client, now))

    def failed(self, username: str, client: str, now: float | None = None) -> None:
        """Count a failure; counted before the password is checked, so guesses sent all at once are
        held as well (`succeeded` takes it back)."""
        now = time.time() if now is None else now
        with self.store.db.session(writes=True) as db:
            throttle.prune(db, now - self.window_s)
            throttle.add_failure(db, username, client, now)
            throttle.add_failure(db, "", client, now)

    def succeeded(self, username: str, client: str) -> None:
        """A right password: that username's failures are forgotten, and this attempt not counted."""
        with self.store.db.session(writes=True) as db:
            throttle.forget(db, username, client)
            throttle.take_back_latest(db, "", client)

    def _wait(self, db: Any, username: str, client: str, limit: int, now: float) -> int:
        since = now - self.window_s
        count = throttle.failures_since(db, username, client, since)
        if count < limit:
            return 0
        # Held until only limit - 1 of the failures are within the window: the newest `limit` count.
        return max(1, math.ceil(throttle.nth_since(db, username, client, since, count - limit) - since))


class SignInGate:
    """ASGI middleware for accounts mode: only signed-in viewers past the public pages.

    Deny by default, so a route added later is covered without anyone remembering to cover it.
    The viewer found is left in the scope for `deps.viewer_of`.
    """

    def __init__(self, app: ASGIApp, *, auth: Auth, store: Store) -> None:
        self.app, self.auth, self.store = app, auth, store

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await self._socket(scope, receive, send)
        elif scope["type"] == "http":
            await self._http(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        api = scope["path"].startswith("/api/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.extend(_HEADERS)
                if api and not any(k.lower() == b"cache-control" for k, _ in headers):
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        if is_public(scope["path"]):
            await self.app(scope, receive, send_with_headers)
            return
        conn = HTTPConnection(scope)
        token = conn.cookies.get(COOKIE)
        account = await self.store.call(account_of, self.store, token)
        if account is None:
            await _json(send_with_headers, 401, {"detail": SIGN_IN_FIRST})
            return
        if scope["method"] not in SAFE_METHODS and not csrf_ok(token, conn.headers.get(CSRF_HEADER),
                                                                self.auth.secret):
            await _json(send_with_headers, 403, {"detail": BAD_CSRF})
            return
        scope[VIEWER_KEY] = Viewer(account_id=account.id)
        await self.app(scope, receive, send_with_headers)

    async def _socket(self, scope: Scope, receive: Receive, send: Send) -> None:
        conn = HTTPConnection(scope)
        if not origin_ok(conn):
            await _refuse(receive, send, CLOSE_ORIGIN, "the page's origin is not this server")
            return
        account = await self.store.call(account_of, self.store, conn.cookies.get(COOKIE))
        if account is None:
            await _refuse(receive, send, CLOSE_SIGN_IN, SIGN_IN_FIRST)
            return
        scope[VIEWER_KEY] = Viewer(account_id=account.id)
        await self.app(scope, receive, send)


class LocalGate:
    """ASGI middleware for local mode (no sign-in): only this computer's own pages may use the coach.

    Loopback alone does not say who sent a request: a page from another site open in the same
    browser can post to 127.0.0.1, and a rebound DNS name can read from it. So the Host must name
    this computer, and anything that changes something (and every WebSocket) must come from no page
    or from one of ours (Origin equal to Host).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        conn = HTTPConnection(scope)
        origin = conn.headers.get("origin")
        unsafe = scope["type"] == "websocket" or scope["method"] not in SAFE_METHODS
        if not _loopback_host(conn.headers.get("host", "")):
            refusal = "this coach answers only to its own address on this computer"
        elif unsafe and origin is not None and not origin_ok(conn):
            refusal = "only the coach's own pages may change anything"
        else:
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await _refuse(receive, send, CLOSE_ORIGIN, refusal)
        else:
            await _json(send, 403, {"detail": refusal})


def _loopback_host(host: str) -> bool:
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    name = name.strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


async def _json(send: Send, status: int, body: dict[str, Any]) -> None:
    data = json.dumps(body).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})


async def _refuse(receive: Receive, send: Send, code: int, reason: str) -> None:
    """Accept, then close with `code`: a browser sees the code (a refused handshake shows none)."""
    message = await receive()
    if message["type"] != "websocket.connect":
        return
    await send({"type": "websocket.accept"})
    await send({"type": "websocket.close", "code": code, "reason": reason})
