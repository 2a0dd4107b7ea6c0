"""Signing in and out: /api/auth/me, /api/auth/signin, /api/auth/signout (accounts mode)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from backrub.errors import Problem, Problems
from backrub.records.accounts import (
    COOKIE,
    CSRF_HEADER,
    LOGIN_DAYS,
    Account,
    authenticate,
    csrf_ok,
    csrf_token,
    end_login,
    login_problem,
    refresh_hash,
    start_login,
)
from backrub.web import schemas
from backrub.web.auth import BAD_CSRF, Auth, Throttle, account_of, origin_ok
from backrub.web.deps import JsonBody, StoreDep
from backrub.web.errors import Invalid
from backrub.web.store import Store

router = APIRouter(prefix="/api/auth", tags=["accounts"])
NO_ACCOUNTS = "this coach has no accounts (it is served on this computer only)"
NO_STORE = {"Cache-Control": "no-store"}


class SignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: Annotated[str, Field(min_length=1, max_length=64)]
    password: Annotated[str, Field(min_length=1, max_length=1024)]


SIGN_IN_BODY = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": SignIn.model_json_schema()}}}}


def sign_in_body(raw: Any) -> SignIn:
    """The sign-in form, every problem named by its field (in words a person can act on)."""
    problems = Problems()
    if not isinstance(raw, dict):
        raise Invalid([Problem(path="", message="expected an object with username and password")])
    for name, most in (("username", 64), ("password", 1024)):
        value = raw.get(name)
        if not isinstance(value, str) or not value.strip():
            problems.add(name, f"enter your {name}")
        elif len(value) > most:
            problems.add(name, f"expected at most {most} characters")
    problems.unknown_keys(raw, ("username", "password"))
    if problems.items:
        raise Invalid(problems.items)
    return SignIn(username=raw["username"], password=raw["password"])


class Me(BaseModel):
    accounts: bool
    username: str | None
    csrf: str | None


class SignedIn(BaseModel):
    username: str
    csrf: str


def _auth(request: Request) -> Auth:
    auth: Auth = request.app.state.auth
    return auth


def _throttle(request: Request) -> Throttle:
    throttle: Throttle = request.app.state.sign_in_throttle
    return throttle


@router.get("/me", summary="Who is signed in here, and the CSRF token to send with changes",
            responses={200: {"model": Me}})
async def me(request: Request, store: StoreDep) -> JSONResponse:
    auth = _auth(request)
    token = request.cookies.get(COOKIE)
    account = await store.call(account_of, store, token) if auth.accounts else None
    body = {"accounts": auth.accounts, "username": account.username if account else None,
            "csrf": csrf_token(token, auth.secret) if account and token else None}
    return JSONResponse(body, headers=NO_STORE)


@router.post("/signin", summary="Sign in: sets the login cookie; answers the CSRF token",
             responses={200: {"model": SignedIn}, 403: {"description": "sent from another site's page"},
                        404: {"description": NO_ACCOUNTS},
                        422: {"model": schemas.Problems,
                              "description": "a field missing, or the username or password is wrong "
                                             "(loc body.password)"},
                        429: {"description": "too many failed sign-ins; see Retry-After"}},
             openapi_extra=SIGN_IN_BODY)
async def sign_in(raw: JsonBody, request: Request, store: StoreDep) -> Response:
    auth = _auth(request)
    if not auth.accounts:
        return JSONResponse({"detail": NO_ACCOUNTS}, status_code=404)
    body = sign_in_body(raw)
    if request.headers.get("origin") and not origin_ok(request):  # no signing in from another site's form
        return JSONResponse({"detail": "sign in from this coach's own page"}, status_code=403)
    username = body.username.strip().lower()
    client = request.client.host if request.client else ""
    throttle = _throttle(request)
    wait = await store.call(throttle.wait_s, username, client)  # counted in the database: every worker
    if wait:
        minutes = max(1, round(wait / 60))
        return JSONResponse({"detail": f"too many failed sign-ins: try again in {minutes} "
                                       f"minute{'s' if minutes > 1 else ''}"},
                            status_code=429, headers={"Retry-After": str(wait)})
    old = request.cookies.get(COOKIE)
    await store.call(throttle.failed, username, client)
    token = await store.call(_sign_in, store, username, body.password, old)
    if token is None:
        raise login_problem()
    await store.call(throttle.succeeded, username, client)
    response = JSONResponse({"username": username, "csrf": csrf_token(token, auth.secret)}, headers=NO_STORE)
    response.set_cookie(COOKIE, token, max_age=LOGIN_DAYS * 24 * 3600, path="/", httponly=True,
                        samesite="strict", secure=request.url.scheme == "https")
    return response


def _sign_in(store: Store, username: str, password: str, old: str | None) -> str | None:
    """A new login token for a right password (the browser's previous login ended); None otherwise."""
    with store.db.session() as db:  # the slow hash check holds no write lock
        account: Account | None = authenticate(db, username, password)
    if account is None:
        return None
    with store.db.session(writes=True) as db:
        refresh_hash(db, account, password)
        end_login(db, old)
        return start_login(db, account)


@router.post("/signout", status_code=204, summary="Sign out: ends the login and clears the cookie",
             responses={204: {"description": "signed out"}, 403: {"description": BAD_CSRF}})
async def sign_out(request: Request, store: StoreDep) -> Response:
    auth = _auth(request)
    token = request.cookies.get(COOKIE)
    if auth.accounts and token:
        account = await store.call(account_of, store, token)
        if account is not None and not csrf_ok(token, request.headers.get(CSRF_HEADER), auth.secret):
            return JSONResponse({"detail": BAD_CSRF}, status_code=403)
        await store.call(_end, store, token)
        await request.app.state.coach.revoke(token=token)  # its open live sockets close too
    response = Response(status_code=204, headers=NO_STORE)
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict",
                           secure=request.url.scheme == "https")
    return response


def _end(store: Store, token: str) -> None:
    with store.db.session() as db:
        end_login(db, token)

