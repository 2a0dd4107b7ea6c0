"""The back map: zones as boxes in centimetres that scale with the body.

Seen from behind: x is the distance from the spine's midline (+ toward the
receiver's right), y the height above the waistline, C7 at back_length_cm.
Each zone is declared once below, for the receiver's right side; the left is
its mirror. Lookup and drawing both read this one table.
"""

from __future__ import annotations

import itertools
import math
from bisect import bisect_right
from functools import lru_cache

from backrub.geometry import path_cached
from backrub.knowledge.body import Body
from backrub.rows import Row

# A bound is factor * base + offset_cm; bases are named measurements of the layout.
Bound = tuple[str, float, float]
# A row of the map: its heights, (left, right) names, and its x edges (see Layout._edge).
_Row = tuple[float, float, tuple[str, str], Bound, Bound]
# A row within one band: names, then each x edge as (moves with the torso, a, b).
_BandRow = tuple[tuple[str, str], bool, float, float, bool, float, float]
# The same for box_zone: names, the low edge's least and greatest value over the band, the high
# edge's, and the row if an edge moves.
_BandBox = tuple[tuple[str, str], float, float, float, float, _BandRow | None]


class ZoneShape(Row):
    """A zone on the right side: |x| between two bounds, y between two bounds."""

    name: str
    sided: bool
    x_low: Bound
    x_high: Bound
    y_low: Bound
    y_high: Bound


def _b(base: str, factor: float = 1.0, offset: float = 0.0) -> Bound:
    return (base, factor, offset)


# Priority order: the first shape that holds a point names its zone.
# Bases: hs half shoulder width, L back length, w torso half-width at that height,
# sb spine band half-width there, ps outer edge of the paraspinal strip, k size scale.
SHAPES: tuple[ZoneShape, ...] = (
    ZoneShape(
        name="spine",
        sided=False,
        x_low=_b("zero"),
        x_high=_b("sb"),
        y_low=_b("zero"),
        y_high=_b("L", 1.0, 8.0),
    ),
    ZoneShape(
        name="neck_base",
        sided=False,
        x_low=_b("sb"),
        x_high=_b("hs", 0.22),
        y_low=_b("L", 0.95),
        y_high=_b("L", 1.0, 7.0),
    ),
    ZoneShape(
        name="axilla",
        sided=True,
        x_low=_b("hs", 0.84),
        x_high=_b("hs", 1.0, 1.5),
        y_low=_b("L", 0.64),
        y_high=_b("L", 0.82),
    ),
    ZoneShape(
        name="deltoid",
        sided=True,
        x_low=_b("hs", 0.74),
        x_high=_b("hs", 1.0, 3.0),
        y_low=_b("L", 0.82),
        y_high=_b("L", 1.0, 3.0),
    ),
    ZoneShape(
        name="upper_trapezius",
        sided=True,
        x_low=_b("sb"),
        x_high=_b("hs", 0.74),
        y_low=_b("L", 0.90),
        y_high=_b("L", 1.0, 4.0),
    ),
    ZoneShape(
        name="upper_arm",
        sided=True,
        x_low=_b("hs", 1.0, 1.5),
        x_high=_b("hs", 1.0, 8.0),
        y_low=_b("L", 0.40),
        y_high=_b("L", 0.82),
    ),
    ZoneShape(
        name="scapula",
        sided=True,
        x_low=_b("hs", 0.36),
        x_high=_b("hs", 0.84),
        y_low=_b("L", 0.60),
        y_high=_b("L", 0.90),
    ),
    ZoneShape(
        name="interscapular",
        sided=True,
        x_low=_b("sb"),
        x_high=_b("hs", 0.36),
        y_low=_b("L", 0.62),
        y_high=_b("L", 0.90),
    ),
    ZoneShape(
        name="paraspinal", sided=True, x_low=_b("sb"), x_high=_b("ps"), y_low=_b("zero"), y_high=_b("L", 0.62)
    ),
    ZoneShape(
        name="kidney",
        sided=True,
        x_low=_b("ps"),
        x_high=_b("w", 0.68),
        y_low=_b("L", 0.26),
        y_high=_b("L", 0.42),
    ),
    ZoneShape(
        name="lumbar",
        sided=True,
        x_low=_b("ps"),
        x_high=_b("w", 0.68),
        y_low=_b("zero"),
        y_high=_b("L", 0.26),
    ),
    ZoneShape(
        name="flank", sided=True, x_low=_b("w", 0.68), x_high=_b("w"), y_low=_b("zero"), y_high=_b("L", 0.42)
    ),
    ZoneShape(
        name="mid_back", sided=True, x_low=_b("ps"), x_high=_b("w"), y_low=_b("L", 0.42), y_high=_b("L", 0.64)
    ),
)

SIDES = ("left", "right")
ZONE_IDS: tuple[str, ...] = tuple(
    zid
    for shape in SHAPES
    for zid in ((f"{shape.name}_{s}" for s in SIDES) if shape.sided else (shape.name,))
)

# Groups a person would say; paraspinal belongs to both lower and middle back.
GROUPS: dict[str, tuple[str, ...]] = {
    "shoulders": ("upper_trapezius", "deltoid"),
    "neck": ("neck_base",),
    "upper_back": ("interscapular", "scapula"),
    "mid_back": ("mid_back", "paraspinal"),
    "lower_back": ("lumbar", "kidney", "flank", "paraspinal"),
    "arms": ("upper_arm",),
}

# Every massage works the base of the neck, the shoulders and the upper arms (seed 003, seed 004).
SHOULDER_ARM_ZONES: tuple[str, ...] = ("neck_base", "upper_trapezius", "deltoid", "upper_arm")


# Zones in words a nervous first-time giver follows (never a zone id in a cue); {side} is filled in.
_WORDS: dict[str, str] = {
    "spine": "the spine",
    "neck_base": "the base of the neck",
    "upper_trapezius": "the top of the {side} shoulder",
    "deltoid": "the cap of the {side} shoulder",
    "upper_arm": "the back of the {side} upper arm",
    "axilla": "the {side} armpit",
    "scapula": "the {side} shoulder blade",
    "interscapular": "the {side} side between the shoulder blades",
    "paraspinal": "the muscles on the {side} of the spine",
    "mid_back": "the {side} middle back",
    "kidney": "the {side} kidney area",
    "lumbar": "the {side} lower back",
    "flank": "the {side} side of the waist",
}


def zone_words(zone: str | None) -> str:
    """A zone as a person would say it: 'scapula_right' is 'the right shoulder blade'."""
    if not zone:
        return "the edge of the back"
    return _WORDS[base_name(zone)].format(side=side_of(zone) or "")


def zones_of_group(group: str) -> tuple[str, ...]:
    """Every zone id a group names, both sides."""
    out: list[str] = []
    for base in GROUPS[group]:
        out.extend(z for z in ZONE_IDS if z == base or z.rsplit("_", 1)[0] == base)
    return tuple(out)


def base_name(zone: str) -> str:
    """The zone without its side: 'kidney_left' -> 'kidney'."""
    known = _BASES.get(zone)
    if known is not None:
        return known
    head, _, tail = zone.rpartition("_")
    return head if tail in SIDES else zone


_BASES = {z: z.rpartition("_")[0] if z.rpartition("_")[2] in SIDES else z for z in ZONE_IDS}


def side_of(zone: str) -> str:
    """'left', 'right' or 'center' for zones on the midline."""
    tail = zone.rpartition("_")[2]
    return tail if tail in SIDES else "center"


class Layout:
    """The zones of one body, with fast lookup of the zone under a point."""

    def __init__(self, body: Body) -> None:
        self.body = body
        self.L = body.back_length_cm
        self.hs = body.shoulder_width_cm / 2.0
        self.hw = body.waist_width_cm / 2.0
        self.k = self.hs / 21.0
        self._seen: dict[tuple[float, float], str | None] = {}
        # Every shape's heights are fixed for a body; only some x edges move with the height.
        self._rows = [
            (
                self.bound(sh.y_low, 0.0),
                self.bound(sh.y_high, 0.0),
                (sh.name + "_left", sh.name + "_right") if sh.sided else (sh.name, sh.name),
                self._edge(sh.x_low),
                self._edge(sh.x_high),
            )
            for sh in SHAPES
        ]
        # The rows a height can fall in, by band between consecutive row edges (the map order
        # kept), so a lookup tries two or three rows, not all of them.
        self._heights = sorted({h for y0, y1, *_ in self._rows for h in (y0, y1)})
        bands = [tuple(row for row in self._rows if row[0] <= h < row[1]) for h in self._heights]
        # The same rows for the look-ups, band by band, with each x edge as (moves, a, b): the
        # spine band and the paraspinal strip step wider only at 0.9 L, a band edge, so within a
        # band they are fixed, and each such edge is its value a there (folded once, by `_base`'s
        # sums); only the torso's side moves inside a band, as a * torso + b.
        assert self.bound(_b("L", 0.90), 0.0) in self._heights, "the spine band steps at a band edge"
        band_rows = [self._fixed_rows(rows, h) for rows, h in zip(bands, self._heights, strict=True)]
        # The torso's half-width at every band edge, worked out once: a box's parts meet band edges
        # again and again.
        self._height_torso = [self.torso_half_width(h) for h in self._heights]
        # For box_zone: each band's rows with each x edge's least and greatest value over the whole
        # band (a moving edge's values at the band's two edges: the torso is monotonic), then the
        # row itself if an edge moves (None if not). A part of a box lies within its band, so
        # what these tell of a part (clear of the row, or inside it) its own heights tell alike.
        self._band_boxes = [
            tuple(self._band_box(row, band) for row in rows) for band, rows in enumerate(band_rows)
        ]

    def _band_box(self, row: _BandRow, band: int) -> _BandBox:
        names, moves, a, b, hmoves, ha, hb = row
        if not (moves or hmoves):
            return (names, a, a, ha, ha, None)
        w0 = self._height_torso[band]
        w1 = self._height_torso[band + 1]
        low = (a * w0 + b, a * w1 + b) if moves else (a, a)
        high = (ha * w0 + hb, ha * w1 + hb) if hmoves else (ha, ha)
        return (names, min(low), max(low), min(high), max(high), row)

    def _fixed_rows(self, rows: tuple[_Row, ...], h: float) -> tuple[_BandRow, ...]:
        """A band's rows (it starts at height h) as (names, low edge, high edge), each edge as
        (moves with the torso, a, b): a * torso + b if it moves, else its value a in the band."""
        def edge(base: str, factor: float, offset: float) -> tuple[bool, float, float]:
            if base == "w":
                return (True, factor, offset)
            if base:  # the spine band or the paraspinal strip: fixed within the band
                return (False, factor * self._base(base, h) + offset, 0.0)
            return (False, offset, 0.0)  # fixed everywhere (folded by `_edge`)

        return tuple((names, *edge(*lo), *edge(*hi)) for _, _, names, lo, hi in rows)

    def _edge(self, bound: Bound) -> tuple[str, float, float]:
        """An x edge as (base that varies with y, factor, offset), fixed bases folded into the offset."""
        base, factor, offset = bound
        if base in ("w", "sb", "ps"):
            return (base, factor, offset)
        return ("", 0.0, factor * self._base(base, 0.0) + offset)

    def _edge_at(self, edge: tuple[str, float, float], y: float) -> float:
        """An x edge's value at height y (the tests place points on the map's edges with it)."""
        base, factor, offset = edge
        if not base:
            return offset
        if base == "w":
            return factor * self.torso_half_width(y) + offset
        return factor * self._base(base, y) + offset

    # -- measurements the shapes are built from -------------------------------
    def spine_half_width(self, y: float) -> float:
        """Half-width of the no-pressure band over the spine; wider at the neck."""
        return 2.5 if y >= 0.9 * self.L else 1.5

    def torso_half_width(self, y: float) -> float:
        """Half-width of the trunk at height y: waist, widening to the armpits."""
        u = min(max(y / self.L, 0.0), 0.64) / 0.64
        return self.hw + (0.92 * self.hs - self.hw) * u

    def _base(self, name: str, y: float) -> float:
        if name == "zero":
            return 0.0
        if name == "L":
            return self.L
        if name == "hs":
            return self.hs
        if name == "w":
            return self.torso_half_width(y)
        if name == "sb":
            return self.spine_half_width(y)
        if name == "ps":
            return self.spine_half_width(y) + 3.5 * self.k
        raise KeyError(name)

    def bound(self, bound: Bound, y: float) -> float:
        base, factor, offset = bound
        return factor * self._base(base, y) + offset

    # -- lookup ------------------------------------------------------------------
    def _exact(self, x: float, y: float) -> str | None:
        names = self._row_names(-x if x < 0 else x, y)
        return None if names is None else names[1] if x >= 0 else names[0]

    def _row_names(self, ax: float, y: float) -> tuple[str, str] | None:
        """(left, right) names of the row under |x| = ax at height y, or None off the map: the
        row depends on |x| only, so a point and its mirror image are looked up at once."""
        band = bisect_right(self._heights, y) - 1
        if band < 0:
            return None  # below every row
        for names, low_min, low_max, high_min, high_max, row in self._band_boxes[band]:
            # The edges' least and greatest values over the band (see `_band_boxes`) tell most
            # points; the others are between a moving edge's two values: worked out at y.
            if ax < low_min or ax >= high_max:
                continue
            if low_max <= ax < high_min:
                return names
            assert row is not None  # a fixed edge's least and greatest are its value: told above
            _, moves, a, b, hmoves, ha, hb = row
            w = self.torso_half_width(y)
            if (a * w + b if moves else a) <= ax < (ha * w + hb if hmoves else ha):
                return names
        return None

    def box_zone(
        self, xlo: float, xhi: float, ylo: float, yhi: float
    ) -> tuple[str | None, str | None] | None:
        """The one zone under every point of the box (and of its mirror image) when the map has
        one there (or none anywhere in it); None when that cannot be told from the box alone.

        Each band of heights is taken apart (the part of the box in it): in a band only the
        torso's side moves, monotonically with the height, so a moving edge's extremes over a part
        are its values at the part's lowest and highest point, and the band's row that holds the
        whole part, if one does, is every point's zone there. When every part has the same
        answer, so has the box. A margin far above rounding covers the points `along` computes
        between a path's points, so each of them would get the same answer from `_exact`. A box
        inside one that this tells is told the same (its parts lie inside the larger one's): a
        path's run of points can be told at once, and each of its segments would be told the same.
        """
        m = 1e-9
        ylo, yhi = ylo - m, yhi + m
        heights = self._heights
        first, last = bisect_right(heights, ylo) - 1, bisect_right(heights, yhi) - 1
        if last < 0:
            return (None, None)  # wholly below every row
        if xlo > m:
            right, axlo, axhi = True, xlo - m, xhi + m
        elif xhi < -m:
            right, axlo, axhi = False, -xhi - m, -xlo + m
        else:
            return None  # on or across the midline
        answer: tuple[str | None, str | None] | None = None
        if first < 0:
            answer, first = (None, None), 0  # the part below every row: off the map
            ylo = heights[0]
        torso = self._height_torso
        band_boxes = self._band_boxes
        for band in range(first, last + 1):
            got: tuple[str | None, str | None] = (None, None)  # no row reaches the part
            for names, low_min, low_max, high_min, high_max, row in band_boxes[band]:
                if axhi < low_min or axlo >= high_max:
                    continue  # no point of the band in this row, so none of the part
                if axlo >= low_max and axhi < high_min:
                    got = (names[1], names[0]) if right else names
                    break  # every point of the band in this row, so every point of the part
                if row is None:
                    return None  # fixed edges: the part may leave this row
                # An edge moves: its extremes over the part, at the part's own heights.
                _, moves, a, b, hmoves, ha, hb = row
                w_low = self.torso_half_width(ylo) if band == first else torso[band]
                w_high = self.torso_half_width(yhi) if band == last else torso[band + 1]
                if moves:
                    e0, e1 = a * w_low + b, a * w_high + b
                    low_min, low_max = (e0, e1) if e0 <= e1 else (e1, e0)
                if hmoves:
                    e0, e1 = ha * w_low + hb, ha * w_high + hb
                    high_min, high_max = (e0, e1) if e0 <= e1 else (e1, e0)
                if axhi < low_min or axlo >= high_max:
                    continue  # no point of the part in this row
                if axlo >= low_max and axhi < high_min:
                    got = (names[1], names[0]) if right else names
                    break
                return None  # the part may leave this row: only its points can tell
            if answer is not None and got != answer:
                return None
            answer = got
        return answer

    def zone_at(self, x: float, y: float) -> str | None:
        """The zone under a point, or None off the map.

        Paths reuse their points (mirrors, repeated rounds, planner then
        verifier), so each point's answer is remembered; the memo is exact.
        """
        key = (x, y)
        hit = self._seen.get(key, _UNSEEN)
        if hit is _UNSEEN:
            if len(self._seen) > 200_000:
                self._seen.clear()
            hit = self._seen[key] = self._exact(x, y)
        return hit  # type: ignore[return-value]

    # -- drawing and targets -------------------------------------------------------
    def outline(self, zone: str, samples: int = 6) -> list[tuple[float, float]]:
        """A polygon around a zone (the unclipped shape, for drawing)."""
        shape = _shape_of(zone)
        sign = -1.0 if zone.endswith("_left") else 1.0
        y0 = self.bound(shape.y_low, 0.0)
        y1 = self.bound(shape.y_high, 0.0)
        ys = [y0 + (y1 - y0) * i / samples for i in range(samples + 1)]
        # Evaluate bounds a hair inside the span so step changes sit on the right row.
        inner = [min(max(y, y0 + 1e-6), y1 - 1e-6) for y in ys]
        low = [(sign * self.bound(shape.x_low, y), y) for y in inner]
        high = [(sign * self.bound(shape.x_high, y), y) for y in reversed(inner)]
        if shape.sided:
            return low + high
        # Midline zones span both sides: left edge up, right edge down.
        return [(-px, py) for px, py in reversed(high)] + [(px, py) for px, py in high[::-1]][::-1]

    def centre(self, zone: str) -> tuple[float, float]:
        """A point well inside a zone, used to place a spot given by zone."""
        shape = _shape_of(zone)
        y = (self.bound(shape.y_low, 0.0) + self.bound(shape.y_high, 0.0)) / 2.0
        if not shape.sided:
            x = (
                0.0
                if shape.name == "spine"
                else (self.bound(shape.x_low, y) + self.bound(shape.x_high, y)) / 2
            )
            return (x, y)
        x = (self.bound(shape.x_low, y) + self.bound(shape.x_high, y)) / 2.0
        return (-x if zone.endswith("_left") else x, y)


def _shape_of(zone: str) -> ZoneShape:
    name = base_name(zone)
    for shape in SHAPES:
        if shape.name == name:
            return shape
    raise KeyError(zone)


_UNSEEN = object()


@lru_cache(maxsize=64)
def layout_for(body: Body) -> Layout:
    """The (cached) layout of a body."""
    return Layout(body)


def zone_at(body: Body, x_cm: float, y_cm: float) -> str | None:
    """The zone under a point of a body's back map, or None off the map."""
    return layout_for(body).zone_at(x_cm, y_cm)


def spine_half_width_cm(body: Body, y_cm: float) -> float:
    """Half-width of the spine band at a height."""
    return layout_for(body).spine_half_width(y_cm)


SAMPLE_CM = 0.5  # a path is followed between its points too: a segment may cut a zone's corner


def along(path: tuple[tuple[float, float], ...], step: float = SAMPLE_CM) -> list[tuple[float, float]]:
    """The path's points and points between them no further apart than `step`."""
    out = list(path[:1])
    for (x0, y0), (x1, y1) in itertools.pairwise(path):
        n = max(1, math.ceil(math.hypot(x1 - x0, y1 - y0) / step))
        out.extend((x0 + (x1 - x0) * i / n, y0 + (y1 - y0) * i / n) for i in range(1, n + 1))
    return out


_RUN = 8  # segments: 6 to 16 cost about the same over a plan's paths; 4 or the whole path, 6 % more


@path_cached(1)
@lru_cache(maxsize=8192)
def zones_on_path(body: Body, path: tuple[tuple[float, float], ...], mirrored: bool) -> tuple[str, ...]:
    """Every zone a path passes through, between its points too (and its mirror's, for two-handed
    work), in map order."""
    if not path:
        return ()
    lay = layout_for(body)
    exact = lay._exact  # the dense points are new each time: no use remembering them
    # The zones of the points `along(path)` gives, without visiting every one of them.
    x, y = path[0]
    found = {exact(x, y), exact(-x, y)} if mirrored else {exact(x, y)}
    xs, ys = zip(*path, strict=True)
    box_zone, row_names = lay.box_zone, lay._row_names
    # Runs of points (halved until told) whose box one row holds give that row's zone at once;
    # a lone segment that cannot be told is followed point by point, as `along` samples it. The
    # first runs are of up to _RUN segments, not the whole path: a long path's box seldom lies in
    # one row, and the boxes tried while halving it from the top are the costliest look-ups.
    last = len(path) - 1
    runs = [(k, min(k + _RUN, last)) for k in range(0, last, _RUN)]
    while runs:
        i, j = runs.pop()
        if j - i == 1:  # a lone segment (most runs): its box from its two ends, as min and max pick
            x0, x1, y0, y1 = xs[i], xs[j], ys[i], ys[j]
            whole = box_zone(
                x1 if x1 < x0 else x0, x1 if x1 > x0 else x0, y1 if y1 < y0 else y0, y1 if y1 > y0 else y0
            )
        else:
            whole = box_zone(min(xs[i : j + 1]), max(xs[i : j + 1]), min(ys[i : j + 1]), max(ys[i : j + 1]))
        if whole is not None:
            found.add(whole[0])
            if mirrored:
                found.add(whole[1])
        elif j - i > 1:
            mid = (i + j) // 2
            runs += ((mid, j), (i, mid))
        else:
            points = along((path[i], path[j]))[1:]
            if not mirrored:  # _exact of each point, from its row
                for x, y in points:
                    names = row_names(-x if x < 0 else x, y)
                    found.add(None if names is None else names[1] if x >= 0 else names[0])
                continue
            # _exact of each point and of its mirror image from one look-up of its row: (right,
            # left) for x > 0, (left, right) for x < 0, the right name alone on the midline.
            for x, y in points:
                names = row_names(-x if x < 0 else x, y)
                if names is None:
                    found.add(None)
                else:
                    found.add(names[1])
                    if x != 0:
                        found.add(names[0])
    return tuple(z for z in ZONE_IDS if z in found)


@path_cached(1)
@lru_cache(maxsize=8192)
def kidney_segment(body: Body, path: tuple[tuple[float, float], ...]) -> int | None:
    """The first segment (or lone point) of a path that enters a kidney area, exactly, or None.

    The kidney area is a four-sided shape (its outer edge follows the torso's widening), so each
    segment is clipped against it: a segment cutting a corner between two points outside counts.
    """
    right, left, (y0, y1, x_in, x_out) = _kidney_polygons(body)
    ys = [y for _, y in path]
    if max(ys) <= y0 or min(ys) >= y1 or max(abs(x) for x, _ in path) <= x_in:
        return None  # wholly above, below or inside of both kidney areas
    segments = list(itertools.pairwise(path)) or [(path[0], path[0])]
    for j, (a, b) in enumerate(segments):
        if (a[1] <= y0 and b[1] <= y0) or (a[1] >= y1 and b[1] >= y1):
            continue
        if (abs(a[0]) <= x_in and abs(b[0]) <= x_in and (a[0] > 0) == (b[0] > 0)) or (
            abs(a[0]) >= x_out and abs(b[0]) >= x_out and (a[0] > 0) == (b[0] > 0)
        ):
            continue
        if _clips(right, a, b) or _clips(left, a, b):
            return j
    return None


@lru_cache(maxsize=64)
def _kidney_polygons(
    body: Body,
) -> tuple[
    tuple[tuple[float, float], ...], tuple[tuple[float, float], ...], tuple[float, float, float, float]
]:
    lay = layout_for(body)
    shape = _shape_of("kidney")
    y0, y1 = lay.bound(shape.y_low, 0.0), lay.bound(shape.y_high, 0.0)
    # Both x edges are straight between these heights (the torso widens linearly there).
    right = (
        (lay.bound(shape.x_low, y0), y0),
        (lay.bound(shape.x_high, y0), y0),
        (lay.bound(shape.x_high, y1), y1),
        (lay.bound(shape.x_low, y1), y1),
    )
    left = tuple((-x, y) for x, y in reversed(right))  # mirrored, kept anticlockwise
    x_in = min(x for x, _ in right)
    x_out = max(x for x, _ in right)
    return right, left, (y0, y1, x_in, x_out)


def _clips(poly: tuple[tuple[float, float], ...], a: tuple[float, float], b: tuple[float, float]) -> bool:
    """Cyrus-Beck: does segment ab pass through the open inside of an anticlockwise convex polygon?"""
    t0, t1 = 0.0, 1.0
    dx, dy = b[0] - a[0], b[1] - a[1]
    for (px, py), (qx, qy) in zip(poly, (*poly[1:], poly[0]), strict=True):
        nx, ny = -(qy - py), qx - px  # inward normal of an anticlockwise edge
        num = nx * (a[0] - px) + ny * (a[1] - py)
        den = nx * dx + ny * dy
        if den == 0:
            if num <= 0:
                return False
            continue
        t = -num / den
        if den > 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 >= t1:
            return False
    return True


@path_cached(1)
@lru_cache(maxsize=8192)
def spine_gap(body: Body, path: tuple[tuple[float, float], ...], width: float) -> float:
    """How far the edge of a contact `width` either side of the path stays outside the spine band
    (negative: it overlaps the band). Crossing the midline counts as on it."""
    xs = [x for x, _ in path]
    if min(xs) > 0 or max(xs) < 0:  # one side only: the nearest point decides, with the widest band
        near = min(abs(x) for x in xs)
        if near - width - 2.5 > 0:
            return near - width - 2.5
    lay = layout_for(body)
    neck = 0.9 * lay.L
    gap = math.inf
    for (x0, y0), (x1, y1) in zip(path, path[1:] or path, strict=False):
        if (x0 > 0) != (x1 > 0) or x0 == 0 or x1 == 0:
            return -width
        # |x| is linear along a segment on one side; split where the band widens at the neck.
        parts = [((x0, y0), (x1, y1))]
        if (y0 - neck) * (y1 - neck) < 0:
            t = (neck - y0) / (y1 - y0)
            mid = (x0 + (x1 - x0) * t, neck)
            parts = [((x0, y0), mid), (mid, (x1, y1))]
        for (ax, ay), (bx, by) in parts:
            band = lay.spine_half_width(max(ay, by))
            gap = min(gap, min(abs(ax), abs(bx)) - width - band)
    return gap
