"""The breath sensor's page and how a phone finds its session: a QR code of the sensor's address on
the coach, or the first six characters of the session id typed on the phone (issue 13)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, Response
from sqlalchemy import select

from backrub.records.models import SessionRow
from backrub.records.recipients import Viewer
from backrub.records.sessions import session_visible
from backrub.web.deps import StoreDep, ViewerDep
from backrub.web.errors import NotFound
from backrub.web.store import Store

router = APIRouter(tags=["breath sensor"])
STATIC = Path(__file__).resolve().parents[1] / "static"
CODE_LENGTH = 6
SessionId = Annotated[str, PathParam(pattern=r"^[0-9a-f]{32}$", description="the id POST /api/sessions gave")]
Code = Annotated[str, Query(pattern=r"^[0-9a-fA-F]{6}$", description="the code the coach shows")]


@router.get("/sensor", include_in_schema=False)
async def sensor_page() -> FileResponse:
    return FileResponse(STATIC / "sensor.html", headers={"Cache-Control": "no-cache"})


@router.get("/api/sessions/{sid}/sensor.svg", summary="A QR code of the breath sensor's page for a session",
            responses={200: {"content": {"image/svg+xml": {}}}, 404: {"description": "no such session"}})
async def sensor_qr(sid: SessionId, request: Request, store: StoreDep, viewer: ViewerDep) -> Response:
    """The address is the coach's own, as this request reached it."""
    if not await store.call(store.visible, sid, viewer):
        raise NotFound("session")
    import segno  # only here: the rest of the coach does without it

    qr = segno.make(f"{str(request.base_url).rstrip('/')}/sensor?s={sid}", error="m")
    out = io.BytesIO()
    qr.save(out, kind="svg", scale=5, border=2, dark="#2b2622", light="#ffffff", xmldecl=False,
            title="Scan with the phone that lies on the receiver's back")
    return Response(out.getvalue(), media_type="image/svg+xml", headers={"Cache-Control": "no-store"})


@router.get("/api/sensor-session", summary="The live session a sensor code stands for",
            description="The newest session not yet ended, that this viewer may see, whose id begins with "
                        "the code (its first six characters, as the coach shows them). 404 when none.",
            responses={404: {"description": "no such session"}})
async def sensor_code(code: Code, store: StoreDep, viewer: ViewerDep) -> dict[str, str]:
    sid = await store.call(_find, store, code.lower(), viewer)
    if sid is None:
        raise NotFound("session")
    return {"id": sid}


def _find(store: Store, code: str, viewer: Viewer) -> str | None:
    with store.engine.connect() as conn:
        query = (select(SessionRow.id)
                 .where(SessionRow.id.startswith(code, autoescape=True), SessionRow.ended_at.is_(None),
                        session_visible(viewer))
                 .order_by(SessionRow.created_at.desc()).limit(1))
        found = conn.execute(query).scalar_one_or_none()
        return str(found) if found is not None else None
