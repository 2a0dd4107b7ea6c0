"""Live changes: 'softer', 'firmer', 'pain here' and 'skip' replan the rest of a session."""

from __future__ import annotations

from dataclasses import dataclass

from backrub.errors import InputError, Problem
from backrub.intake.model import Intake, parse_intake
from backrub.intake.screening import screen
from backrub.knowledge.techniques import PRESSURES, TECHNIQUES, pressure_rank
from backrub.knowledge.zones import zones_on_path
from backrub.planner.advice import notes_for
from backrub.planner.plan import NotPlanned, Start, plan_steps
from backrub.planner.templates import Draft
from backrub.routine.model import Routine, Step

FEEDBACK_KINDS = ("softer", "firmer", "pain", "skip")


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
    new_intake, message = _adjusted(intake, feedback)
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


def _adjusted(intake: Intake, feedback: Feedback | None) -> tuple[Intake, str]:
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
        raw = intake.to_dict()
        raw["spots"] = [
            *raw["spots"],
            {"kind": "pain", "at": {"x_cm": feedback.at[0], "y_cm": feedback.at[1]}},
        ]
        try:
            changed = parse_intake(raw)
        except InputError as err:  # the only new thing is the point: report it as 'at'
            raise InputError([Problem(path="at", message=p.message) for p in err.problems]) from None
        return changed, "That place is left out for the rest of the session."
    raise InputError([Problem(path="kind", message=f"expected one of {', '.join(FEEDBACK_KINDS)}")])


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
