"""POST /api/screen: the screening decision for an intake, with its reasons."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from backrub.intake import screen
from backrub.web import schemas
from backrub.web.deps import IntakeBody, body_doc

router = APIRouter(prefix="/api", tags=["screening"])


@router.post("/screen", summary="Screen an intake: proceed, adapt, check first or refer",
             responses={200: {"model": schemas.Screening}, 422: {"model": schemas.Problems}},
             openapi_extra=body_doc("Intake"))
def screen_intake(intake: IntakeBody) -> JSONResponse:
    return JSONResponse(screen(intake).to_dict())
