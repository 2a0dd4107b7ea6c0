"""Where the hands must not go, derived from an intake: spots, their margins, the underarms."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from backrub.geometry import Box, Circle, Point, Shape, bbox, boxes_touch, grown
from backrub.intake.model import Intake, Spot
from backrub.knowledge.body import Body
from backrub.knowledge.screening_table import NO_CONTACT_SPOTS, SPOT_MARGIN_CM
from backrub.knowledge.techniques import SLIDE_HALF_WIDTH_CM
from backrub.knowledge.zones import ZONE_IDS, layout_for, zone_words


# Compared and hashed (cache keys) but never printed: no __repr__ is generated (an exec-compile
# when `backrub plan` starts).
@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class NoTouch:
    """A no-contact area, the rule it belongs to and what to call it in messages."""

    shape: Shape
    rule: str  # broken-skin | pain-spot | axilla
    label: str
    light_ok: bool = False  # a painful place may still be stroked very lightly
    words: str = ""  # for cues: "the wound on the right shoulder blade"


def zone_box(body: Body, zone: str, margin: float) -> Box:
    """The bounding box of a zone grown by a margin (a safe superset of the zone)."""
    x0, y0, x1, y1 = bbox(layout_for(body).outline(zone))
    return Box(x0=x0 - margin, y0=y0 - margin, x1=x1 + margin, y1=y1 + margin)


def spot_shape(body: Body, spot: Spot, margin: float = SPOT_MARGIN_CM) -> Shape:
    if spot.at is not None:
        return Circle(cx=spot.at[0], cy=spot.at[1], r=spot.radius_cm + margin)
    assert spot.zone is not None  # the intake reader guarantees zone or at
    return zone_box(body, spot.zone, margin)


def spot_label(spot: Spot) -> str:
    if spot.at is not None:
        return f"{spot.kind} at ({spot.at[0]:g}, {spot.at[1]:g}) cm"
    return f"{spot.kind} on {spot.zone}"


def no_touch_areas(intake: Intake) -> tuple[NoTouch, ...]:
    """Every area the hands keep off for this intake, the underarms first."""
    return _areas(intake.body, intake.spots)


@lru_cache(maxsize=256)
def _areas(body: Body, spots: tuple[Spot, ...]) -> tuple[NoTouch, ...]:
    out = [
        NoTouch(shape=zone_box(body, z, 0.0), rule="axilla", label=f"underarm ({z})", words=zone_words(z))
        for z in ZONE_IDS
        if z.startswith("axilla")
    ]
    for spot in spots:
        if spot.kind in NO_CONTACT_SPOTS:
            out.append(
                NoTouch(
                    shape=spot_shape(body, spot),
                    rule="broken-skin",
                    label=spot_label(spot),
                    words=spot_words(body, spot),
                )
            )
        elif spot.kind == "pain":
            out.append(
                NoTouch(
                    shape=spot_shape(body, spot),
                    rule="pain-spot",
                    label=spot_label(spot),
                    light_ok=True,
                    words=spot_words(body, spot),
                )
            )
    return tuple(out)


_KIND_WORDS = {"redness": "reddened skin", "pain": "painful place", "tension": "tense spot"}


def spot_words(body: Body, spot: Spot) -> str:
    """A marked spot as a person would say it: 'the wound on the right shoulder blade'."""
    where = spot.zone or layout_for(body).zone_at(*spot_centre(body, spot))
    return f"the {_KIND_WORDS.get(spot.kind, spot.kind)} on {zone_words(where)}"


def spot_centre(body: Body, spot: Spot) -> tuple[float, float]:
    """Where a spot is: its point, or the middle of its zone."""
    if spot.at is not None:
        return spot.at
    assert spot.zone is not None
    return layout_for(body).centre(spot.zone)


def slide_shapes(
    areas: tuple[NoTouch, ...], a: Point, b: Point, near: tuple[float, float, float, float] | None = None
) -> list[tuple[NoTouch, Shape]]:
    """What a slide from a to b keeps off: every area that light touch may not cross, grown by the
    sliding fingertips' half-width, but not where a step itself ends or begins that close (its own
    contact was already kept clear with its own width).

    With `near` (the slide's bounding box) the areas whose grown box lies clear of it are left
    out: neither shape of such an area can touch the slide."""
    # A routine asks once per step with the same areas: remember the last answer by identity (the
    # tuple is held, so its id cannot be reused) rather than hash every area on every call.
    # One tuple read once, so threads planning different intakes cannot mix their answers.
    global _last_slide
    last = _last_slide
    if last[0] is not areas:
        last = _last_slide = (areas, _slide_areas(areas))
    return [
        (area, area.shape if wide.contains(*a) or wide.contains(*b) else wide)
        for area, wide, box in last[1]
        if near is None or boxes_touch(box, near)
    ]


_Wide = tuple[NoTouch, Shape, tuple[float, float, float, float]]  # area, grown shape, its box
_last_slide: tuple[tuple[NoTouch, ...] | None, tuple[_Wide, ...]] = (None, ())


@lru_cache(maxsize=256)
def _slide_areas(areas: tuple[NoTouch, ...]) -> tuple[_Wide, ...]:
    wide = [(a, grown(a.shape, SLIDE_HALF_WIDTH_CM)) for a in areas if not a.light_ok]
    return tuple((a, s, s.bbox()) for a, s in wide)


def slides_between(giver: str, before: str, after: str) -> bool:
    """Whether the hands slide from one step to the next. On one's own back one hand works each
    side, reaching across (seed 002): from one side to the other the other hand takes over."""
    return not (giver == "self" and {before, after} == {"left", "right"})
