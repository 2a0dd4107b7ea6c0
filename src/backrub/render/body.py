"""A back that looks like a back, from the zones the planner uses (seen from behind, y up, cm).

One place for the drawing geometry that the SVG renderer, the clinician's PDF and the web chart
share: the smooth outline (at each height the outermost zone edge, so the waist, the ribs widening
to the armpits, the shoulders, the upper arms and the neck follow the body's measurements), the
head, the shoulder blades and a few lower ribs. The web receives the outline with the map
(`silhouette` in `/api/map`), so it never recomputes it.
"""

from __future__ import annotations

from backrub.knowledge.zones import ZONE_IDS, Layout

Point = tuple[float, float]
Cubic = tuple[Point, Point, Point]  # first control, second control, end
HEAD_R_CM = 6.5
OUTLINE_ROWS = 28  # heights sampled for the outline; the curve through them hides the steps
SKIN_MARGIN_CM = 0.3  # the outline sits just outside the zones, so their edges stay visible


def head(lay: Layout) -> tuple[Point, float, float]:
    """The head above the neck: centre, half-width, half-height."""
    return (0.0, lay.L + 9.0 + HEAD_R_CM * 0.9), HEAD_R_CM * 0.85, HEAD_R_CM


def silhouette(lay: Layout, rows: int = OUTLINE_ROWS) -> list[Point]:
    """The body's outline, clockwise from the right hip: the outermost zone edge at each height."""
    outlines = [o for o in (lay.outline(z) for z in ZONE_IDS) if len(o) > 2]
    ys = [y for o in outlines for _, y in o]
    y0, y1 = min(ys), max(ys)
    right: list[Point] = []
    for i in range(rows + 1):
        y = y0 + (y1 - y0) * i / rows
        x = max(_reach(o, y) for o in outlines)
        if x > 0:
            right.append((round(x + SKIN_MARGIN_CM, 2), round(y, 2)))
    return right + [(-x, y) for x, y in reversed(right)]


def blades(lay: Layout) -> list[list[Point]]:
    """The two shoulder blades, drawn a little inside their zones."""
    return [_shrink(lay.outline(f"scapula_{side}"), 0.82) for side in ("left", "right")]


def ribs(lay: Layout) -> list[tuple[Point, Point, Point]]:
    """Three lower ribs a side, curving down and out from the spine: (start, control, end)."""
    out = []
    for f in (0.38, 0.5, 0.62):
        y = lay.L * f
        for side in (1.0, -1.0):
            out.append(((side * 2.2, y), (side * 8.0, y + 1.2), (side * 13.0, y - 2.4)))
    return out


def smooth_closed(points: list[Point]) -> list[Cubic]:
    """A closed Catmull-Rom curve through the points, as cubic Béziers starting at points[0]."""
    n = len(points)
    out: list[Cubic] = []
    for i in range(n):
        a, b, c, e = points[i - 1], points[i], points[(i + 1) % n], points[(i + 2) % n]
        c1 = (b[0] + (c[0] - a[0]) / 6, b[1] + (c[1] - a[1]) / 6)
        c2 = (c[0] - (e[0] - b[0]) / 6, c[1] - (e[1] - b[1]) / 6)
        out.append((c1, c2, c))
    return out


def _reach(outline: list[Point], y: float) -> float:
    """How far right a polygon reaches at height y (0 when it does not reach it)."""
    x = 0.0
    for i, (ax, ay) in enumerate(outline):
        bx, by = outline[(i + 1) % len(outline)]
        if min(ay, by) <= y <= max(ay, by):
            t = 0.0 if by == ay else (y - ay) / (by - ay)
            x = max(x, ax + (bx - ax) * t)
    return x


def _shrink(outline: list[Point], k: float) -> list[Point]:
    cx = sum(x for x, _ in outline) / len(outline)
    cy = sum(y for _, y in outline) / len(outline)
    return [(cx + (x - cx) * k, cy + (y - cy) * k) for x, y in outline]
