"""The pieces of a massage in the method's order: opening, warm-up, rounds of work, focus, knots,
closing; each a Draft at the pressure this intake allows."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from backrub.geometry import Point
from backrub.intake.model import Intake
from backrub.intake.places import spot_centre
from backrub.intake.screening import Screening
from backrub.knowledge.body import Body
from backrub.knowledge.techniques import TECHNIQUES, pressure_rank
from backrub.knowledge.zones import GROUPS, base_name, layout_for
from backrub.planner.templates import PASS_SHIFT_CM, Draft, Templates

TYPE_CHECKING = False  # typing is costly to import at start-up; only the checker needs it
if TYPE_CHECKING:
    from typing import Any

GENTLE_ONLY = frozenset({"stroking", "thumb_glide", "circular_friction", "spiral_kneading", "skin_check"})


@dataclass(frozen=True, slots=True, kw_only=True)
class Unit:
    """One or more drafts done as a block (e.g. sawing right then left)."""

    drafts: tuple[Draft, ...]
    priority: int = 1  # 2 for what the receiver asked for (focus, knots): trimmed last


@dataclass(frozen=True, slots=True)
class Piece:
    """One line of a work round: which technique, along which path, how hard, one side at a time?"""

    key: str
    technique: str
    path: tuple[Point, ...]
    area: str
    direction: str = "up"
    wanted: str = "medium"
    per_side: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Context:
    intake: Intake
    screening: Screening
    half: str  # both | right | left (side-lying works one side, then the other)

    @property
    def cap(self) -> str:
        caps = [self.intake.pressure, self.screening.pressure_cap]
        if self.intake.goal == "comfort_care":
            caps.append("light")
        return min(caps, key=pressure_rank)

    @property
    def tpl(self) -> Templates:
        return _templates(self.intake.body)

    def allowed(self, technique: str) -> bool:
        if technique in self.screening.banned_techniques:
            return False
        if self.intake.goal == "comfort_care" and technique not in GENTLE_ONLY:
            return False
        if technique == "arm_rotation" and self.intake.giver in ("self", "robot"):
            return False
        if technique == "skin_rolling" and self.intake.giver == "robot":
            return False  # a probe cannot pick up a fold of skin
        return pressure_rank(TECHNIQUES[technique].pressure_min) <= pressure_rank(self.cap)

    def pressure(self, technique: str, wanted: str = "firm") -> str:
        tech = TECHNIQUES[technique]
        top = min(self.cap, wanted, tech.pressure_max, key=pressure_rank)
        return max(top, tech.pressure_min, key=pressure_rank)


@lru_cache(maxsize=64)
def _templates(body: Body) -> Templates:
    return Templates(layout_for(body))


# -- pieces ---------------------------------------------------------------------------------


def _d(
    ctx: Context,
    key: str,
    phase: str,
    technique: str,
    path: tuple[Point, ...],
    area: str,
    direction: str = "up",
    side: str = "both",
    wanted: str = "light",
    **kw: Any,
) -> Draft:
    """A draft at the pressure this context allows for the technique."""
    return Draft(
        key=key,
        phase=phase,
        technique=technique,
        side=side,
        direction=direction,
        pressure=ctx.pressure(technique, wanted),
        path=path,
        area=area,
        strong=TECHNIQUES[technique].strong,
        **kw,
    )


def opening(ctx: Context) -> list[Draft]:
    t, out = ctx.tpl, []
    if ctx.intake.giver == "caregiver" and ctx.intake.goal == "comfort_care" and ctx.half != "left":
        out.append(
            _d(
                ctx,
                "skin_check",
                "prepare",
                "skin_check",
                t.skin_check(),
                "the shoulder blades, the spine and the lower back",
                direction="down",
                side="center",
                note="These are the places a bed presses on.",
            )
        )
    wave = ctx.intake.style == "breath_wave"
    way = "up_down" if wave else "up"
    low = _d(
        ctx,
        "open_stroke",
        "open",
        "stroking",
        t.lower_back_loop(),
        "the lower back",
        direction=way,
        note="Spread the oil as you go.",
    )
    if ctx.intake.giver == "self":
        up = tuple(reversed(t.shoulder_down()))
        shoulder = _d(
            ctx,
            "open_stroke",
            "open",
            "stroking",
            up + t.shoulder_down()[1:] if wave else up,
            "your shoulder, blade to neck",
            direction=way,
            side="right",
        )
        out.append(low.with_changes(area="your lower back", fallbacks=(shoulder, mirror_draft(shoulder))))
        return out
    side = _d(
        ctx,
        "open_stroke",
        "open",
        "stroking",
        t.side_loop(),
        "the back, beside the marked places",
        direction=way,
        note="Spread the oil; keep your hands on the back from here to the end.",
    )
    out.append(
        _d(
            ctx,
            "open_stroke",
            "open",
            "stroking",
            t.whole_back_loop(),
            "the whole back",
            direction=way,
            note="Spread the oil; keep your hands on the back from here to the end.",
            fallbacks=(side, low),
        )
    )
    return out


def warm_up(ctx: Context) -> list[Draft]:
    t, wave = ctx.tpl, ctx.intake.style == "breath_wave"
    out: list[Draft] = []
    if ctx.intake.giver != "self":
        out.append(
            _d(
                ctx,
                "warm_thumbs",
                "warm_up",
                "thumb_glide",
                t.thumb_glide(wave),
                "both sides of the spine, waist to neck",
                direction="up_down" if wave else "up",
            )
        )
    out.append(
        _d(ctx, "warm_lower", "warm_up", "circular_friction", t.circles_lower(0.0, 0.38), "the lower back")
    )
    out.append(
        _d(ctx, "warm_flank", "warm_up", "circular_friction", t.circles_flank(0.0), "the sides of the waist")
    )
    if ctx.intake.giver != "self":
        out.append(
            _d(
                ctx,
                "warm_upper",
                "warm_up",
                "circular_friction",
                t.circles_upper(0.0),
                "the middle back and shoulder blades",
            )
        )
    out.append(
        _d(
            ctx,
            "warm_shoulders",
            "warm_up",
            "circular_friction",
            t.circles_shoulders(),
            "the tops of the shoulders and the upper arms",
            direction="outward",
        )
    )
    return out


def work_pass(ctx: Context, variant: int, phase: str = "work") -> list[Unit]:
    """One round over the back, lower back to shoulders, weaker and stronger by turns (seed 004)."""
    return list(_work_pass(ctx, variant, phase))


@lru_cache(maxsize=256)
def _work_pass(ctx: Context, variant: int, phase: str) -> tuple[Unit, ...]:
    t, shift = ctx.tpl, PASS_SHIFT_CM[variant % len(PASS_SHIFT_CM)]
    medium = ctx.pressure("spiral_kneading", "medium")
    spiral_top = 0.38 if medium == "light" else 0.23  # the kidneys take light work only
    wave = ctx.intake.style == "breath_wave"
    by_self = ctx.intake.giver == "self"
    pieces = (
        Piece("spiral_lumbar", "spiral_kneading", t.spiral_lumbar(shift, spiral_top), "the lower back"),
        Piece("roll_lumbar", "skin_rolling", t.roll_lumbar(shift), "the lower back", per_side=True),
        Piece(
            "rub_paraspinal",
            "circular_friction",
            t.circles_paraspinal(ctx.intake.giver == "robot"),
            "the muscles beside the spine",
        ),
        Piece("saw_lumbar", "sawing", t.saw_lumbar(shift), "the lower back", wanted="firm", per_side=True),
        Piece("rub_scapula", "circular_friction", t.circles_scapula(shift), "the shoulder blades"),
        Piece("knead_mid", "kneading", t.knead_mid(shift), "the middle back", wanted="firm"),
        Piece(
            "glide_thumbs",
            "thumb_glide",
            t.thumb_glide(wave),
            "both sides of the spine",
            direction="up_down" if wave else "up",
        ),
        Piece(
            "knead_between",
            "kneading",
            t.knead_interscapular(),
            "the muscles between the shoulder blades and the spine",
            wanted="firm",
        ),
        Piece(
            "rub_shoulders",
            "circular_friction",
            t.shoulder_arm_circles(1.5),
            "the shoulders and upper arms",
            direction="outward",
        ),
        Piece(
            "knead_shoulders",
            "kneading",
            t.knead_trapezius(),
            "the base of the neck and the tops of the shoulders",
            direction="outward",
            wanted="firm",
            per_side=by_self,
        ),
        Piece(
            "rotate_arm",
            "arm_rotation",
            t.arm_rotation(),
            "the arm",
            direction="in_place",
            wanted="light",
            per_side=True,
        ),
        Piece(
            "knead_arms",
            "kneading",
            t.shoulder_arm_circles(1.8),
            "the deltoids and upper arms",
            direction="outward",
            wanted="firm",
            per_side=by_self,
        ),
        Piece(
            "pat",
            "patting",
            t.pat_up(shift),
            "the back, from the waist to the shoulder blades",
            wanted="light",
        ),
    )
    units = []
    for piece in pieces:
        if not ctx.allowed(piece.technique):
            continue
        draft = _d(
            ctx,
            piece.key,
            phase,
            piece.technique,
            piece.path,
            piece.area,
            direction=piece.direction,
            wanted=piece.wanted,
        )
        drafts = (draft.with_changes(side="right"), mirror_draft(draft)) if piece.per_side else (draft,)
        units.append(Unit(drafts=drafts))
    return tuple(units)


_FOCUS_KEYS = {
    "shoulders": ("rub_shoulders", "knead_shoulders"),
    "neck": ("knead_shoulders",),
    "upper_back": ("rub_scapula", "knead_between"),
    "mid_back": ("rub_paraspinal", "knead_mid"),
    "lower_back": ("spiral_lumbar", "saw_lumbar"),
    "arms": ("rub_shoulders", "knead_arms"),
}


def focus_units(ctx: Context, variant: int) -> list[Unit]:
    """Extra time on the areas the receiver asked for."""
    wanted: list[str] = []
    for name in ctx.intake.focus:
        group = (
            name
            if name in GROUPS
            else next((g for g, bases in GROUPS.items() if base_name(name) in bases), "")
        )
        for key in _FOCUS_KEYS.get(group, ()):
            if key not in wanted:
                wanted.append(key)
    pool = {u.drafts[0].key: u for u in work_pass(ctx, variant + 1, phase="focus")}
    return [Unit(drafts=pool[k].drafts, priority=2) for k in wanted if k in pool]


def knot_units(ctx: Context) -> list[Unit]:
    """Small clockwise circles on each knot or tense spot, one side at a time (seed 000)."""
    lay, out = layout_for(ctx.intake.body), []
    for spot in ctx.intake.spots:
        if spot.kind not in ("knot", "tension"):
            continue
        cx, cy = spot_centre(ctx.intake.body, spot)
        side = "left" if cx < 0 else "right"
        if ctx.half in ("left", "right") and side != ctx.half:
            continue
        r = 1.2
        band = lay.spine_half_width(cy + r) + r + 0.4
        if abs(cx) < band:  # never on the spine: work just beside it
            cx = band if cx >= 0 else -band
        draft = _d(
            ctx,
            "knot",
            "focus",
            "circular_friction",
            ctx.tpl.knot_circles((cx, cy), r),
            f"the {spot.kind} at {_where(spot.zone or lay.zone_at(cx, cy))}",
            direction="clockwise",
            side=side,
            wanted="medium",
            knot=(cx, cy),
            extra_rules=("knots-clockwise",),
            note="Small circles, clockwise as you look at the back; ease off if it hurts.",
        )
        out.append(Unit(drafts=(draft,), priority=2))
    return out


def closing(ctx: Context, with_loop: bool) -> list[Draft]:
    t, wave = ctx.tpl, ctx.intake.style == "breath_wave"
    loop = t.lower_back_loop() if ctx.intake.giver == "self" else t.whole_back_loop()
    down = t.lower_back_down() if ctx.intake.giver == "self" else t.closing_down()
    out = []
    if with_loop:
        out.append(
            _d(
                ctx,
                "close_stroke",
                "close",
                "stroking",
                loop,
                "the whole back",
                direction="up_down" if wave else "up",
                note="The same long strokes you began with.",
            )
        )
    towel = "Then cover them with a towel so the warm muscles do not cool."
    side = _d(
        ctx,
        "close_down",
        "close",
        "stroking",
        t.side_down(),
        "the outer back, top to waist",
        direction="down",
        extra_rules=("closing-light",),
        note=towel,
    )
    if ctx.intake.giver == "self":
        right = _d(
            ctx,
            "close_down",
            "close",
            "stroking",
            t.shoulder_down(),
            "your shoulder, neck to blade",
            direction="down",
            side="right",
            extra_rules=("closing-light",),
            note=towel,
        )
        ends: tuple[Draft, ...] = (right, mirror_draft(right))
    else:
        ends = (side,)
    out.append(
        _d(
            ctx,
            "close_down",
            "close",
            "stroking",
            down,
            "the back, neck to waist",
            direction="down",
            extra_rules=("closing-light",),
            note=towel,
            fallbacks=ends,
        )
    )
    return out


def link_stroke(ctx: Context) -> Draft:
    """Light strokes between two strong techniques (seed 004: stroke a few times after sawing)."""
    loop = ctx.tpl.lower_back_loop() if ctx.intake.giver == "self" else ctx.tpl.whole_back_loop()
    wave = ctx.intake.style == "breath_wave"
    return _d(
        ctx,
        "link_stroke",
        "work",
        "stroking",
        loop,
        "the whole back",
        direction="up_down" if wave else "up",
        note="Soothing strokes before the next technique.",
    )


def mirror_draft(draft: Draft) -> Draft:
    return draft.with_changes(
        side={"right": "left", "left": "right"}.get(draft.side, draft.side)
        if draft.side != "both"
        else "left",
        path=tuple((-x, y) for x, y in draft.path),
        knot=None if draft.knot is None else (-draft.knot[0], draft.knot[1]),
    )


def _where(zone: str | None) -> str:
    return (zone or "the marked place").replace("_", " ")


# -- keeping clear --------------------------------------------------------------------------
