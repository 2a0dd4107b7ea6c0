"""POST /api/plan: the routine for an intake, or 409 with the screening and reasons."""

from __future__ import annotations

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from backrub.gate import planned
from backrub.web import schemas
from backrub.web.deps import IntakeBody, body_doc

router = APIRouter(prefix="/api", tags=["planning"])


@router.post("/plan", summary="Plan a routine for an intake",
             description="200: the routine (backrub.routine/1). 409: no routine may be given (screening "
                         "said check first or refer, or nothing safe fills the time): the screening and the "
                         "reasons, as `backrub plan --json` prints them.",
             responses={200: {"model": schemas.Routine}, 409: {"model": schemas.NotPlannedOut},
                        422: {"model": schemas.Problems}},
             openapi_extra=body_doc("Intake"))
async def plan(intake: IntakeBody, request: Request) -> JSONResponse:
    # Planning takes up to tenths of a second: it shares the live replans' bounded pool, so a client
    # sending many plans at once waits its turn instead of taking every thread the server has.
    routine = await anyio.to_thread.run_sync(planned, intake, limiter=request.app.state.coach.replans)
    return JSONResponse(routine.to_dict())  # planned with its device, and verified
