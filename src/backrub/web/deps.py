"""Request readers shared by the routes: JSON bodies read by the core, with field-precise errors, and who
is asking."""

from __future__ import annotations

import ipaddress
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, WebSocket

from backrub.errors import InputError
from backrub.intake.model import Intake, parse_intake
from backrub.jsonin import loads
from backrub.records.recipients import LOCAL, Viewer
from backrub.web.auth import SIGN_IN_FIRST, VIEWER_KEY, Auth
from backrub.web.errors import Invalid
from backrub.web.store import Store


async def json_body(request: Request) -> Any:
    """The request body as JSON; 422 naming the line and column when it is not JSON."""
    data = await request.body()
    try:
        return loads(data)
    except InputError as err:
        raise Invalid(err.problems) from None


async def intake_body(raw: Annotated[Any, Depends(json_body)]) -> Intake:
    try:
        return parse_intake(raw)
    except InputError as err:
        raise Invalid(err.problems) from None


def viewer_of(request: Request) -> Viewer:
    """Who is asking: the local user (loopback clients only), or the signed-in account in accounts mode."""
    auth: Auth = request.app.state.auth
    if auth.accounts:
        viewer: Viewer | None = request.scope.get(VIEWER_KEY)  # left there by the sign-in gate
        if viewer is None:
            raise HTTPException(status_code=401, detail=SIGN_IN_FIRST)
        return viewer
    if not _loopback(request.client.host if request.client else ""):
        raise HTTPException(status_code=403, detail="records are shown only on this computer")
    return LOCAL


def socket_viewer(ws: WebSocket) -> Viewer | None:
    """Who is on a WebSocket (checked by the gate at connect); None when nobody signed in."""
    auth: Auth = ws.app.state.auth
    if auth.accounts:
        found: Viewer | None = ws.scope.get(VIEWER_KEY)
        return found
    return LOCAL if _loopback(ws.client.host if ws.client else "") else None


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def store_of(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


JsonBody = Annotated[Any, Depends(json_body)]
IntakeBody = Annotated[Intake, Depends(intake_body)]
StoreDep = Annotated[Store, Depends(store_of)]
ViewerDep = Annotated[Viewer, Depends(viewer_of)]


def body_doc(model: str, description: str = "") -> dict[str, Any]:
    """The OpenAPI request body of a route whose body the core reads (see schemas.py)."""
    schema = {"$ref": f"#/components/schemas/{model}"}
    return {"requestBody": {"required": True, "description": description,
                            "content": {"application/json": {"schema": schema}}}}
