"""Domain errors mapped to HTTP in one place: bad input 422 with field paths, no plan 409, 404,
records not visible 404, records in conflict 409, a full disk 503."""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from backrub.errors import InputError, Problem
from backrub.planner import NotPlanned
from backrub.records import errors as records

_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


class Invalid(InputError):
    """Input problems found in one part of a request (`body`, `query`, `path`)."""

    def __init__(self, problems: Any, root: str = "body", prefix: str = "") -> None:
        super().__init__(problems)
        self.root = root
        self.prefix = prefix


DISK_FULL = ("The disk that holds the records is full, so nothing was saved. Free some space on it "
             "and try again; nothing else needs doing.")


def disk_full(err: BaseException) -> bool:
    """Whether a storage error means the disk is full (SQLite's SQLITE_FULL, PostgreSQL's 53100, ENOSPC)."""
    import errno

    seen: BaseException | None = err
    while seen is not None:
        if isinstance(seen, OSError) and seen.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        text = str(seen).lower()
        if "disk is full" in text or "no space left" in text or getattr(seen, "sqlstate", None) == "53100":
            return True
        seen = getattr(seen, "orig", None) or seen.__cause__
    return False


class NotFound(Exception):
    def __init__(self, what: str) -> None:
        self.what = what
        super().__init__(what)


def loc_of(path: str, root: str = "body", prefix: str = "") -> list[str | int]:
    """`spots[1].zone` as a FastAPI-style location: ["body", "spots", 1, "zone"]."""
    loc: list[str | int] = [root]
    for part in (prefix, path):
        for name, index in _PART.findall(part):
            loc.append(int(index) if index else name)
    return loc


def detail(problems: tuple[Problem, ...], root: str = "body", prefix: str = "") -> list[dict[str, Any]]:
    return [{"loc": loc_of(p.path, root, prefix), "msg": p.message, "type": "value_error"} for p in problems]


def not_planned_body(no: NotPlanned) -> dict[str, Any]:
    """What `backrub plan --json` prints when no routine may be given."""
    return {"planned": False, "screening": no.screening.to_dict(), "reasons": list(no.reasons)}


def install(app: FastAPI) -> None:
    """Register the one mapping from domain errors to HTTP answers."""

    @app.exception_handler(InputError)
    async def _input(_: Request, err: InputError) -> JSONResponse:
        root, prefix = (err.root, err.prefix) if isinstance(err, Invalid) else ("body", "")
        return JSONResponse(status_code=422, content={"detail": detail(err.problems, root, prefix)})

    @app.exception_handler(NotPlanned)
    async def _not_planned(_: Request, no: NotPlanned) -> JSONResponse:
        return JSONResponse(status_code=409, content=not_planned_body(no))

    async def _not_found(_: Request, err: NotFound | records.NotFound) -> JSONResponse:
        # The same answer for a missing record and another account's: nobody learns it exists.
        return JSONResponse(status_code=404, content={"detail": f"no such {err.what}"})

    app.add_exception_handler(NotFound, _not_found)  # type: ignore[arg-type]
    app.add_exception_handler(records.NotFound, _not_found)  # type: ignore[arg-type]

    from sqlalchemy.exc import DBAPIError

    async def _storage(_: Request, err: Exception) -> JSONResponse:
        if disk_full(err):
            return JSONResponse(status_code=503, content={"detail": DISK_FULL}, headers={"Retry-After": "60"})
        raise err

    app.add_exception_handler(DBAPIError, _storage)
    app.add_exception_handler(OSError, _storage)

    from starlette.exceptions import HTTPException

    @app.exception_handler(HTTPException)
    async def _http(request: Request, err: HTTPException) -> JSONResponse:
        headers = dict(err.headers or {})
        if err.status_code == 405:  # Starlette names only the first route's methods; name every one
            headers["Allow"] = ", ".join(_allowed(request.app, request.url.path))
        return JSONResponse(status_code=err.status_code, content={"detail": err.detail}, headers=headers)

    @app.exception_handler(records.Conflict)
    async def _conflict(_: Request, err: records.Conflict) -> JSONResponse:
        return JSONResponse(status_code=409, content={"detail": str(err)})


def _allowed(app: FastAPI, path: str) -> list[str]:
    """Every method some operation of the API description takes at `path` (HEAD with GET)."""
    table: list[tuple[re.Pattern[str], set[str]]] | None = getattr(app.state, "allowed_methods", None)
    if table is None:
        table = [(re.compile("^" + re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(template)) + "$"),
                  {m.upper() for m in operations})
                 for template, operations in app.openapi().get("paths", {}).items()]
        app.state.allowed_methods = table
    allowed = {m for pattern, methods in table if pattern.match(path) for m in methods}
    if "GET" in allowed:
        allowed.add("HEAD")
    return sorted(allowed)
