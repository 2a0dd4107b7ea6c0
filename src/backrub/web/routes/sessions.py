"""Sessions: start one for an intake, read it back with its events, save the outcome; each seen only by
whoever may see it (its owner, or those its recipient is shared with)."""

from __future__ import annotations

import json
import time
from functools import partial
from typing import Annotated

import anyio
from fastapi import APIRouter, Path, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError

from backrub.gate import planned
from backrub.records.clock import Clock
from backrub.web import schemas
from backrub.web.deps import IntakeBody, JsonBody, StoreDep, ViewerDep, body_doc
from backrub.web.encode import routine_json as routine_json_of
from backrub.web.errors import NotFound
from backrub.web.session import status_of

router = APIRouter(prefix="/api/sessions", tags=["sessions"])
SessionId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$", description="the id POST /api/sessions gave")]


@router.post("", status_code=201, summary="Start a live session for an intake",
             description="Plans and verifies the routine, stores the session and starts its clock. "
                         "Then connect to the WebSocket `/api/sessions/{id}/live`. 409 when no routine "
                         "may be given (as for /api/plan).",
             responses={201: {"model": schemas.SessionCreated}, 409: {"model": schemas.NotPlannedOut},
                        422: {"model": schemas.Problems}},
             openapi_extra=body_doc("Intake"))
async def start_session(intake: IntakeBody, store: StoreDep, viewer: ViewerDep, request: Request) -> Response:
    coach = request.app.state.coach
    # The one gate (plan, device pass, verify), in the planning pool, off the loop.
    routine = await anyio.to_thread.run_sync(planned, intake, limiter=coach.replans)
    routine_json = routine_json_of(routine)
    sid, clock = await store.call(partial(store.create_session, owner_id=viewer.account_id),
                                  json.dumps(intake.to_dict()), routine_json)
    coach.remember(sid, routine, routine_json, clock)
    body = f'{{"id":"{sid}","routine":{routine_json}}}'  # the routine's JSON as stored, not re-encoded
    return Response(body, status_code=201, media_type="application/json",
                    headers={"Location": f"/api/sessions/{sid}"})


@router.get("/{sid}", summary="A session: intake, routines, where it stands, every event, the outcome",
            responses={200: {"model": schemas.SessionOut}, 404: {"description": "no such session"}})
async def get_session(sid: SessionId, store: StoreDep, viewer: ViewerDep) -> JSONResponse:
    view = await store.call(store.view, sid, viewer)
    if view is None:
        raise NotFound("session")
    clock = view.pop("clock")
    seconds = [s["seconds"] for s in view["routine"]["steps"]]
    stored = Clock(wall=clock["wall"], at_s=clock["at_s"], running=clock["running"])
    view["status"] = status_of(seconds, stored, view["ended_at"] is not None, time.time())
    view["status"]["version"] = view.pop("version")  # as live messages carry it: `?version=` on connect
    return JSONResponse(view)


@router.put("/{sid}/outcome", summary="Save how the receiver felt before and after, and notes",
            responses={200: {"model": schemas.Outcome}, 404: {"description": "no such session"},
                       422: {"model": schemas.Problems}},
            openapi_extra=body_doc("Outcome"))
async def put_outcome(sid: SessionId, raw: JsonBody, store: StoreDep, viewer: ViewerDep) -> JSONResponse:
    try:
        outcome = schemas.Outcome.model_validate(raw)
    except ValidationError as err:
        problems = err.errors(include_url=False, include_input=False)
        raise RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in problems]) from None
    values = outcome.model_dump(exclude_unset=True)
    if not await store.call(store.save_outcome, sid, values, viewer):
        raise NotFound("session")
    return JSONResponse(values)
