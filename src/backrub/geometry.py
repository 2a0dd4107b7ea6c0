"""Plane geometry on the back map (centimetres): polylines, no-touch shapes, detours."""

from __future__ import annotations

import itertools
import math
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import wraps

TYPE_CHECKING = False  # typing is costly to import at start-up; only the checker needs it
if TYPE_CHECKING:
    from typing import Any, TypeVar

    F = TypeVar("F", bound=Callable[..., Any])

Point = tuple[float, float]


def path_cached(at: int, size: int = 8192) -> Callable[[F], F]:
    """Remember a pure function of a path by the path object itself, not by its value.

    The same path tuples come back again and again (templates are made once per body; drafts,
    steps, mirrors and every check share them), and hashing a long tuple of points on each call
    costs more than many of the answers. Argument `at` is the path; the others are small and are
    compared by value. Each entry holds its path, so while it is remembered no other object can
    take its id: a hit is the very same path, and the answer is exact. Only tuples are remembered
    (a list may change). Paths that are equal but not the same object are simply worked out again
    (or found in an lru_cache below).
    """

    def decorate(fn: F) -> F:
        memo: dict[tuple[object, ...], tuple[object, object]] = {}

        @wraps(fn)
        def wrapper(*args: Any, **kw: Any) -> Any:
            path = args[at]
            if kw or type(path) is not tuple:  # only immutable paths can be known by identity
                return fn(*args, **kw)
            key = (id(path), *args[:at], *args[at + 1 :])
            hit = memo.get(key)
            if hit is not None and hit[0] is path:
                return hit[1]
            value = fn(*args)
            if len(memo) >= size:
                memo.clear()
            memo[key] = (path, value)
            return value

        wrapper.cache_clear = memo.clear  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


# Compared and hashed (cache keys) but never printed: no __repr__ is generated (an exec-compile
# when `backrub plan` starts).
@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class Circle:
    """A round no-touch shape: centre and radius, in cm on the back map."""

    cx: float
    cy: float
    r: float

    def contains(self, x: float, y: float) -> bool:
        return (x - self.cx) ** 2 + (y - self.cy) ** 2 < self.r * self.r

    def hits_segment(self, a: Point, b: Point) -> bool:
        r = self.r
        if (
            (a[0] < self.cx - r and b[0] < self.cx - r)
            or (a[0] > self.cx + r and b[0] > self.cx + r)
            or (a[1] < self.cy - r and b[1] < self.cy - r)
            or (a[1] > self.cy + r and b[1] > self.cy + r)
        ):
            return False  # the segment's box misses the circle's box
        return segment_distance((self.cx, self.cy), a, b) < r

    def bbox(self) -> tuple[float, float, float, float]:
        return (self.cx - self.r, self.cy - self.r, self.cx + self.r, self.cy + self.r)


# Compared and hashed (cache keys) but never printed: no __repr__ is generated (an exec-compile
# when `backrub plan` starts).
@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class Box:
    """An upright rectangular no-touch shape, in cm on the back map."""

    x0: float
    y0: float
    x1: float
    y1: float

    def contains(self, x: float, y: float) -> bool:
        return self.x0 < x < self.x1 and self.y0 < y < self.y1

    def hits_segment(self, a: Point, b: Point) -> bool:
        if (
            (a[0] <= self.x0 and b[0] <= self.x0)
            or (a[0] >= self.x1 and b[0] >= self.x1)
            or (a[1] <= self.y0 and b[1] <= self.y0)
            or (a[1] >= self.y1 and b[1] >= self.y1)
        ):
            return False  # both ends beyond the same edge
        return _clip(self, a, b)

    def bbox(self) -> tuple[float, float, float, float]:
        return (self.x0, self.y0, self.x1, self.y1)


Shape = Circle | Box


def hundredths(x: float) -> float:
    """round(x, 2), the very same float, at about a third of the cost (a plan rounds some 5,000
    coordinates: routine JSON keeps hundredths of a centimetre).

    round(x, 2) is the float nearest to k/100, where k is the integer nearest to the exact x*100
    (ties to even). The product y = x*100.0 lies within half an ulp of that exact value, so when
    y is well clear of every half-integer its nearest integer is k too, and k/100 (a correctly
    rounded division of two exact numbers) is that float. Near a half-integer, for large or odd
    values, and for 0 (whose sign round keeps), round itself answers.
    """
    y = x * 100.0
    if -1e6 < y < 1e6:
        k = round(y)
        if k and abs(y - k) < 0.4999:
            return k / 100
    return round(x, 2)


def rounded(path: Sequence[Point]) -> list[Point]:
    """Points as routine JSON keeps them (hundredths of a centimetre)."""
    return [(hundredths(x), hundredths(y)) for x, y in path]


def length(path: Sequence[Point]) -> float:
    """Length of a polyline."""
    return sum(map(math.dist, path[:-1], path[1:]))


def bbox(path: Sequence[Point]) -> tuple[float, float, float, float]:
    xs, ys = zip(*path, strict=True)
    return (min(xs), min(ys), max(xs), max(ys))


path_box = path_cached(0)(bbox)  # the same, remembered by path (see path_cached)
path_length = path_cached(0)(length)


def boxes_touch(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def signed_area(path: Sequence[Point]) -> float:
    """Shoelace area: negative when the path turns clockwise as seen from behind."""
    total = 0.0
    for i in range(len(path) - 1):
        (x0, y0), (x1, y1) = path[i], path[i + 1]
        total += x0 * y1 - x1 * y0
    return total / 2.0


def segment_distance(p: Point, a: Point, b: Point) -> float:
    """Distance from point p to segment ab."""
    ax, ay = a
    dx, dy = b[0] - ax, b[1] - ay
    span = dx * dx + dy * dy
    if span == 0:
        t = 0.0
    else:  # max(0.0, min(1.0, t)) by comparisons: the same value, without two calls
        t = ((p[0] - ax) * dx + (p[1] - ay) * dy) / span
        t = t if t < 1.0 else 1.0
        t = t if t > 0.0 else 0.0
    return math.hypot(p[0] - ax - t * dx, p[1] - ay - t * dy)


def _clip(box: Box, a: Point, b: Point) -> bool:
    """Liang-Barsky: does segment ab pass through the open box?"""
    t0, t1 = 0.0, 1.0
    dx, dy = b[0] - a[0], b[1] - a[1]
    for p, q in ((-dx, a[0] - box.x0), (dx, box.x1 - a[0]), (-dy, a[1] - box.y0), (dy, box.y1 - a[1])):
        if p == 0:
            if q <= 0:
                return False
            continue
        t = q / p
        if p < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 >= t1:
            return False
    return True


def first_hit(
    path: Sequence[Point], shapes: Sequence[Shape], box: tuple[float, float, float, float] | None = None
) -> tuple[int, Shape] | None:
    """The first segment (or lone point) of a path that touches a shape, or None.

    `box` is the path's bounding box when the caller already knows it. When two shapes meet the
    same segment, the one listed first is named.
    """
    if not shapes or not path:
        return None
    px0, py0, px1, py1 = box or path_box(path)  # a path tuple seen before: its box is known
    near = []
    for s in shapes:
        sx0, sy0, sx1, sy1 = s.bbox()
        if sx0 <= px1 and px0 <= sx1 and sy0 <= py1 and py0 <= sy1:
            near.append(s)
    if not near:
        return None
    if len(path) == 1:
        for s in near:
            if s.contains(*path[0]):
                return (0, s)
        return None
    best: tuple[int, Shape] | None = None
    end = len(path) - 1  # segments before this one are still worth looking at
    for s in near:
        i = _first_segment(path, s, end)
        if i is not None:  # strictly earlier than any found so far: a tie keeps the earlier shape
            best, end = (i, s), i
    return best


def _first_segment(path: Sequence[Point], shape: Shape, end: int) -> int | None:
    """The first of the path's segments before `end` that touches the shape.

    Each point gets an outcode (which sides of the shape's box it lies beyond, the same strict or
    loose edges as the shape's own hits_segment); a segment whose two ends share a side is clear,
    and only the others get the exact test. The answer is the same as asking every segment. The
    outcodes are worked out as the segments are walked, so none past the first hit.
    """
    if end < 1:
        return None
    x, y = path[0]
    if isinstance(shape, Box):
        x0, y0, x1, y1 = shape.x0, shape.y0, shape.x1, shape.y1
        before = (x <= x0) | (x >= x1) << 1 | (y <= y0) << 2 | (y >= y1) << 3
        for i, (x, y) in enumerate(itertools.islice(path, 1, end + 1)):
            code = (x <= x0) | (x >= x1) << 1 | (y <= y0) << 2 | (y >= y1) << 3
            if not before & code and _clip(shape, path[i], path[i + 1]):
                return i
            before = code
        return None
    cx, cy, r = shape.cx, shape.cy, shape.r
    lx, hx, ly, hy = cx - r, cx + r, cy - r, cy + r
    centre = (cx, cy)
    before = (x < lx) | (x > hx) << 1 | (y < ly) << 2 | (y > hy) << 3
    for i, (x, y) in enumerate(itertools.islice(path, 1, end + 1)):
        code = (x < lx) | (x > hx) << 1 | (y < ly) << 2 | (y > hy) << 3
        if not before & code and segment_distance(centre, path[i], path[i + 1]) < r:
            return i
        before = code
    return None


def segments_hit(path: Sequence[Point], shapes: Sequence[Shape]) -> list[bool]:
    """For each segment of the path, whether it touches any shape: the answers of
    `first_hit(path[j:j + 2], shapes) is not None` for every j, with each shape's outcodes
    worked out once for the whole path instead of once per segment (the same tests)."""
    hit = [False] * max(len(path) - 1, 0)
    if not hit or not shapes:
        return hit
    px0, py0, px1, py1 = bbox(path)
    for shape in shapes:
        sx0, sy0, sx1, sy1 = shape.bbox()
        if not (sx0 <= px1 and px0 <= sx1 and sy0 <= py1 and py0 <= sy1):
            continue  # no segment's box meets this shape's box
        if isinstance(shape, Box):
            x0, y0, x1, y1 = shape.x0, shape.y0, shape.x1, shape.y1
            codes = [(x <= x0) | (x >= x1) << 1 | (y <= y0) << 2 | (y >= y1) << 3 for x, y in path]
            for i in range(len(hit)):
                if not hit[i] and not codes[i] & codes[i + 1] and _clip(shape, path[i], path[i + 1]):
                    hit[i] = True
            continue
        cx, cy, r = shape.cx, shape.cy, shape.r
        lx, hx, ly, hy = cx - r, cx + r, cy - r, cy + r
        codes = [(x < lx) | (x > hx) << 1 | (y < ly) << 2 | (y > hy) << 3 for x, y in path]
        centre = (cx, cy)
        for i in range(len(hit)):
            if not hit[i] and not codes[i] & codes[i + 1]:
                hit[i] = segment_distance(centre, path[i], path[i + 1]) < r
    return hit


@path_cached(0)
def direction_problem(path: Sequence[Point], direction: str) -> str:
    """How a path disagrees with its declared direction ('' when it agrees)."""
    if len(path) < 3:
        return ""
    ys = [y for _, y in path]
    middle = (min(ys) + max(ys)) / 2
    top = ys.index(max(ys))
    # A loop that goes up the middle may come down the sides: judge by where it starts.
    if direction == "up" and (ys[0] > middle or top == 0):
        return "starts at the top"
    if direction == "down" and (ys[0] < middle or ys[-1] > middle):
        return "does not run from the top down"
    if direction == "up_down" and not (ys[0] - min(ys) < 0.2 * (max(ys) - min(ys)) and 0 < top < len(ys) - 1):
        return "does not rise and fall again"
    if direction == "outward":
        quarter = max(1, len(path) // 4)
        start = sum(abs(x) for x, _ in path[:quarter]) / quarter
        end = sum(abs(x) for x, _ in path[-quarter:]) / quarter
        if end <= start:
            return "runs toward the spine"
    if direction == "clockwise" and signed_area(path) >= 0:
        return "turns anticlockwise"
    return ""


# -- path makers --------------------------------------------------------------------------


def line(points: Sequence[Point], step: float = 2.0) -> list[Point]:
    """A polyline through the given corners, with points no further apart than `step`."""
    out: list[Point] = [points[0]]
    dist, ceil = math.dist, math.ceil
    for a, b in itertools.pairwise(points):
        q = dist(a, b) / step
        if q <= 1.0:  # n = 1, the common case in a dense path: the same arithmetic as below
            out.append((a[0] + (b[0] - a[0]), a[1] + (b[1] - a[1])))
            continue
        n = ceil(q)
        (ax, ay), dx, dy = a, b[0] - a[0], b[1] - a[1]
        out.extend((ax + dx * i / n, ay + dy * i / n) for i in range(1, n + 1))
    return out


def circles_along(
    corners: Sequence[Point], radius: float, spacing: float, clockwise: bool = True, per_circle: int = 8
) -> list[Point]:
    """Small circles whose centre travels along a polyline (a trochoid), starting at the bottom."""
    centres = line(corners, step=0.25)
    total = length(centres)
    turns = max(1, round(total / spacing))
    count = turns * per_circle
    sign = -1.0 if clockwise else 1.0
    # The running sums one by one, as a loop adding each distance would make them.
    cum = list(itertools.accumulate(map(math.dist, centres[:-1], centres[1:]), initial=0.0))
    top = len(cum) - 1
    out: list[Point] = []
    add, cos, sin = out.append, math.cos, math.sin
    start, turn = -math.pi / 2, sign * 2 * math.pi  # the angle's sums, left to right, as written out
    j = 0
    for i in range(count + 1):
        target = total * i / count
        # The centre segment the point falls on: the first j (from the last one, up to len - 2)
        # whose end's running sum is not below the target. The sums never fall, so a bisection
        # finds the j that stepping along one by one would reach.
        j = bisect_left(cum, target, j + 1, top) - 1 if j < top - 1 else j
        low = cum[j]
        seg = cum[j + 1] - low
        f = 0.0 if seg == 0 else (target - low) / seg
        (ax, ay), (bx, by) = centres[j], centres[j + 1]  # (a single centre fails above, on cum)
        angle = start + turn * i / per_circle
        add((ax + (bx - ax) * f + radius * cos(angle), ay + (by - ay) * f + radius * sin(angle)))
    return out


def zigzag(corners: Sequence[Point], width: float, pitch: float) -> list[Point]:
    """Side-to-side strokes `width` wide, advancing `pitch` along a polyline each swing."""
    centres = line(corners, step=pitch / 2)
    out: list[Point] = []
    for i, (x, y) in enumerate(centres):
        out.append((x + (width / 2 if i % 2 else -width / 2), y))
    return out


def reversed_path(path: Sequence[Point]) -> list[Point]:
    return list(reversed(path))


# -- detours ------------------------------------------------------------------------------


# Worst-case cost bounds (issue 9: every accepted request plans well under a second). Each bend
# re-walks the whole dense path; each place adds 4-16 corners to route's graph of every pair.
MAX_BENDS = 8
ROUTE_SHAPES = 16


def detour(
    path: Sequence[Point],
    shapes: Sequence[Shape],
    clearance: float = 0.3,
    floor_y: float = 0.0,
    keep_ends: bool = True,
) -> list[Point] | None:
    """The path bent around every shape it crosses, or None when no clean way round exists.

    Points are never pushed below `floor_y` (the waistline: below it is off the back).
    With `keep_ends` the first and last points stay put (a slide must join its two steps).
    """
    key = (id(path), clearance, floor_y, keep_ends) if type(path) is tuple else None
    if key is not None and _gave_up_before(key, path, shapes):
        return None
    current = list(path)
    box = bbox(current)
    bent = 0
    for k, shape in enumerate(shapes):
        if first_hit(current, [shape], box) is None:
            continue
        bent += 1
        if bent > MAX_BENDS:  # a way threading between this many places is no clean way round
            if key is not None:
                _give_up(key, path, tuple(shapes[: k + 1]))
            return None
        dense = line(current, step=0.5)
        current = _around(dense, shape, clearance, floor_y, keep_ends)
        box = bbox(current)
    if first_hit(current, shapes) is not None:
        return None
    short = simplify(current, 0.15)
    return short if first_hit(short, shapes) is None else current


# The shapes' prefixes after which a detour of a path ran out of bends, by the path's identity
# (the entry holds the path, so its id is not reused while remembered). The loop above up to that
# shape depends on nothing after it, so any shape list starting so gives up the same way: a live
# session's next pain place, added at the end, costs these paths nothing (issue 9).
_Key = tuple[int, float, float, bool]
_GAVE_UP: dict[_Key, tuple[Sequence[Point], list[tuple[Shape, ...]]]] = {}


def _gave_up_before(key: _Key, path: Sequence[Point], shapes: Sequence[Shape]) -> bool:
    known = _GAVE_UP.get(key)
    if known is None or known[0] is not path:
        return False
    return any(len(p) <= len(shapes) and tuple(shapes[: len(p)]) == p for p in known[1])


def _give_up(key: _Key, path: Sequence[Point], prefix: tuple[Shape, ...]) -> None:
    known = _GAVE_UP.get(key)
    if known is None or known[0] is not path:
        if len(_GAVE_UP) >= 4096:
            _GAVE_UP.clear()
        known = _GAVE_UP[key] = (path, [])
    known[1].append(prefix)
    del known[1][:-8]  # the latest few per path


def reach(
    box: tuple[float, float, float, float], shapes: Sequence[Shape], spread: float
) -> tuple[Shape, ...]:
    """The shapes (in their order) that a path within `box` can meet while it is bent round
    shapes, each bend staying within `spread` of the shape's box: those touching the box, then
    those touching the box grown over the ones found, and so on. A detour by any other shape is
    never tested true, so the detour among these alone is the same path (issue 9: a live replan
    reuses every stroke that the new pain place cannot reach)."""
    eps = 0.01  # far above rounding, and above what `rounded` moves a point (0.005)
    x0, y0, x1, y1 = box[0] - eps, box[1] - eps, box[2] + eps, box[3] + eps
    found = [False] * len(shapes)
    grew = True
    while grew:
        grew = False
        for k, s in enumerate(shapes):
            if found[k]:
                continue
            sx0, sy0, sx1, sy1 = s.bbox()
            if sx0 <= x1 and x0 <= sx1 and sy0 <= y1 and y0 <= sy1:
                found[k] = grew = True
                x0, y0 = min(x0, sx0 - spread - eps), min(y0, sy0 - spread - eps)
                x1, y1 = max(x1, sx1 + spread + eps), max(y1, sy1 + spread + eps)
    return tuple(s for s, f in zip(shapes, found, strict=True) if f)


def _around(
    dense: list[Point], shape: Shape, clearance: float, floor_y: float, keep_ends: bool
) -> list[Point]:
    out: list[Point] = []
    last = len(dense) - 1
    # Most of a long path lies well away from the shape. A point strictly beyond one side of the
    # shape's box grown by the clearance is not inside it (so it stays where it is), and a segment
    # from an unmoved point beyond the same side cannot touch the shape: such points are passed
    # through without the exact tests, which would say the same.
    x0, y0, x1, y1 = shape.bbox()
    x0, y0, x1, y1 = x0 - clearance, y0 - clearance, x1 + clearance, y1 + clearance
    before = 0  # the outcode of out[-1] when it is the unmoved point before; else 0 (no shortcut)
    # _inside for a circle, with its numbers taken once (the same arithmetic).
    round_centre = (shape.cx, shape.cy) if isinstance(shape, Circle) else None
    rim = shape.r + clearance if isinstance(shape, Circle) else 0.0
    dist = math.dist
    for k, p in enumerate(dense):
        px, py = p
        code = (px < x0) | (px > x1) << 1 | (py < y0) << 2 | (py > y1) << 3
        if code & before:
            out.append(p)
            before = code
            continue
        fixed = keep_ends and (k == 0 or k == last)
        if round_centre is not None:
            moved = not fixed and dist(p, round_centre) < rim
        else:
            moved = not fixed and _inside(shape, p, clearance)
        q = _push_out(p, shape, clearance, floor_y) if moved else p
        bridged = bool(out) and shape.hits_segment(out[-1], q)
        if bridged:
            out.extend(_bridge(out[-1], q, shape, clearance))
        out.append(q)
        before = 0 if moved or bridged else code
    return out


def _inside(shape: Shape, p: Point, clearance: float) -> bool:
    if isinstance(shape, Circle):
        return math.dist(p, (shape.cx, shape.cy)) < shape.r + clearance
    return (
        shape.x0 - clearance < p[0] < shape.x1 + clearance
        and shape.y0 - clearance < p[1] < shape.y1 + clearance
    )


def _push_out(p: Point, shape: Shape, clearance: float, floor_y: float) -> Point:
    if isinstance(shape, Circle):
        dx, dy = p[0] - shape.cx, p[1] - shape.cy
        d = math.hypot(dx, dy) or 1e-9
        if d < 1e-6:
            dx, dy, d = 1.0, 0.0, 1.0
        k = (shape.r + clearance) / d
        return (shape.cx + dx * k, shape.cy + dy * k)
    c = clearance
    moves = [
        (p[0] - (shape.x0 - c), (shape.x0 - c, p[1])),
        ((shape.x1 + c) - p[0], (shape.x1 + c, p[1])),
        ((shape.y1 + c) - p[1], (p[0], shape.y1 + c)),
    ]
    if shape.y0 - c >= floor_y:
        moves.append((p[1] - (shape.y0 - c), (p[0], shape.y0 - c)))
    return min(moves, key=lambda m: m[0])[1]


def _bridge(a: Point, b: Point, shape: Shape, clearance: float) -> list[Point]:
    """Points that carry a chord from a to b round the outside of a shape."""
    if isinstance(shape, Circle):
        r = shape.r + clearance * 2
        a0 = math.atan2(a[1] - shape.cy, a[0] - shape.cx)
        a1 = math.atan2(b[1] - shape.cy, b[0] - shape.cx)
        delta = (a1 - a0 + math.pi) % (2 * math.pi) - math.pi
        n = max(2, math.ceil(abs(delta) * r / 0.5))
        return [
            (shape.cx + r * math.cos(a0 + delta * i / n), shape.cy + r * math.sin(a0 + delta * i / n))
            for i in range(1, n)
        ]
    c = clearance * 2
    corners = [
        (shape.x0 - c, shape.y0 - c),
        (shape.x1 + c, shape.y0 - c),
        (shape.x1 + c, shape.y1 + c),
        (shape.x0 - c, shape.y1 + c),
    ]
    # Walk the box's corners the shorter way round from a's nearest corner to b's.
    ia = min(range(4), key=lambda i: math.dist(a, corners[i]))
    ib = min(range(4), key=lambda i: math.dist(b, corners[i]))
    forward = [corners[(ia + k) % 4] for k in range((ib - ia) % 4 + 1)]
    backward = [corners[(ia - k) % 4] for k in range((ia - ib) % 4 + 1)]
    return forward if length([a, *forward, b]) <= length([a, *backward, b]) else backward


def simplify(path: Sequence[Point], tolerance: float) -> list[Point]:
    """Douglas-Peucker: drop points that lie within `tolerance` of the line through their neighbours."""
    if len(path) < 3:
        return list(path)
    keep = [False] * len(path)
    keep[0] = keep[-1] = True
    stack = [(0, len(path) - 1)]
    hypot = math.hypot
    while stack:
        i, j = stack.pop()
        best, index = 0.0, -1
        # segment_distance(path[k], path[i], path[j]) for each k between, written out (the same
        # arithmetic, so the same answers): a detour's dense path makes this the hot loop.
        # (t clamped as max(0.0, min(1.0, t)) would: by comparisons, each case's sums its own.)
        ax, ay = path[i]
        dx, dy = path[j][0] - ax, path[j][1] - ay
        span = dx * dx + dy * dy
        k = i
        if span == 0:
            for px, py in path[i + 1 : j]:
                k += 1
                d = hypot(px - ax - 0.0 * dx, py - ay - 0.0 * dy)  # t = 0
                if d > best:
                    best, index = d, k
        else:
            for px, py in path[i + 1 : j]:
                k += 1
                qx, qy = px - ax, py - ay
                t = (qx * dx + qy * dy) / span
                if 0.0 < t < 1.0:
                    d = hypot(qx - t * dx, qy - t * dy)
                elif t <= 0.0:  # t clamped to 0.0
                    d = hypot(qx - 0.0 * dx, qy - 0.0 * dy)
                else:  # to 1.0 (also a NaN, as the comparisons above would)
                    d = hypot(qx - 1.0 * dx, qy - 1.0 * dy)
                if d > best:
                    best, index = d, k
        if best > tolerance and index > 0:
            keep[index] = True
            stack.extend(((i, index), (index, j)))
    return [p for p, k in zip(path, keep, strict=True) if k]


def route(a: Point, b: Point, shapes: Sequence[Shape], clearance: float = 0.4) -> list[Point] | None:
    """The shortest way from a to b that touches no shape (a visibility graph), or None.

    Circles become polygons drawn just outside them, boxes get their corners
    pushed out by the clearance; the way runs between those corners. Among more than
    ROUTE_SHAPES shapes, only the ROUTE_SHAPES nearest the straight way are routed round (the
    graph grows with the square of the corners): the caller must check the way against all.
    """
    if len(shapes) > ROUTE_SHAPES:
        shapes = sorted(shapes, key=lambda s: _box_distance(s.bbox(), a, b))[:ROUTE_SHAPES]
    corners: list[Point] = []
    for shape in shapes:
        corners.extend(_corners_around(shape, clearance))
    nodes = [a, b] + [p for p in corners if not any(s.contains(*p) for s in shapes)]
    # Legs keep half the clearance from every shape, so none merely grazes one (rounding the way
    # for JSON would then nudge it in); not from a shape that a or b itself is that close to.
    kept = [g if not (g.contains(*a) or g.contains(*b)) else s
            for s, g in zip(shapes, [grown(s, clearance / 2) for s in shapes], strict=True)]
    # The kept shapes as plain numbers, each with its box, for the leg test written out below.
    rounds = [(g.cx, g.cy, g.r, g.cx - g.r, g.cy - g.r, g.cx + g.r, g.cy + g.r)
              for g in kept if isinstance(g, Circle)]
    squares = [(g.x0, g.y0, g.x1, g.y1) for g in kept if isinstance(g, Box)]
    # Dijkstra over the (small) visibility graph; a leg is tested only when its first end is
    # settled (the same legs relaxed in the same order as testing every pair first).
    best = [math.inf] * len(nodes)
    back = [-1] * len(nodes)
    best[0] = 0.0
    todo = set(range(len(nodes)))
    while todo:
        i = min(todo, key=best.__getitem__)
        if best[i] == math.inf or i == 1:
            break
        todo.discard(i)
        for j in todo:
            d = best[i] + math.dist(nodes[i], nodes[j])
            if d >= best[j]:
                continue  # no shorter way to j through i, clear or not: no need to test the leg
            lo, hi = (nodes[i], nodes[j]) if i < j else (nodes[j], nodes[i])  # as the pair was tested
            # Only shapes whose box meets the leg's box can touch it (hits_segment would say no).
            lx, hx = (lo[0], hi[0]) if lo[0] <= hi[0] else (hi[0], lo[0])
            ly, hy = (lo[1], hi[1]) if lo[1] <= hi[1] else (hi[1], lo[1])
            if not _leg_hits(lo, hi, lx, ly, hx, hy, rounds, squares):
                best[j], back[j] = d, i
    if best[1] == math.inf:
        return None
    way = [b]
    while way[-1] != a:
        way.append(nodes[back[nodes.index(way[-1]) if way[-1] != b else 1]])
    return way[::-1]


def _leg_hits(
    lo: Point,
    hi: Point,
    lx: float,
    ly: float,
    hx: float,
    hy: float,
    rounds: list[tuple[float, float, float, float, float, float, float]],
    squares: list[tuple[float, float, float, float]],
) -> bool:
    """Does leg lo-hi (its box lx..hx, ly..hy) touch any of the shapes? Circle.hits_segment and
    Box.hits_segment written out with the leg's own numbers worked out once (the same arithmetic,
    so the same answers): route tests tens of thousands of legs among cluttered spots."""
    ax, ay = lo
    dx, dy = hi[0] - ax, hi[1] - ay
    span = dx * dx + dy * dy
    for cx, cy, r, bx0, by0, bx1, by1 in rounds:
        if bx0 > hx or lx > bx1 or by0 > hy or ly > by1:
            continue  # boxes apart (also where hits_segment's own box test would say no)
        if (lx < bx0 and hx < bx0) or (lx > bx1 and hx > bx1) or (ly < by0 and hy < by0) or (
            ly > by1 and hy > by1
        ):
            continue
        t = 0.0 if span == 0 else max(0.0, min(1.0, ((cx - ax) * dx + (cy - ay) * dy) / span))
        if math.hypot(cx - ax - t * dx, cy - ay - t * dy) < r:
            return True
    for x0, y0, x1, y1 in squares:
        if x0 > hx or lx > x1 or y0 > hy or ly > y1:
            continue
        if (hx <= x0) or (lx >= x1) or (hy <= y0) or (ly >= y1):
            continue  # both ends beyond the same edge
        t0, t1 = 0.0, 1.0
        for p, q in ((-dx, ax - x0), (dx, x1 - ax), (-dy, ay - y0), (dy, y1 - ay)):
            if p == 0:
                if q <= 0:
                    break
                continue
            t = q / p
            if p < 0:
                t0 = max(t0, t)
            else:
                t1 = min(t1, t)
            if t0 >= t1:
                break
        else:
            return True
    return False


def _box_distance(box: tuple[float, float, float, float], a: Point, b: Point) -> float:
    """How far a box lies from segment ab (0 when they meet): the nearest of its corners and
    centre to the segment, and 0 if the segment's box overlaps it (enough to rank shapes)."""
    x0, y0, x1, y1 = box
    if max(a[0], b[0]) >= x0 and min(a[0], b[0]) <= x1 and max(a[1], b[1]) >= y0 and min(a[1], b[1]) <= y1:
        return 0.0
    points = ((x0, y0), (x1, y0), (x0, y1), (x1, y1), ((x0 + x1) / 2, (y0 + y1) / 2))
    return min(segment_distance(p, a, b) for p in points)


def _corners_around(shape: Shape, clearance: float) -> list[Point]:
    if isinstance(shape, Circle):
        sides = 16
        r = (shape.r + clearance) / math.cos(math.pi / sides)
        return [
            (
                shape.cx + r * math.cos(2 * math.pi * k / sides),
                shape.cy + r * math.sin(2 * math.pi * k / sides),
            )
            for k in range(sides)
        ]
    c = clearance
    return [
        (shape.x0 - c, shape.y0 - c),
        (shape.x1 + c, shape.y0 - c),
        (shape.x1 + c, shape.y1 + c),
        (shape.x0 - c, shape.y1 + c),
    ]


def grown(shape: Shape, by: float) -> Shape:
    """The shape with `by` added all round."""
    if isinstance(shape, Circle):
        return Circle(cx=shape.cx, cy=shape.cy, r=shape.r + by)
    return Box(x0=shape.x0 - by, y0=shape.y0 - by, x1=shape.x1 + by, y1=shape.y1 + by)


def mirrored(shape: Shape) -> Shape:
    """The shape reflected across the spine's midline."""
    if isinstance(shape, Circle):
        return Circle(cx=-shape.cx, cy=shape.cy, r=shape.r)
    return Box(x0=-shape.x1, y0=shape.y0, x1=-shape.x0, y1=shape.y1)
