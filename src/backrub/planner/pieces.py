"""The pieces of a massage in the method's order: opening, warm-up, rounds of work, focus, knots,
closing; each a Draft at the pressure this intake allows."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from backrub.geometry import Point
from backrub.intake.model import Intake, Spot
from backrub.intake.places import spot_centre, spot_words
from backrub.intake.screening import Screening
from backrub.knowledge.body import Body
from backrub.knowledge.method import COMFORT_KEYS, METHOD, SELF_BETWEEN, Script, Slot
from backrub.knowledge.techniques import TECHNIQUES, contact_half_width, pressure_rank
from backrub.knowledge.zones import GROUPS, base_name, layout_for
from backrub.planner.templates import PASS_SHIFT_CM, Draft, Templates

TYPE_CHECKING = False  # typing is costly to import at start-up; only the checker needs it
if TYPE_CHECKING:
    from typing import Any


# Never compared, hashed or printed (found by name or held by one owner): no __eq__, __hash__ or
# __repr__ is generated for it, each an exec-compile when `backrub plan` starts.
@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
class Unit:
    """One or more drafts done as a block (e.g. sawing right then left)."""

    drafts: tuple[Draft, ...]
    priority: int = 1  # 2 for what the receiver asked for (focus, knots): trimmed last
    round: int = 0


# Compared and hashed (a cache key) but never printed: no __repr__ is generated (an exec-compile
# when `backrub plan` starts).
@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class Context:
    """What every piece is made for: the intake, its screening, and the half being worked."""

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
        if technique == "arm_rotation" and self.intake.giver in ("self", "robot"):
            return False
        if technique == "skin_rolling" and self.intake.giver == "robot":
            return False  # a probe cannot pick up a fold of skin
        return pressure_rank(TECHNIQUES[technique].lightest) <= pressure_rank(self.cap)

    def pressure(self, technique: str, wanted: str = "firm") -> str:
        tech = TECHNIQUES[technique]
        top = min(self.cap, wanted, tech.pressure_max, key=pressure_rank)
        return max(top, tech.lightest, key=pressure_rank)


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
            note=PLACE_HANDS + " Spread the oil; keep your hands on the back from here to the end.",
            fallbacks=(side, low),
        )
    )
    return out


# Seed 000: before the first stroke, one hand on the lower back, the other between the shoulder blades.
PLACE_HANDS = (
    "First rest one hand on the lower back and the other between the shoulder blades for a breath; "
    "then begin."
)


def script_for(intake: Intake) -> Script:
    """The method's script varied for this intake (knowledge/method.py): a comfort rub keeps seed
    003's shoulders-and-arms rub; a robot cannot roll skin or hold an arm; one's own hands reach
    less, but reaches between the shoulder blades over the shoulder (seed 002); everything else is
    the same script."""
    script = METHOD
    if intake.goal == "comfort_care":
        script = script.only(*COMFORT_KEYS)
    if intake.giver == "robot":
        script = script.without("roll_lumbar", "rotate_arm")
    if intake.giver == "self":
        script = script.without("warm_thumbs", "warm_upper", "rotate_arm", "glide_thumbs")
        script = script.with_slot(SELF_BETWEEN, after="knead_between")
    return script


def _path(ctx: Context, slot: Slot, shift: float) -> tuple[Point, ...]:
    """The path a slot names, for this body, round shift and style."""
    t, wave = ctx.tpl, ctx.intake.style == "breath_wave"
    name = slot.path
    if name == "thumb_glide":
        return t.thumb_glide(wave)
    if name == "spiral_lumbar":
        return t.spiral_lumbar(shift, 0.38)
    if name == "circles_lower" and slot.key == "rub_lower":  # below the kidneys: it is pressed
        return t.circles_lower(shift, 0.26 - 2.4 / t.L)
    if name == "circles_lower":
        return t.circles_lower(shift, 0.38)
    if name in (
        "circles_flank",
        "circles_upper",
        "circles_scapula",
        "knead_mid",
        "saw_lumbar",
        "roll_lumbar",
        "pat_up",
    ):
        return getattr(t, name)(shift)  # type: ignore[no-any-return]
    if name == "circles_paraspinal":
        return t.circles_paraspinal(ctx.intake.giver == "robot")
    if name == "shoulder_arm_circles":
        return t.shoulder_arm_circles(1.5)
    if name == "whole_back_loop" and ctx.intake.giver == "self":
        return t.lower_back_loop()
    return getattr(t, name)()  # type: ignore[no-any-return]


def _slot_units(ctx: Context, slot: Slot, phase: str, shift: float, rnd: int | None) -> Unit | None:
    if not ctx.allowed(slot.technique):
        return None
    wave = ctx.intake.style == "breath_wave" and TECHNIQUES[slot.technique].breath_paced
    draft = _d(
        ctx,
        slot.key,
        phase,
        slot.technique,
        _path(ctx, slot, shift),
        slot.self_area if ctx.intake.giver == "self" and slot.self_area else slot.area,
        direction="up_down" if wave else slot.direction,
        wanted=slot.wanted,
        note=slot.note,
        round=rnd,
        reps=slot.reps,
    )
    if slot.hands == "right_then_left":
        return Unit(drafts=(draft.with_changes(side="right"), mirror_draft(draft.with_changes(side="right"))))
    if slot.hands == "center":
        return Unit(drafts=(draft.with_changes(side="center"),))
    return Unit(drafts=(draft,))


def warm_up(ctx: Context) -> list[Draft]:
    """The script's warm-up: thumbs beside the spine (003), spirals without effort (004), circles (002)."""
    out: list[Draft] = []
    for slot in script_for(ctx.intake).warm_up:
        unit = _slot_units(ctx, slot, "warm_up", 0.0, None)
        if unit is not None:
            out += unit.drafts
    return out


def work_round(ctx: Context, rnd: int, last: bool) -> list[Unit]:
    """One round over the back in the script's order, lower back to shoulders (seeds 004, 003);
    focus areas get a second go right after their slot, at their place in the order."""
    return list(_work_round(ctx, rnd, last))


@lru_cache(maxsize=256)
def _work_round(ctx: Context, rnd: int, last: bool) -> tuple[Unit, ...]:
    shift = PASS_SHIFT_CM[(rnd - 1) % len(PASS_SHIFT_CM)]
    again = PASS_SHIFT_CM[rnd % len(PASS_SHIFT_CM)]
    focus = _focus_groups(ctx.intake)
    units: list[Unit] = []
    for slot in script_for(ctx.intake).work_round:
        if slot.last_round_only and not last:
            continue
        if slot.reps is not None and not (units and units[-1].drafts[-1].strong):
            continue  # an interlude follows the strong work it eases (seed 004); none without it
        unit = _slot_units(ctx, slot, "work", shift, rnd)
        if unit is None:
            continue
        units.append(unit)
        if focus & set(slot.focus):
            extra = _slot_units(ctx, slot, "focus", again, rnd)
            if extra is not None:
                units.append(Unit(drafts=extra.drafts, priority=2))
    return tuple(units)


def _focus_groups(intake: Intake) -> set[str]:
    out: set[str] = set()
    for name in intake.focus:
        if name in GROUPS:
            out.add(name)
        else:
            out.update(g for g, bases in GROUPS.items() if base_name(name) in bases)
    return out


def between_rounds(ctx: Context, rnd: int) -> Unit:
    """The long stroke that carries the hands back to the waist before round `rnd` (seed 000)."""
    slot = script_for(ctx.intake).between_rounds
    unit = _slot_units(ctx, slot, "work", 0.0, rnd)
    assert unit is not None  # light stroking is allowed for everyone
    return unit


def knot_draft(ctx: Context, spot: Spot, rnd: int) -> Draft | None:
    """Small clockwise circles on a knot or tense spot, beside the spine, never on it (seed 000)."""
    lay = layout_for(ctx.intake.body)
    cx, cy = spot_centre(ctx.intake.body, spot)
    side = "left" if cx < 0 else "right"
    if ctx.half in ("left", "right") and side != ctx.half:
        return None
    r = 1.2
    band = lay.spine_half_width(cy + r) + r + contact_half_width("circular_friction") + 0.2
    if abs(cx) < band:  # never on the spine: work just beside it
        cx = band if cx >= 0 else -band
    return _d(
        ctx,
        "knot",
        "focus",
        "circular_friction",
        ctx.tpl.knot_circles((cx, cy), r),
        spot_words(ctx.intake.body, spot),
        direction="clockwise",
        side=side,
        wanted="medium",
        knot=(cx, cy),
        extra_rules=("knots-clockwise",),
        note="Small circles, clockwise as you look at the back; ease off if it hurts.",
        round=rnd,
    )


def knots(ctx: Context) -> list[Spot]:
    return [s for s in ctx.intake.spots if s.kind in ("knot", "tension")]


def closing(ctx: Context, with_loop: bool) -> list[Draft]:
    """The script's closing: the opening's long strokes again, the last ones top to bottom, then a
    towel (seeds 004, 001, 002); beside marked places, the outer back or the shoulders instead."""
    t, wave = ctx.tpl, ctx.intake.style == "breath_wave"
    alone = ctx.intake.giver == "self"
    loop_slot, down_slot = script_for(ctx.intake).closing
    loop = t.lower_back_loop() if alone else t.whole_back_loop()
    down = t.lower_back_down() if alone else t.closing_down()
    out = []
    if with_loop:
        out.append(
            _d(
                ctx,
                loop_slot.key,
                "close",
                "stroking",
                loop,
                loop_slot.self_area if alone else loop_slot.area,
                direction="up_down" if wave else "up",
                note=loop_slot.note,
            )
        )
    towel = TOWEL_SELF if alone else TOWEL
    side = _d(
        ctx,
        "close_down",
        "close",
        "stroking",
        t.side_down(),
        "the outer back, from the shoulder blades down to the waist",
        direction="down",
        extra_rules=("closing-light",),
        note=towel,
    )
    if alone:
        right = _d(
            ctx,
            "close_down",
            "close",
            "stroking",
            t.shoulder_down(),
            "your shoulder, from the neck over the shoulder blade",
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
            down_slot.key,
            "close",
            "stroking",
            down,
            down_slot.self_area if alone else down_slot.area,
            direction="down",
            extra_rules=("closing-light",),
            note=towel,
            fallbacks=ends,
        )
    )
    return out


TOWEL = "Then cover them with a towel so the warm muscles do not cool."
TOWEL_SELF = "Then put on something warm or wrap a towel round you so the warm muscles do not cool."


def link_stroke(ctx: Context) -> Draft:
    """Light strokes between two strong techniques (seed 004: stroke a few times after sawing)."""
    slot = script_for(ctx.intake).between_rounds
    unit = _slot_units(ctx, slot, "work", 0.0, None)
    assert unit is not None  # light stroking is allowed for everyone
    return unit.drafts[0].with_changes(note="Soothing strokes before the next technique.")


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
