"""Live changes: 'softer', 'firmer', 'pain here' and 'skip' replan the rest of a session."""

from __future__ import annotations

import math
from dataclasses import dataclass

from backrub.errors import InputError, Problem
from backrub.intake.model import MAX_SPOTS, Intake, Spot, parse_intake
from backrub.intake.screening import screen
from backrub.knowledge.screening_table import DEFAULT_SPOT_RADIUS_CM
from backrub.knowledge.techniques import PRESSURES, TECHNIQUES, pressure_rank
from backrub.knowledge.zones import zones_on_path
from backrub.planner.advice import notes_for
from backrub.planner.plan import NotPlanned, Start, plan_steps
from backrub.planner.templates import Draft
from backrub.routine.model import Routine, Step

FEEDBACK_KINDS = ("softer", "firmer", "pain", "skip")
# "Pain here" places a session may hold: each is a place the rest of the plan routes around, and
# replanning costs grow with them; overlapping reports merge into one circle first (up to MERGED_CM).
MAX_PAIN_PLACES = 12
MERGED_CM = 8.0
TOO_MANY = ("Pain in this many places ({n}) is a reason to stop: finish with light strokes and a towel, "
            "and ask a professional about it before the next massage.")


@dataclass(frozen=True, slots=True, kw_only=True)
class Feedback:
    kind: str
    at: tuple[float, float] | None = None  # where it hurts, for 'pain'


@dataclass(frozen=True, slots=True, kw_only=True)
class Replanned:
    """The whole routine again: the steps done, then the new rest from `from_step`."""

    routine: Routine
    intake: Intake
    from_step: int
    message: str


def replan(routine: Routine, from_step: int, feedback: Feedback | None = None) -> Replanned:
    """Keep steps before `from_step` as done; plan the rest for the changed intake."""
    intake = routine.intake or Intake()
    if not 0 <= from_step <= len(routine.steps):
        raise InputError(
            [Problem(path="from_step", message=f"expected 0 to {len(routine.steps)} (got {from_step})")]
        )
    new_intake, message = adjusted(intake, feedback)
    screening = screen(new_intake)
    done = routine.steps[:from_step]
    if from_step == len(routine.steps):
        return Replanned(
            routine=Routine(steps=done, screening=screening, intake=new_intake),
            intake=new_intake,
            from_step=from_step,
            message=message or "The massage is over.",
        )
    rest_s = max(new_intake.minutes * 60.0 - sum(s.seconds for s in done), 0.0)
    rest = plan_steps(new_intake, screening, rest_s, _start_after(new_intake, done), lenient=True)
    if rest is None:
        raise NotPlanned(screening, ["Nothing safe is left to do; finish with a towel over the back."])
    return Replanned(
        routine=Routine(
            steps=done + rest,
            screening=screening,
            intake=new_intake,
            preparation=routine.preparation,
            notes=notes_for(new_intake, done + rest),
            advice=routine.advice,
        ),
        intake=new_intake,
        from_step=from_step,
        message=message,
    )


def adjusted(intake: Intake, feedback: Feedback | None) -> tuple[Intake, str]:
    """The intake a replan plans for after this feedback, and what to tell the giver."""
    if feedback is None or feedback.kind == "skip":
        return intake, "Skipped; the rest of the massage is replanned to the same end time."
    rank = pressure_rank(intake.pressure)
    if feedback.kind == "softer":
        if rank == 0:
            return intake, "Already as light as it goes: keep the touch light and slow."
        lower = PRESSURES[rank - 1]
        return intake.with_changes(pressure=lower), f"Softer: {lower} pressure from here on."
    if feedback.kind == "firmer":
        cap = screen(intake).pressure_cap
        if rank == len(PRESSURES) - 1:
            return intake, "Already at firm, the firmest the method uses."
        higher = PRESSURES[rank + 1]
        if pressure_rank(higher) > pressure_rank(cap):
            return intake, f"Pressure stays {intake.pressure}: the screening allows {cap} at most."
        return intake.with_changes(pressure=higher), f"Firmer: up to {higher} pressure where it is warmed up."
    if feedback.kind == "pain":
        if feedback.at is None:
            raise InputError([Problem(path="at", message="say where it hurts: {x_cm, y_cm}")])
        spots, merged = with_pain_at(intake.spots, feedback.at)
        places = sum(1 for s in spots if s.kind == "pain" and s.at is not None)
        if places > MAX_PAIN_PLACES or len(spots) > MAX_SPOTS:
            raise NotPlanned(screen(intake), [TOO_MANY.format(n=places)])
        raw = intake.to_dict()
        raw["spots"] = [s.to_dict() for s in spots]
        try:
            changed = parse_intake(raw)
        except InputError as err:  # the only new thing is the point: report it as 'at'
            raise InputError([Problem(path="at", message=p.message) for p in err.problems]) from None
        if merged:
            return changed, "That place joins the one already left out, a little wider, for the rest."
        return changed, "That place is left out for the rest of the session."
    raise InputError([Problem(path="kind", message=f"expected one of {', '.join(FEEDBACK_KINDS)}")])


def with_pain_at(spots: tuple[Spot, ...], at: tuple[float, float]) -> tuple[tuple[Spot, ...], bool]:
    """The spots with a pain place at `at` added, merged with every pain place it overlaps into the
    smallest circle holding them all (while that stays within MERGED_CM): a giver reporting the same
    sore place again and again does not multiply the places the rest of the plan routes around."""
    new = Spot(kind="pain", at=at, radius_cm=DEFAULT_SPOT_RADIUS_CM)
    kept = list(spots)
    merged = True
    while merged:  # a wider circle may reach places the first did not
        merged = False
        for spot in kept:
            joined = _covering(new, spot) if spot.kind == "pain" and spot.at is not None else None
            if joined is not None:
                kept.remove(spot)
                new, merged = joined, True
                break
    return (*kept, new), len(kept) < len(spots)


def _covering(a: Spot, b: Spot) -> Spot | None:
    """The smallest circle holding two overlapping circles, or None when they are apart or it is wide."""
    assert a.at is not None and b.at is not None
    (ax, ay), (bx, by) = a.at, b.at
    d = math.hypot(bx - ax, by - ay)
    if d > a.radius_cm + b.radius_cm:
        return None
    if d + b.radius_cm <= a.radius_cm:
        return a
    if d + a.radius_cm <= b.radius_cm:
        return b
    radius = (d + a.radius_cm + b.radius_cm) / 2
    if radius > MERGED_CM:
        return None
    t = (radius - a.radius_cm) / d  # from a's centre toward b's
    at = (round(ax + (bx - ax) * t, 2), round(ay + (by - ay) * t, 2))
    # Rounded to what a routine's JSON keeps: the margin makes up for the centre's rounding.
    return Spot(kind="pain", at=at, radius_cm=round(radius + 0.02, 2))


def _start_after(intake: Intake, done: tuple[Step, ...]) -> Start:
    """What the steps already done leave behind: opened? warmed where? which half?"""
    halves_done = 0
    current = done
    if intake.position == "side_lying":
        second = [s for s in done if s.side == "left"]
        if second:
            halves_done = 1
            current = tuple(done[done.index(second[0]) :])
    warmed: set[str] = set()
    for s in current:
        if TECHNIQUES[s.technique].warms_up:
            warmed.update(zones_on_path(intake.body, s.path, s.side == "both"))
    last = None
    if done:
        s = done[-1]
        last = Draft(
            key="done",
            phase=s.phase,
            technique=s.technique,
            side=s.side,
            direction=s.direction,
            pressure=s.pressure,
            path=s.path,
            area="",
        )
    opened = any(TECHNIQUES[s.technique].massage for s in current)
    return Start(opened=opened, warmed=frozenset(warmed), last=last, halves_done=halves_done)
