"""The oracle's checks, from routine JSON and the raw intake, sampled every few millimetres.

What it restates (DESIGN.md and the seeds), in its own words and code:

- spine band: 1.5 cm either side of the midline, 2.5 cm from 0.9 of the back length up; pressed
  work keeps the whole contact (path +- the technique's half-width) off it (000, 001);
- no contact on wounds, rashes, bruises, reddened skin, with a 2 cm margin, for the contact's
  width; no pressed contact on a painful place (000, 002, 003, 004);
- underarms: never touched, by a step or a slide (004, 001);
- kidneys: light only (004);
- warm-up first: no pressed work on a region before light rubbing, spirals or thumbs warmed it
  (002, 003, 004);
- 5-8 repetitions, or 3-4 light strokes right after strong work (004); the time asked for, within
  5%; never firmer than asked.

Both hands (side `both` mirrors the path), the slides between steps (with their lead-ins), and
the segments between points are all checked.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from backrub.knowledge.body import Body
from backrub.knowledge.zones import zone_at

Point = tuple[float, float]
SAMPLE_CM = 0.3  # "every few millimetres"
MARGIN_CM = 2.0  # DESIGN.md: no contact on marked skin, with a margin
DEFAULT_RADIUS_CM = 3.0
NO_CONTACT = ("wound", "rash", "bruise", "redness")
PRESSURES = ("light", "medium", "firm")
# Half the width of what touches, across the path (cm): thumbs and fingertips about 2 cm wide,
# the edge of a palm, a lifted fold of skin, whole hands, flat palms; the elbow's circle is off
# the back.
CONTACT_HALF_WIDTH = {
    "stroking": 2.5,
    "thumb_glide": 1.0,
    "circular_friction": 1.0,
    "spiral_kneading": 0.8,
    "kneading": 1.5,
    "sawing": 1.0,
    "skin_rolling": 1.5,
    "patting": 2.5,
    "arm_rotation": 0.0,
    "skin_check": 0.5,
}
STRONG = ("kneading", "sawing", "skin_rolling", "patting")
WARMING = ("thumb_glide", "circular_friction", "spiral_kneading")
EPS = 1e-6


@dataclass(frozen=True)
class Violation:
    rule: str
    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.rule} at {self.where}: {self.what}"


@dataclass(frozen=True)
class Map:
    """The few places of the back map the oracle needs, from the tape-measure figures."""

    L: float
    hs: float
    hw: float
    body: Body

    @property
    def k(self) -> float:
        return self.hs / 21.0

    def band(self, y: float) -> float:
        return 2.5 if y >= 0.9 * self.L else 1.5

    def torso(self, y: float) -> float:
        u = min(max(y / self.L, 0.0), 0.64) / 0.64
        return self.hw + (0.92 * self.hs - self.hw) * u

    def in_kidney(self, x: float, y: float) -> bool:
        ax = abs(x)
        return 0.26 * self.L <= y < 0.42 * self.L and 1.5 + 3.5 * self.k <= ax < 0.68 * self.torso(y)

    def axilla_gap(self, x: float, y: float) -> float:
        """Signed distance from a point to the nearer underarm box (negative inside)."""
        return _box_gap(abs(x), y, (0.84 * self.hs, 0.64 * self.L, self.hs + 1.5, 0.82 * self.L))


def _box_gap(x: float, y: float, box: tuple[float, float, float, float]) -> float:
    """Signed distance from a box: positive outside, negative inside (to the nearest edge)."""
    x0, y0, x1, y1 = box
    dx = max(x0 - x, 0.0, x - x1)
    dy = max(y0 - y, 0.0, y - y1)
    if dx == 0 and dy == 0:
        return -min(x - x0, x1 - x, y - y0, y1 - y)
    return math.hypot(dx, dy)


@lru_cache(maxsize=64)
def _zone_box(body: Body, zone: str) -> tuple[float, float, float, float]:
    """The bounding box of a zone, found by scanning the map on a 2.5 mm grid."""
    xs, ys = [], []
    reach, top = body.shoulder_width_cm / 2 + 10, body.back_length_cm + 10
    step = 0.25
    for i in range(int(2 * reach / step) + 1):
        x = -reach + i * step
        for j in range(int((top + 2) / step) + 1):
            y = -2 + j * step
            if zone_at(body, x, y) == zone:
                xs.append(x)
                ys.append(y)
    # The grid's extreme points inside the zone: short of its true edges by less than a step, so
    # the oracle may miss a contact within 2.5 mm of a zone spot's margin, never invent one.
    return (min(xs), min(ys), max(xs), max(ys))


def sample(path: Sequence[Point], step: float = SAMPLE_CM) -> Iterator[Point]:
    """The path's points and points between them no further apart than `step`."""
    if not path:
        return
    yield path[0]
    for (x0, y0), (x1, y1) in itertools.pairwise(path):
        n = max(1, math.ceil(math.hypot(x1 - x0, y1 - y0) / step))
        for i in range(1, n + 1):
            yield (x0 + (x1 - x0) * i / n, y0 + (y1 - y0) * i / n)


@dataclass(frozen=True)
class _Spot:
    kind: str
    circle: tuple[float, float, float] | None  # cx, cy, r (with the margin)
    box: tuple[float, float, float, float] | None  # a zone spot's box (margin added when checked)

    def gap(self, x: float, y: float) -> float:
        """Distance from the marked area (with its margin) to a point; 0 or less inside."""
        if self.circle is not None:
            cx, cy, r = self.circle
            return math.hypot(x - cx, y - cy) - r
        assert self.box is not None
        return _box_gap(x, y, self.box) - MARGIN_CM


def _spots(raw: dict[str, Any], body: Body) -> list[_Spot]:
    out = []
    for spot in raw.get("spots", []):
        if spot.get("at") is not None:
            at = spot["at"]
            r = float(spot.get("radius_cm", DEFAULT_RADIUS_CM)) + MARGIN_CM
            out.append(_Spot(kind=spot["kind"], circle=(float(at["x_cm"]), float(at["y_cm"]), r), box=None))
        else:
            out.append(_Spot(kind=spot["kind"], circle=None, box=_zone_box(body, spot["zone"])))
    return out


def _body(raw: dict[str, Any]) -> Body:
    b = {"back_length_cm": 50.0, "shoulder_width_cm": 42.0, "waist_width_cm": 32.0, **raw.get("body", {})}
    return Body(**{k: float(v) for k, v in b.items()})


def _hands(step: dict[str, Any]) -> list[tuple[str, list[Point]]]:
    path = [(float(x), float(y)) for x, y in step["path"]]
    if step["side"] == "both":
        return [("path", path), ("mirrored path", [(-x, y) for x, y in path])]
    return [("path", path)]


def violations(
    routine: dict[str, Any], raw: dict[str, Any], performed: int = 0, whole_time: bool = True
) -> list[Violation]:
    """Every broken safety or method rule the oracle finds in a routine planned for `raw`.

    `performed` steps were already done in a live session (judged only as warm-up history);
    `whole_time` False skips the 5% time rule (a live replan near the end takes the closest fit).
    """
    body = _body(raw)
    m = Map(L=body.back_length_cm, hs=body.shoulder_width_cm / 2, hw=body.waist_width_cm / 2, body=body)
    spots = _spots(raw, body)
    asked = raw.get("pressure", "medium")
    giver = raw.get("giver", "partner")
    found: list[Violation] = []
    warmed: set[str] = set()
    steps = routine["steps"]
    for i, step in enumerate(steps):
        warm = list(_warm_up(m, warmed, i, step))
        if i < performed:
            continue
        found += warm
        found += _step_contact(m, spots, i, step)
        found += _reps(steps, i)
        if PRESSURES.index(step["pressure"]) > PRESSURES.index(asked):
            found.append(Violation("pressure-preference", f"steps[{i}]", f"{step['pressure']} > {asked}"))
        if i > 0 and not (giver == "self" and {steps[i - 1]["side"], step["side"]} == {"left", "right"}):
            found += _slide(m, spots, i, steps[i - 1], step)
    total = sum(float(s["seconds"]) for s in steps) / 60.0
    minutes = float(raw.get("minutes", 30))
    if whole_time and abs(total - minutes) > 0.05 * minutes + 1e-9:
        found.append(Violation("duration", "steps", f"{total:.2f} min for {minutes:g} asked"))
    return found


def _step_contact(m: Map, spots: list[_Spot], i: int, step: dict[str, Any]) -> Iterator[Violation]:
    pressed = step["pressure"] != "light"
    width = CONTACT_HALF_WIDTH[step["technique"]]
    for label, path in _hands(step):
        where = f"steps[{i}] {label}"
        flagged: set[str] = set()
        for x, y in sample(path):
            if "spine" not in flagged and pressed and abs(x) - width < m.band(y) - EPS:
                flagged.add("spine")
                yield Violation(
                    "spine-pressure",
                    where,
                    f"{step['pressure']} {step['technique']} contact "
                    f"reaches the spine band at ({x:.2f}, {y:.2f})",
                )
            if "kidney" not in flagged and pressed and m.in_kidney(x, y):
                flagged.add("kidney")
                yield Violation(
                    "kidney-gentle",
                    where,
                    f"{step['pressure']} {step['technique']} on the kidney area at ({x:.2f}, {y:.2f})",
                )
            if "axilla" not in flagged and _touches(m.axilla_gap(x, y), width):
                flagged.add("axilla")
                yield Violation(
                    "axilla", where, f"{step['technique']} contact in the underarm at ({x:.2f}, {y:.2f})"
                )
            for k, spot in enumerate(spots):
                key = f"spot{k}"
                if key in flagged:
                    continue
                blocked = spot.kind in NO_CONTACT or (spot.kind == "pain" and pressed)
                if blocked and _touches(spot.gap(x, y), width):
                    flagged.add(key)
                    yield Violation(
                        "no-touch",
                        where,
                        f"{step['technique']} contact on spots[{k}] ({spot.kind}) at ({x:.2f}, {y:.2f})",
                    )


def _touches(gap: float, width: float) -> bool:
    """A contact `width` either side of a point `gap` from an area reaches into it."""
    return gap < width - EPS if width > 0 else gap < -EPS


def _slide(
    m: Map, spots: list[_Spot], i: int, before: dict[str, Any], step: dict[str, Any]
) -> Iterator[Violation]:
    way = [tuple(before["path"][-1]), *(tuple(p) for p in step.get("lead_in", [])), tuple(step["path"][0])]
    ways = [("slide", way)]
    if before["side"] == "both" and step["side"] == "both":
        ways.append(("mirrored slide", [(-x, y) for x, y in way]))
    for label, points in ways:
        for x, y in sample(points):  # type: ignore[arg-type]
            bad = [
                f"spots[{k}] ({s.kind})"
                for k, s in enumerate(spots)
                if s.kind in NO_CONTACT and _touches(s.gap(x, y), 0.0)
            ]
            if _touches(m.axilla_gap(x, y), 0.0):
                bad.append("the underarm")
            if bad:
                yield Violation(
                    "no-touch", f"steps[{i}] {label}", f"slides over {bad[0]} at ({x:.2f}, {y:.2f})"
                )
                break


def _warm_up(m: Map, warmed: set[str], i: int, step: dict[str, Any]) -> Iterator[Violation]:
    zones = set()
    for _, path in _hands(step):
        for x, y in sample(path, 0.5):
            z = zone_at(m.body, x, y)
            if z is not None and z != "spine":
                zones.add(z)
    if step["pressure"] != "light":
        cold = sorted(zones - warmed)
        if cold:
            yield Violation(
                "warmup-first",
                f"steps[{i}]",
                f"{step['pressure']} {step['technique']} on {', '.join(cold)} before it was warmed",
            )
    if step["technique"] in WARMING:
        warmed.update(zones)


def _reps(steps: list[dict[str, Any]], i: int) -> Iterator[Violation]:
    step = steps[i]
    if step["technique"] == "skin_check":
        return
    reps = step["reps"]
    if 5 <= reps <= 8:
        return
    before = steps[i - 1] if i else None
    interlude = (
        3 <= reps <= 4
        and step["technique"] == "stroking"
        and step["pressure"] == "light"
        and before is not None
        and (before["technique"] in STRONG or before["pressure"] == "firm")
    )
    if not interlude:
        yield Violation("reps-range", f"steps[{i}]", f"{step['technique']} {reps} times")
