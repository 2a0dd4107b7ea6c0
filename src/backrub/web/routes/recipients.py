"""Recipients, read only: the list, one recipient's history with its trend plots, the PDF record.

Read from the records database as the coach's one local user (`records.recipients.LOCAL`). Until
sign-in is wired into the web coach these pages answer only requests from this computer
(loopback); from anywhere else they answer 403, since records are about people's health.
"""

from __future__ import annotations

import ipaddress
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, HTTPException, Path, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from backrub.records.errors import NotFound as RecordNotFound
from backrub.records.recipients import LOCAL, get_recipient, list_recipients
from backrub.records.sessions import history
from backrub.web.deps import StoreDep
from backrub.web.errors import NotFound
from backrub.web.store import Store

router = APIRouter(prefix="/api/recipients", tags=["recipients"])
RecipientId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$", description="a recipient's id")]
FORBIDDEN = {"description": "asked from another computer (records are shown on this one only)"}
MISSING = {"description": "no such recipient"}


class RecipientOut(BaseModel):
    id: str
    name: str
    conditions: list[str]
    cleared_by_clinician: bool
    spots: list[dict[str, Any]]
    preferences: dict[str, Any]
    reasons: dict[str, Any]
    notes: str
    created_at: str
    updated_at: str


class RecipientHistoryOut(BaseModel):
    recipient: RecipientOut
    sessions: list[dict[str, Any]]


def _local_only(request: Request) -> None:
    host = request.client.host if request.client else ""
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise HTTPException(status_code=403, detail="records are shown only on this computer")


def _read(store: Store, rid: str | None) -> Any:
    """The list (rid None), or one recipient with the summaries of their sessions, oldest first."""
    with store.db.session() as db:
        if rid is None:
            return [r.to_dict() for r in list_recipients(db, LOCAL)]
        try:
            return get_recipient(db, LOCAL, rid), history(db, LOCAL, rid)
        except RecordNotFound:
            raise NotFound("recipient") from None


@router.get("", summary="Every recipient, by name", responses={200: {"model": list[RecipientOut]},
                                                                403: FORBIDDEN})
async def recipients(request: Request, store: StoreDep) -> JSONResponse:
    _local_only(request)
    return JSONResponse(await store.call(_read, store, None))


@router.get("/{rid}", summary="A recipient and the summary of each of their sessions, oldest first",
            responses={200: {"model": RecipientHistoryOut}, 403: FORBIDDEN, 404: MISSING})
async def recipient(rid: RecipientId, request: Request, store: StoreDep) -> JSONResponse:
    _local_only(request)
    who, sessions = await store.call(_read, store, rid)
    return JSONResponse({"recipient": who.to_dict(), "sessions": [s.to_dict() for s in sessions]})


@router.get("/{rid}/trends.png", summary="Trend plots of a recipient's sessions (PNG)",
            responses={200: {"content": {"image/png": {}}, "description": "the plots"},
                       403: FORBIDDEN, 404: MISSING}, response_class=Response)
async def trends(rid: RecipientId, request: Request, store: StoreDep) -> Response:
    _local_only(request)
    _, sessions = await store.call(_read, store, rid)
    from backrub.records import reports  # matplotlib: loaded when first drawn, not at start-up

    png = await anyio.to_thread.run_sync(reports.trends_png, sessions)
    return Response(png, media_type="image/png", headers={"Cache-Control": "no-cache"})


@router.get("/{rid}/record.pdf", summary="A recipient's record as one PDF page",
            responses={200: {"content": {"application/pdf": {}}, "description": "the record"},
                       403: FORBIDDEN, 404: MISSING}, response_class=Response)
async def record_pdf(rid: RecipientId, request: Request, store: StoreDep) -> Response:
    _local_only(request)
    who, sessions = await store.call(_read, store, rid)
    from backrub.records import reports

    pdf = await anyio.to_thread.run_sync(lambda: reports.recipient_pdf(who, sessions))
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="backrub-{rid[:8]}.pdf"'})
