"""POST /api/map: the back chart of an intake's body, for drawing: zones and no-touch places."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from backrub.geometry import Box, Circle
from backrub.intake.model import Intake
from backrub.intake.places import no_touch_areas
from backrub.knowledge.zones import ZONE_IDS, layout_for
from backrub.render.body import head, silhouette
from backrub.web import schemas
from backrub.web.deps import IntakeBody, body_doc

router = APIRouter(prefix="/api", tags=["back map"])


@router.post("/map", summary="Zone outlines and no-touch places for an intake's body (cm)",
             responses={200: {"model": schemas.BackMap}, 422: {"model": schemas.Problems}},
             openapi_extra=body_doc("Intake"))
def back_map(intake: IntakeBody) -> JSONResponse:
    return JSONResponse(map_of(intake))


def map_of(intake: Intake) -> dict[str, Any]:
    """The chart as plain data: every zone's outline and every place the hands keep off."""
    lay = layout_for(intake.body)
    (cx, cy), rx, ry = head(lay)
    zones = [{"id": z, "outline": [[round(x, 2), round(y, 2)] for x, y in lay.outline(z)]} for z in ZONE_IDS]
    return {
        "body": intake.body.to_dict(),
        "extent": {"x_min": -(lay.hs + 9.0), "x_max": lay.hs + 9.0, "y_min": -3.0, "y_max": lay.L + 9.0},
        "zones": zones,
        # The body's outline from the same zones (render/body.py), so every picture shares one back.
        "silhouette": [[x, y] for x, y in silhouette(lay)],
        "head": {"cx": cx, "cy": round(cy, 2), "rx": round(rx, 2), "ry": ry},
        "no_touch": [_area(a.rule, a.label, a.shape) for a in no_touch_areas(intake) if a.rule != "axilla"],
    }


def _area(rule: str, label: str, shape: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"rule": rule, "label": label}
    if isinstance(shape, Circle):
        out["circle"] = {"x_cm": shape.cx, "y_cm": shape.cy, "r_cm": shape.r}
    elif isinstance(shape, Box):
        out["box"] = {"x0": shape.x0, "y0": shape.y0, "x1": shape.x1, "y1": shape.y1}
    return out
