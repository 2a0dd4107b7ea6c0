"""GET /api/reflex-points: seed 001's twelve reflex points for a body, under their claim."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from backrub.errors import Problems
from backrub.knowledge.body import LIMITS, Body
from backrub.knowledge.reflex import reflex_layer
from backrub.web.errors import Invalid

router = APIRouter(prefix="/api", tags=["back map"])


def _size(name: str) -> Any:
    """A body size in the query; its range is documented, and checked by the body's own reader (which
    names the field the way every other body is named)."""
    low, high = LIMITS[name]
    return Query(default=None, json_schema_extra={"minimum": low, "maximum": high})


@router.get(
    "/reflex-points",
    summary="Seed 001's twelve reflex points, top to bottom, scaled to the body (a traditional claim)",
    description='200: `{"claim": ..., "points": [{"n", "organ", "at": {"x_cm", "y_cm"}, "touch", '
    '"source": "001"}]}`; 422 names a body size out of range.',
)
def reflex_points(
    back_length_cm: float | None = _size("back_length_cm"),
    shoulder_width_cm: float | None = _size("shoulder_width_cm"),
    waist_width_cm: float | None = _size("waist_width_cm"),
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
