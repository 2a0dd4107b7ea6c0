"""GET /api/reflex-points: seed 001's twelve reflex points for a body, under their claim."""

from __future__ import annotations

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from backrub.errors import Problems
from backrub.knowledge.body import Body
from backrub.knowledge.reflex import reflex_layer
from backrub.web.errors import Invalid

router = APIRouter(prefix="/api", tags=["back map"])


@router.get(
    "/reflex-points",
    summary="Seed 001's twelve reflex points, top to bottom, scaled to the body (a traditional claim)",
    description='200: `{"claim": ..., "points": [{"n", "organ", "at": {"x_cm", "y_cm"}, "touch", '
    '"source": "001"}]}`; 422 names a body size out of range.',
)
def reflex_points(
    back_length_cm: float | None = Query(default=None),
    shoulder_width_cm: float | None = Query(default=None),
    waist_width_cm: float | None = Query(default=None),
) -> JSONResponse:
    sizes = {
        k: v
        for k, v in (
            ("back_length_cm", back_length_cm),
            ("shoulder_width_cm", shoulder_width_cm),
            ("waist_width_cm", waist_width_cm),
        )
        if v is not None
    }
    problems = Problems()
    body = Body.from_dict(sizes, problems, where="")
    if problems.items:
        raise Invalid([p for p in problems.items], root="query")
    return JSONResponse(reflex_layer(body))
