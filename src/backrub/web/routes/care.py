"""Comfort care: rubs due now, each recipient's schedule, and the skin checks before each rub."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from backrub.records import comfort
from backrub.records.recipients import Viewer
from backrub.web import schemas
from backrub.web.deps import JsonBody, StoreDep, ViewerDep, body_doc
from backrub.web.routes.recipients import INVALID, MISSING, RecipientId

router = APIRouter(prefix="/api", tags=["care"])


def _due(db: Session, viewer: Viewer) -> list[dict[str, Any]]:
    return [d.to_dict() for d in comfort.due_now(db, viewer)]


@router.get("/care/due", summary="Comfort rubs due now, the longest overdue first",
            description="Among the recipients this viewer sees, with an active schedule: a rub is due from "
                        "15 minutes before its set time until one is given.",
            responses={200: {"model": list[schemas.DueOut]}})
async def due(viewer: ViewerDep, store: StoreDep) -> JSONResponse:
    return JSONResponse(await store.read(_due, viewer))


def _set_schedule(db: Session, viewer: Viewer, rid: str, raw: Any) -> dict[str, Any] | None:
    comfort.set_schedule(db, viewer, rid, raw)
    return comfort.schedule_view(db, viewer, rid)


@router.put("/recipients/{rid}/schedule", summary="Set a recipient's comfort-care schedule",
            description="A rub every `every_hours` (1-24, default 4) from `starts_at` (ISO; now when left "
                        "out), each `rub_minutes` long (3-10). Answers the schedule with `next_due`.",
            responses={200: {"model": schemas.ScheduleOut}, 404: MISSING, 422: INVALID},
            openapi_extra=body_doc("ScheduleIn"))
async def set_schedule(rid: RecipientId, raw: JsonBody, viewer: ViewerDep, store: StoreDep) -> JSONResponse:
    return JSONResponse(await store.write(_set_schedule, viewer, rid, raw))


@router.post("/recipients/{rid}/skin-checks", status_code=201, summary="Record a skin check before a rub",
             description="Reddened or broken places marked on the back map (a point and radius in cm, or a "
                         "zone); they are no-touch for the rubs of the next 30 minutes.",
             responses={201: {"model": schemas.SkinCheckOut}, 404: MISSING, 422: INVALID},
             openapi_extra=body_doc("SkinCheckIn"))
async def add_skin_check(rid: RecipientId, raw: JsonBody, viewer: ViewerDep, store: StoreDep) -> JSONResponse:
    check = await store.write(comfort.record_skin_check, viewer, rid, raw)
    return JSONResponse(check, status_code=201, headers={"Location": f"/api/recipients/{rid}/skin-checks"})


@router.get("/recipients/{rid}/skin-checks", summary="A recipient's skin checks, newest first",
            responses={200: {"model": list[schemas.SkinCheckOut]}, 404: MISSING})
async def skin_checks(rid: RecipientId, viewer: ViewerDep, store: StoreDep) -> JSONResponse:
    return JSONResponse(await store.read(comfort.skin_checks, viewer, rid))
