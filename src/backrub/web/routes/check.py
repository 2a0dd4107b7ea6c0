"""POST /api/check: every finding of the verifier for a routine (and an intake)."""

from __future__ import annotations

from typing import Any

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from backrub.errors import InputError, Problem, under
from backrub.errors import describe as described
from backrub.intake.model import parse_intake
from backrub.routine import parse_routine
from backrub.verifier import check_routine
from backrub.web import schemas
from backrub.web.deps import JsonBody, body_doc
from backrub.web.errors import Invalid

router = APIRouter(prefix="/api", tags=["verifier"])


@router.post("/check", summary="Check a routine against every rule",
             description="200 with `ok` and every finding (rule, severity, where, message, hint); "
                         "422 when the routine or intake is not of the format.",
             responses={200: {"model": schemas.Report}, 422: {"model": schemas.Problems}},
             openapi_extra=body_doc("CheckIn"))
async def check(raw: JsonBody, request: Request) -> JSONResponse:
    # Reading and checking a routine at the reader's limits takes tenths of a second: in the planning
    # pool (see plan.py), off the event loop.
    report = await anyio.to_thread.run_sync(_checked, raw, limiter=request.app.state.coach.replans)
    return JSONResponse(report)


def _checked(raw: Any) -> dict[str, Any]:
    problems: list[Problem] = []
    if not isinstance(raw, dict):
        raise Invalid([Problem(path="", message=f"expected an object {{routine, intake}} "
                                                f"(got {described(raw)})")])
    for key in raw:
        if key not in ("routine", "intake"):
            problems.append(Problem(path=key, message="unknown field; expected routine and intake"))
    routine = intake = None
    try:
        routine = parse_routine(raw.get("routine"))
    except InputError as err:
        problems += [Problem(path=under("routine", p.path), message=p.message) for p in err.problems]
    if raw.get("intake") is not None:
        try:
            intake = parse_intake(raw["intake"])
        except InputError as err:
            problems += [Problem(path=under("intake", p.path), message=p.message) for p in err.problems]
    if problems or routine is None:
        raise Invalid(problems)
    return check_routine(routine, intake).to_dict()
