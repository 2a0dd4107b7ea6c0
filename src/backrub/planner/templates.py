"""Paths for each piece of the method, drawn on one body's back map.

Each maker returns a Draft for the receiver's right side (or the midline);
the builder mirrors, splits and reroutes them. Geometry follows the zones in
knowledge/zones.py so that medium work never strays onto the kidneys, the
spine band or the underarms.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from functools import wraps

from backrub.geometry import Point, circles_along, line, rounded, zigzag
from backrub.knowledge.techniques import contact_half_width
from backrub.knowledge.zones import Layout

TYPE_CHECKING = False  # typing is costly to import at start-up; only the checker needs it
if TYPE_CHECKING:
    from typing import Any, TypeVar

    F = TypeVar("F", bound=Callable[..., Any])

# Shifts between passes so the second round works beside the first line (seed 003: twice round).
PASS_SHIFT_CM = (0.0, 1.0, -0.8, 0.5)


# Compared and hashed (a cache key) but never printed: no __repr__ is generated (an exec-compile
# when `backrub plan` starts).
@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class Draft:
    """A step before timing and cue: what, where, which way, how hard."""

    key: str  # names the piece, e.g. "knead_mid"; cues and tests read it
    phase: str
    technique: str
    side: str
    direction: str
    pressure: str
    path: tuple[Point, ...]
    area: str  # words for the cue: "the lower back"
    strong: bool = False
    extra_rules: tuple[str, ...] = ()
    lead_in: tuple[Point, ...] = ()
    note: str = ""
    knot: Point | None = field(default=None)
    round: int | None = None  # the work round (seed 003: twice round the back); None outside them
    reps: tuple[int, int] | None = None  # narrower than 5-8 for an interlude (seed 004)
    # Tried in order when no-touch areas leave nothing of this draft (openings and closings).
    fallbacks: tuple[Draft, ...] = ()
    # The hash, worked out on first use: drafts key the planner's caches, and hashing every point
    # of a path (and every fallback) on each look-up cost more than the look-ups saved.
    _hash: int = field(default=0, init=False, repr=False, compare=False)

    def __hash__(self) -> int:
        h = self._hash
        if not h:
            h = hash(tuple(getattr(self, name) for name in _COMPARED)) or 1
            object.__setattr__(self, "_hash", h)
        return h

    def with_changes(self, **changes: object) -> Draft:
        """A copy with some fields changed: dataclasses.replace's result, without its walk over
        every field's metadata on each call (a plan makes many)."""
        values: dict[str, Any] = {name: getattr(self, name) for name in _INIT}
        values.update(changes)
        return Draft(**values)


_COMPARED = tuple(f.name for f in fields(Draft) if f.compare)  # what == compares, so what hash covers
_INIT = tuple(f.name for f in fields(Draft) if f.init)  # what replace copies; the hash starts over


def _memo(method: F) -> F:
    """Paths depend only on the layout and the arguments: make each once per body."""

    @wraps(method)
    def wrapper(self: Templates, *args: Any) -> Any:
        key = (method.__name__, args)
        if key not in self.memo:
            self.memo[key] = method(self, *args)
        return self.memo[key]

    return wrapper  # type: ignore[return-value]


def _t(points: list[Point]) -> tuple[Point, ...]:
    return tuple(rounded(points))


class Templates:
    """The path makers for one layout; `shift` moves working lines between passes."""

    def __init__(self, lay: Layout) -> None:
        self.lay = lay
        self.L = lay.L
        self.hs = lay.hs
        self.hw = lay.hw
        self.ps = 1.5 + 3.5 * lay.k  # outer edge of the paraspinal strip
        # Flat palms (2.5 cm either side of the path) stay this far in from the underarm (seed 004).
        self.palm_x = 0.84 * self.hs - contact_half_width("stroking") - 0.4
        self.memo: dict[tuple[str, tuple[Any, ...]], Any] = {}

    # -- long strokes -------------------------------------------------------------
    @_memo
    def whole_back_loop(self) -> tuple[Point, ...]:
        """Up beside the spine, out over the shoulder blades, down the sides, in at the waist."""
        L, hs, lay = self.L, self.hs, self.lay
        side_x = min(0.85 * lay.torso_half_width(0.40 * L), self.palm_x)
        return _t(
            line(
                [
                    (2.6, 2.0),
                    (2.6, 0.86 * L),
                    (0.45 * hs, 0.95 * L),
                    (min(0.70 * hs, self.palm_x), 0.93 * L),
                    (min(0.78 * hs, self.palm_x), 0.66 * L),
                    (side_x, 0.40 * L),
                    (0.85 * self.hw, 3.0),
                    (3.4, 2.6),
                ],
                step=3.0,
            )
        )

    @_memo
    def side_loop(self) -> tuple[Point, ...]:
        """A long stroke further out: up over the shoulder blade and down the side."""
        L, hs, lay = self.L, self.hs, self.lay
        x = 0.55 * hs
        return _t(
            line(
                [
                    (x, 2.0),
                    (x, 0.88 * L),
                    (min(0.72 * hs, self.palm_x), 0.9 * L),
                    (min(0.85 * lay.torso_half_width(0.4 * L), self.palm_x), 0.4 * L),
                    (0.8 * self.hw, 2.6),
                ],
                step=3.0,
            )
        )

    @_memo
    def side_down(self) -> tuple[Point, ...]:
        """Feather strokes down the outer back, for when the middle is marked off."""
        hs, lay = self.hs, self.lay
        return _t(
            line(
                [
                    (0.6 * hs, 0.88 * self.L),
                    (0.8 * lay.torso_half_width(0.3 * self.L), 0.3 * self.L),
                    (0.7 * self.hw, 1.5),
                ],
                step=3.0,
            )
        )

    @_memo
    def shoulder_down(self) -> tuple[Point, ...]:
        """On one's own back: a hand from the side of the neck down over the shoulder blade's top."""
        return _t(
            line(
                [(4.2, self.L + 2.5), (0.45 * self.hs, 0.93 * self.L), (0.6 * self.hs, 0.86 * self.L)],
                step=2.0,
            )
        )

    @_memo
    def closing_down(self) -> tuple[Point, ...]:
        """Feather strokes from the base of the neck down to the waist (seed 001: top to bottom)."""
        return _t(line([(3.0, 0.96 * self.L), (3.6, 0.5 * self.L), (4.2, 1.5)], step=3.0))

    @_memo
    def lower_back_loop(self) -> tuple[Point, ...]:
        """The part of a long stroke that people reach on their own back."""
        L, lay = self.L, self.lay
        return _t(
            line(
                [
                    (2.6, 2.0),
                    (2.6, 0.40 * L),
                    (0.8 * lay.torso_half_width(0.38 * L), 0.38 * L),
                    (0.85 * self.hw, 3.0),
                    (3.4, 2.6),
                ],
                step=3.0,
            )
        )

    @_memo
    def lower_back_down(self) -> tuple[Point, ...]:
        return _t(line([(3.0, 0.42 * self.L), (4.0, 1.5)], step=3.0))

    @_memo
    def thumb_glide(self, breath_wave: bool) -> tuple[Point, ...]:
        """Thumbs up both sides of the spine from the waist to the neck (seed 003)."""
        L, w = self.L, contact_half_width("thumb_glide")
        x = max(1.5 + 1.6 * self.lay.k, 1.5 + w + 0.1)
        neck = 2.5 + w + 0.1  # the band widens at the neck: the thumbs ease outward there
        up = [(x, 2.0), (x, 0.86 * L), (max(x, neck), 0.9 * L), (max(x, neck), 0.97 * L)]
        if breath_wave:  # up on the inhale, back down a finger's width out on the exhale
            out = max(x, neck) + 1.2
            return _t(
                line([*up, (out, 0.95 * L), (out, 0.9 * L), (x + 1.2, 0.86 * L), (x + 1.2, 2.5)], step=3.0)
            )
        return _t(line(up, step=3.0))

    # -- circles and kneading ---------------------------------------------------------
    @_memo
    def circles_lower(self, shift: float, top_frac: float) -> tuple[Point, ...]:
        x = (self.ps + 0.68 * self.hw) / 2 + shift
        return _t(circles_along([(x, 3.0), (x, top_frac * self.L)], radius=2.0, spacing=3.5))

    @_memo
    def circles_flank(self, shift: float) -> tuple[Point, ...]:
        x = 0.84 * self.hw + shift * 0.5
        return _t(circles_along([(x, 3.0), (x, 0.38 * self.L)], radius=1.8, spacing=3.5))

    @_memo
    def circles_upper(self, shift: float) -> tuple[Point, ...]:
        x = 0.6 * self.hs + shift
        return _t(circles_along([(x, 0.44 * self.L), (x, 0.85 * self.L)], radius=2.0, spacing=3.5))

    def shoulder_line(self) -> list[Point]:
        """From the shoulder top out over the deltoid and down the back of the upper arm."""
        L, hs = self.L, self.hs
        # Over the deltoid high and outside, so the hands' width stays off the underarm.
        return [(0.8 * hs, 0.93 * L), (hs + 2.5, 0.9 * L), (hs + 5.5, 0.86 * L), (hs + 5.5, 0.6 * L)]

    @_memo
    def circles_shoulders(self) -> tuple[Point, ...]:
        L, hs = self.L, self.hs
        start = [(4.2, 0.97 * L), (0.68 * hs, 0.955 * L)]  # from beside the neck
        return _t(circles_along([*start, *self.shoulder_line()], radius=1.5, spacing=3.0))

    @_memo
    def spiral_lumbar(self, shift: float, top_frac: float) -> tuple[Point, ...]:
        x = (self.ps + 0.68 * self.hw) / 2 + shift
        return _t(circles_along([(x, 3.0), (x, top_frac * self.L)], radius=1.2, spacing=1.8))

    @_memo
    def circles_paraspinal(self, robot: bool = False) -> tuple[Point, ...]:
        # A robot's probe keeps 3 cm from the midline (band + clearance) yet must stay inside
        # the paraspinal strip, clear of the kidneys: smaller circles, further out.
        # The thumb pad's own half-width (1 cm) is clearance from the band too.
        r, gap = (0.9, 1.6) if robot else (1.1, contact_half_width("circular_friction") + 0.1)
        x = 1.5 + r + gap
        top = 0.9 * self.L - r - 0.4  # the spine band widens above 0.9 L
        return _t(circles_along([(x, 3.0), (x, top)], radius=r, spacing=2.5))

    @_memo
    def knead_mid(self, shift: float) -> tuple[Point, ...]:
        x = (self.ps + self.lay.torso_half_width(0.53 * self.L)) / 2 + shift
        return _t(circles_along([(x, 0.47 * self.L), (x, 0.61 * self.L)], radius=2.2, spacing=2.5))

    @_memo
    def circles_scapula(self, shift: float) -> tuple[Point, ...]:
        x = 0.6 * self.hs + shift
        return _t(circles_along([(x, 0.63 * self.L), (x, 0.85 * self.L)], radius=2.0, spacing=3.0))

    @_memo
    def knead_interscapular(self) -> tuple[Point, ...]:
        r = 1.2
        x = max((1.5 + 0.36 * self.hs) / 2, 1.5 + contact_half_width("kneading") + r + 0.1)
        return _t(circles_along([(x, 0.64 * self.L), (x, 0.86 * self.L)], radius=r, spacing=2.5))

    @_memo
    def reach_between(self) -> tuple[Point, ...]:
        """One's own fingertips over the opposite shoulder: small circles beside the spine between
        the shoulder blades, from as low as a hand reaches that way (about two thirds of the way
        up the back) to the top of the shoulder blades (seed 002)."""
        r = 1.0
        x = max((1.5 + 0.36 * self.hs) / 2, 1.5 + contact_half_width("circular_friction") + r + 0.1)
        return _t(circles_along([(x, 0.68 * self.L), (x, 0.86 * self.L)], radius=r, spacing=2.5))

    @_memo
    def knead_trapezius(self) -> tuple[Point, ...]:
        L, hs = self.L, self.hs
        r = 1.3  # clear of the band at the neck by the hands' own width
        start = 2.5 + contact_half_width("kneading") + r + 0.1
        return _t(
            circles_along([(start, 0.97 * L), (max(0.68 * hs, start + 2), 0.955 * L)], radius=r, spacing=2.5)
        )

    @_memo
    def shoulder_arm_circles(self, radius: float) -> tuple[Point, ...]:
        return _t(circles_along(self.shoulder_line(), radius=radius, spacing=3.0))

    @_memo
    def knead_arm_line(self) -> tuple[Point, ...]:
        """Kneading from the shoulder top out over the deltoid and down the upper arm."""
        return self.shoulder_arm_circles(1.8)

    @_memo
    def arm_rotation(self) -> tuple[Point, ...]:
        """The elbow's circle as the arm turns in the shoulder (hands at wrist and elbow)."""
        centre = (self.hs + 4.5, 0.66 * self.L)
        return _t(
            circles_along([centre, (centre[0], centre[1] + 0.01)], radius=2.5, spacing=10.0, per_circle=12)
        )

    # -- strokes across -------------------------------------------------------------------
    @_memo
    def saw_lumbar(self, shift: float) -> tuple[Point, ...]:
        x = (self.ps + 0.68 * self.hw) / 2 + shift * 0.5
        width = min(5.0, 2 * (x - self.ps) - 0.6)
        return _t(zigzag([(x, 2.0), (x, 0.24 * self.L)], width=width, pitch=1.6))

    @_memo
    def roll_lumbar(self, shift: float) -> tuple[Point, ...]:
        x = (self.ps + 0.68 * self.hw) / 2 + shift
        return _t(line([(x, 2.0), (x, 0.24 * self.L)], step=1.0))

    @_memo
    def pat_up(self, shift: float) -> tuple[Point, ...]:
        x = max(self.ps + 2.2, 0.45 * self.hs) + shift
        return _t(zigzag([(x, 3.0), (x, 0.85 * self.L)], width=4.0, pitch=2.0))

    @_memo
    def skin_check(self) -> tuple[Point, ...]:
        """Across both shoulder blades, then down the spine to the waist: where a bed presses."""
        L, hs = self.L, self.hs
        return _t(line([(0.6 * hs, 0.78 * L), (-0.6 * hs, 0.78 * L), (0.0, 0.70 * L), (0.0, 2.0)], step=4.0))

    @_memo
    def knot_circles(self, centre: Point, radius: float = 1.2) -> tuple[Point, ...]:
        """Three small clockwise circles in place on a knot (seed 000)."""
        cx, cy = centre
        once = circles_along([(cx, cy), (cx, cy + 0.01)], radius=radius, spacing=10.0, per_circle=10)
        return _t(once[:-1] * 3 + once[-1:])
