"""The web coach's application: the HTTP API, the live channel and the pages."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.staticfiles import StaticFiles
from pydantic.json_schema import models_json_schema

from backrub.web import errors, live, schemas
from backrub.web.assets import assets_router, load_assets
from backrub.web.auth import SAFE_METHODS, LocalGate, SignInGate, Throttle, is_public, load_auth
from backrub.web.headers import SecurityHeaders, content_security_policy
from backrub.web.limits import BodyLimit
from backrub.web.outage import DatabaseDown
from backrub.web.routes import auth as auth_routes
from backrub.web.routes import (
    backmap,
    breath,
    care,
    check,
    health,
    learning,
    plan,
    recipients,
    reflex,
    screen,
    sessions,
)
from backrub.web.routes import live as live_routes
from backrub.web.store import Store

STATIC = Path(__file__).parent / "static"
DESCRIPTION = """The web coach's API. Intakes and routines are the JSON formats of backrub's design
(every field is read strictly; bad input answers 422 with the path of each bad field).

Live sessions: `POST /api/sessions`, then the WebSocket `/api/sessions/{id}/live`. Send
`{"type": "feedback", "kind": "softer|firmer|pain|skip", "at": {"x_cm", "y_cm"}}`, `pause`,
`resume`, `skip`, `end` (with an optional `outcome`); add `"seq": n` to have the message
acknowledged (`{"type": "ack", "seq": n}`) once it is stored. Changes to the plan are answered
`{"type": "routine", "from_step", "message", "status", "routine"}`, the rest of the routine
replanned and verified; pause, resume and end with `{"type": "state", "status"}`; a malformed
message with `{"type": "error", "detail": [{"loc", "msg"}]}` (the session goes on).

Accounts: served beyond this computer, every request but /api/auth/* needs the login cookie that
`POST /api/auth/signin` sets (401 otherwise), and every change the header `X-CSRF-Token` that
`GET /api/auth/me` gives (403 otherwise); each account sees only its own records and those shared
with it (404 for the rest).
"""


def create_app(database_url: str | None = None, *, accounts: bool = False) -> FastAPI:
    """The app, with its records in `database_url` (BACKRUB_DATABASE_URL or SQLite by default).
    With `accounts` everyone signs in and sees only their own records and those shared with them."""
    store = Store(database_url)
    try:
        auth = load_auth(store, accounts)
    except BaseException:
        store.close()
        raise

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        coach.start()  # on PostgreSQL: hear the other workers' changes from the start
        yield
        coach.close()
        store.close()

    app = FastAPI(title="backrub coach", version="1", description=DESCRIPTION, lifespan=lifespan)
    app.state.store = store
    app.state.coach = coach = live.Coach(store)
    app.state.auth = auth
    app.state.sign_in_throttle = Throttle(store)
    if auth.accounts:
        app.add_middleware(SignInGate, auth=auth, store=store)
    else:
        app.add_middleware(LocalGate)
    allow_eval = os.environ.get("BACKRUB_CSP_ALLOW_EVAL") == "1"  # browser tests only (headers.py)
    app.add_middleware(SecurityHeaders, policy=content_security_policy(STATIC, allow_eval=allow_eval))
    app.add_middleware(DatabaseDown)  # the records database away: 503 with a clear message
    app.add_middleware(BodyLimit)  # outermost: nothing reads a body past the limit
    errors.install(app)
    app.include_router(auth_routes.router)
    for router in (screen.router, plan.router, check.router, backmap.router, sessions.router,
                   recipients.router, care.router, learning.router, live_routes.router, breath.router,
                   health.router):
        app.include_router(router)
    app.include_router(reflex.router)
    # Pages and version-stamped files, compressed and cached (assets.py); /static/ still serves as is.
    app.include_router(assets_router(load_assets()))
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def _openapi(app: FastAPI) -> dict[str, Any]:
    """The generated description plus the models of the bodies the core reads itself."""
    if app.openapi_schema is None:
        spec = get_openapi(title=app.title, version=app.version, description=app.description,
                           routes=app.routes)
        _, defs = models_json_schema([(m, "validation") for m in schemas.DOC_MODELS],
                                     ref_template="#/components/schemas/{model}")
        spec.setdefault("components", {}).setdefault("schemas", {}).update(defs.get("$defs", {}))
        _gate_answers(spec)
        for schema in spec["components"]["schemas"].values():
            _no_nul(schema)
        app.openapi_schema = spec
    return app.openapi_schema


GATE_ANSWERS = {
    "401": {"description": "a coach with accounts: not signed in (`{\"detail\": \"sign in first\"}`)",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Detail"}}}},
    "403": {"description": "a coach with accounts: a change without the login's CSRF token",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Detail"}}}},
}


def _gate_answers(spec: dict[str, Any]) -> None:
    """The sign-in gate answers before any route (web/auth.py: SignInGate): say so on every operation
    behind it, 401 on each and 403 on each that changes something."""
    for path, operations in spec.get("paths", {}).items():
        if is_public(path):
            continue
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            responses.setdefault("401", GATE_ANSWERS["401"])
            if method.upper() not in SAFE_METHODS:
                responses.setdefault("403", GATE_ANSWERS["403"])


def _no_nul(node: Any) -> None:
    """Every text and every field name the edge reader takes is free of NUL (backrub.jsonin refuses it
    anywhere in a body): say so on each string and each open object of the description."""
    if isinstance(node, list):
        for item in node:
            _no_nul(item)
        return
    if not isinstance(node, dict):
        return
    if node.get("type") == "string" and not {"pattern", "enum", "const", "format"} & node.keys():
        node["pattern"] = schemas.NO_NUL
    if node.get("type") == "object" and node.get("additionalProperties") is not False:
        node.setdefault("propertyNames", {"pattern": schemas.NO_NUL})
    for key, value in node.items():
        if key != "propertyNames":
            _no_nul(value)
