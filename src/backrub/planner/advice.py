"""What goes round the steps: preparation before the first stroke, notes on what the plan left out
or changed and why, and advice for afterwards (seeds 000-004)."""

from __future__ import annotations

import math

from backrub.geometry import Circle, Shape
from backrub.intake.model import Intake
from backrub.intake.places import no_touch_areas, spot_centre, spot_words
from backrub.knowledge.method import PREPARATION
from backrub.knowledge.zones import GROUPS, base_name
from backrub.routine.model import Note, Preparation, Step


def preparation_for(intake: Intake) -> tuple[Preparation, ...]:
    """The preparation list for this giver and position (DESIGN.md Additions: `preparation`)."""
    return tuple(
        Preparation(item=p.item, why=p.why, source=p.source)
        for p in PREPARATION
        if intake.giver in p.givers and intake.position in p.positions and intake.goal in p.goals
    )


def advice_for(intake: Intake) -> tuple[str, ...]:
    """How often to repeat (seed 002), covering up afterwards (seed 004), what to watch for."""
    alone = intake.giver == "self"
    if intake.goal == "comfort_care":
        often = (
            "Repeat the comfort rub on the care plan's schedule (every few hours for someone who stays "
            "in bed), each time with the skin check first."
        )
    else:
        often = (
            "Repeat once a week, or once a month, as the back needs it (seed 002); more often is not "
            "better when it is sore the next day."
        )
    after = (
        "Afterwards keep yourself covered and warm for a while, and drink a glass of water."
        if alone
        else "Afterwards leave them covered with the towel for a few quiet minutes (seed 004), and offer "
        "a glass of water."
    )
    watch = (
        "Watch for pain that stays, skin that stays red, bruises, or dizziness; if any appears, stop and "
        "ask a clinician before the next massage. This is comfort care, not medical treatment."
    )
    return (often, after, watch)


def notes_for(intake: Intake, steps: tuple[Step, ...]) -> tuple[Note, ...]:
    """Every knot or tense spot without its circles, and every focus area without its extra time,
    with the reason (seed 000: knots get small clockwise circles)."""
    out: list[Note] = []
    areas = [a for a in no_touch_areas(intake) if not a.light_ok or a.rule == "pain-spot"]
    for spot in intake.spots:
        if spot.kind not in ("knot", "tension"):
            continue
        centre = spot_centre(intake.body, spot)
        if any(s.direction == "clockwise" and _near(s, centre) for s in steps):
            continue
        blocking = [a for a in areas if _gap(a.shape, centre) < 4.0]
        if blocking:
            why = f"it lies next to {blocking[0].words}, which is left alone"
        else:
            why = f"{intake.minutes:g} minutes left no time for it; give it more minutes next time"
        out.append(
            Note(code="knot_left_out", message=f"No circles on {spot_words(intake.body, spot)}: {why}.")
        )
    worked = {base_name(z) for s in steps if s.phase == "focus" for z in s.zones}
    for name in intake.focus:
        group = name if name in GROUPS else next((g for g, b in GROUPS.items() if base_name(name) in b), "")
        if group and not worked & set(GROUPS[group]):
            out.append(
                Note(
                    code="focus_shortened",
                    message=f"No extra time on the {group.replace('_', ' ')} as asked: the marked places or "
                    f"the {intake.minutes:g} minutes left no room for it.",
                )
            )
    return tuple(out)


def _near(step: Step, centre: tuple[float, float]) -> bool:
    xs, ys = zip(*step.path, strict=True)
    return math.dist((sum(xs) / len(xs), sum(ys) / len(ys)), centre) <= 4.0


def _gap(shape: Shape, point: tuple[float, float]) -> float:
    """Distance from a point to a no-touch shape's edge (negative inside a circle)."""
    if isinstance(shape, Circle):
        return math.dist((shape.cx, shape.cy), point) - shape.r
    dx = max(shape.x0 - point[0], 0.0, point[0] - shape.x1)
    dy = max(shape.y0 - point[1], 0.0, point[1] - shape.y1)
    return math.hypot(dx, dy)
