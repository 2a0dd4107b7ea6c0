"""Seed 001's twelve reflex points, top to bottom, scaled to one body: an optional layer on the
back map, labelled as the traditional claim it is.

Seed 001 names them by organ and by rough place: three at the top of the spine (lungs), the
next three (heart), two in the centre of the shoulder blades (stomach), the next two (liver),
one in the centre of the back (spleen), the last in the kidneys. Where exactly each lies is our
reading of that list, as fractions of the back map. A point never overrides the safety rules:
one on the spine band or the kidney area is for light touch only, and a point inside a place
marked off for this receiver is left out of what is drawn for them.
"""

from __future__ import annotations

from dataclasses import dataclass

from backrub.knowledge.body import Body
from backrub.knowledge.zones import base_name, layout_for

CLAIM = (
    "Traditional reflex points as seed 001 describes them: a traditional claim, not medical fact. "
    "Touching them may help relaxation; it does not treat the organs named, and it is not medical "
    "advice."
)

# (organ, x as a fraction of half the shoulder width (or cm beside the spine when `cm`),
#  y as a fraction of the back length)
_POINTS: tuple[tuple[str, float, bool, float], ...] = (
    ("lungs", 0.0, True, 0.98),
    ("lungs", -3.5, True, 0.94),
    ("lungs", 3.5, True, 0.94),
    ("heart", 0.0, True, 0.87),
    ("heart", -3.5, True, 0.83),
    ("heart", 3.5, True, 0.83),
    ("stomach", -0.6, False, 0.75),
    ("stomach", 0.6, False, 0.75),
    ("liver", -4.0, True, 0.62),
    ("liver", 4.0, True, 0.62),
    ("spleen", 0.0, True, 0.5),
    ("kidneys", 0.0, True, 0.34),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ReflexPoint:
    """One point: its number top to bottom, the organ the tradition ties it to, where it lies."""

    n: int
    organ: str
    x_cm: float
    y_cm: float
    touch: str  # "light only" on the spine band or the kidney area; else "as the step allows"
    source: str = "001"

    def to_dict(self) -> dict[str, object]:
        return {
            "n": self.n,
            "organ": self.organ,
            "at": {"x_cm": self.x_cm, "y_cm": self.y_cm},
            "touch": self.touch,
            "source": self.source,
        }


def reflex_points(body: Body) -> tuple[ReflexPoint, ...]:
    """The twelve points for this body, top to bottom."""
    lay = layout_for(body)
    out = []
    for n, (organ, x, in_cm, y) in enumerate(_POINTS, start=1):
        px = x if in_cm else x * lay.hs
        py = y * lay.L
        zone = base_name(lay.zone_at(px, py) or "")
        light = zone in ("spine", "kidney") or abs(px) <= lay.spine_half_width(py) + 1.0
        out.append(
            ReflexPoint(
                n=n,
                organ=organ,
                x_cm=round(px, 1),
                y_cm=round(py, 1),
                touch="light only" if light else "as the step allows",
            )
        )
    return tuple(out)


def reflex_layer(body: Body) -> dict[str, object]:
    """The layer as JSON: `{"claim", "points": [{"n", "organ", "at": {"x_cm", "y_cm"}, "source"}]}`."""
    return {"claim": CLAIM, "points": [p.to_dict() for p in reflex_points(body)]}
