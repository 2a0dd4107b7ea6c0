"""The live session as pure functions: where the massage stands, and what a message changes.

No I/O here: `live.py` stores what these functions return and sends the replies.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from math import floor
from typing import Any

from backrub.gate import Unverified, replanned
from backrub.intake.model import Intake
from backrub.knowledge.techniques import PRESSURES, is_strong, pressure_rank
from backrub.planner.cues import cue_at_pressure
from backrub.planner.feedback import Feedback, Replanned, adjusted
from backrub.planner.plan import NotPlanned
from backrub.records.clock import Clock
from backrub.routine.model import Routine, Step
from backrub.verifier import stroke_errors
from backrub.web.encode import routine_json

PARTIAL_S = 1.0  # less than this into a step counts as not begun
MIN_DONE_S = 0.1


class Refused(Exception):
    """A message that cannot change the session now (it has ended, nothing safe is left, ...)."""

    def __init__(self, code: str, message: str, details: list[dict[str, Any]] | None = None) -> None:
        self.code = code
        self.message = message
        self.details = details or []
        super().__init__(message)


@dataclass(frozen=True, slots=True, kw_only=True)
class Live:
    """A session's state while it runs: its routine (object and the JSON text sent), its clock."""

    id: str
    routine: Routine
    routine_json: str
    clock: Clock
    ended: bool

    @property
    def intake(self) -> Intake:
        return self.routine.intake or Intake()

    def total_s(self) -> float:
        return sum(s.seconds for s in self.routine.steps)

    def where(self, now: float) -> tuple[int, float, float]:
        """(step index, seconds into it, session seconds); index == len(steps) once finished."""
        elapsed = self.clock.elapsed(now)
        index, offset = step_at([s.seconds for s in self.routine.steps], elapsed)
        return index, offset, elapsed

    def status(self, now: float) -> dict[str, Any]:
        """The session's state as sent to clients (without the routine)."""
        return status_of([s.seconds for s in self.routine.steps], self.clock, self.ended, now)


def status_of(seconds: Sequence[float], clock: Clock, ended: bool, now: float) -> dict[str, Any]:
    """Where a session stands at `now`: step, seconds into it and overall, paused, finished, ended."""
    elapsed = clock.elapsed(now)
    index, offset = step_at(seconds, elapsed)
    return {"step": index, "step_elapsed_s": round(offset, 3), "elapsed_s": round(elapsed, 3),
            "total_s": round(sum(seconds), 1), "paused": not clock.running,
            "finished": index >= len(seconds), "ended": ended}


def step_at(seconds: Sequence[float], elapsed: float) -> tuple[int, float]:
    """The step under a session time and the seconds already spent in it (len, 0 when past the end)."""
    start = 0.0
    for i, length in enumerate(seconds):
        if elapsed < start + length:
            return i, max(elapsed - start, 0.0)
        start += length
    return len(seconds), 0.0


@dataclass(frozen=True, slots=True, kw_only=True)
class Change:
    """A replanned session: the new state, the step it goes on from, and what to tell the giver.

    `tail_from` is the first step that differs from the routine it was replanned from (None when
    not known): a client holding that routine needs only the steps from there on (fanout.tail_text).
    """

    live: Live
    from_step: int
    message: str
    tail_from: int | None = None


def adapt(live: Live, feedback: Feedback, now: float) -> Change:
    """Replan the rest of the session from now for this feedback, and verify it before use.

    The step under way, when begun, is kept as done for the time it had (so the end time
    holds), and the new steps start now; 'skip' always leaves the current step behind.
    """
    if live.ended:
        raise Refused("ended", "This session has ended.")
    index, offset, _ = live.where(now)
    steps = live.routine.steps
    if index >= len(steps):
        raise Refused("finished", "The massage is over; nothing is left to change.")
    if feedback.kind in ("softer", "firmer"):
        return _keep_stroke(live, feedback, index)
    routine, from_step = live.routine, index
    if offset >= PARTIAL_S or feedback.kind == "skip":
        step = steps[index]
        done_s = round(max(offset, MIN_DONE_S), 1)
        reps = max(1, min(step.reps, floor(done_s / step.rep_seconds + 0.5))) if step.rep_seconds else 1
        routine = replace(routine, steps=(*steps[:index], step.with_changes(seconds=done_s, reps=reps),
                                          *steps[index + 1:]))
        from_step = index + 1
    try:
        new = replanned(routine, from_step, feedback)  # the one gate: replan, device pass, verify
    except Unverified as bad:
        raise Refused("unsafe", "The replanned steps did not pass the safety check, so the plan stays "
                                "as it was. Stay off any place that hurts.",
                      [f.to_dict() for f in bad.report.errors]) from None
    except NotPlanned as no:
        raise Refused("not_planned", " ".join(no.reasons)) from None
    started = sum(s.seconds for s in new.routine.steps[:from_step])
    clock = live.clock.set(now, started, live.clock.running)
    text = routine_json(new.routine)
    return Change(live=replace(live, routine=new.routine, routine_json=text, clock=clock),
                  from_step=from_step, message=new.message, tail_from=first_changed(steps, new.routine.steps))


def _keep_stroke(live: Live, feedback: Feedback, index: int) -> Change:
    """Softer/firmer: the stroke under the hands goes on at the new pressure for the time it has
    left (the clock does not move); only the steps after it are replanned, behind it."""
    steps = live.routine.steps
    step = steps[index]
    rank = pressure_rank(step.pressure) + (1 if feedback.kind == "firmer" else -1)
    wanted = PRESSURES[rank] if 0 <= rank < len(PRESSURES) else None
    intake = adjusted(live.intake, feedback)[0]  # what the replan plans for and is verified against
    if wanted and pressure_rank(wanted) > pressure_rank(intake.pressure):
        wanted = None  # past what the receiver asked for or the screening allows: no plan to try
    refused: Unverified | None = None
    for pressure in (wanted, None) if wanted else (None,):
        now_step = step if pressure is None else step.with_changes(
            pressure=pressure, cue=cue_at_pressure(step.cue, step.pressure, pressure, step.technique))
        routine = replace(live.routine, steps=(*steps[:index], now_step, *steps[index + 1:]))
        if pressure and _refused_anyway(routine, index, intake, step, pressure):
            continue  # the same as replanning it and being refused: go on to the unchanged stroke
        try:
            # A changed stroke under the hands is checked too; an unchanged one passed before.
            new = replanned(routine, index + 1, feedback, verify_from=index if pressure else index + 1)
        except Unverified as bad:
            refused = bad
            continue
        except NotPlanned as no:
            raise Refused("not_planned", " ".join(no.reasons)) from None
        if pressure and pressure_rank(pressure) > pressure_rank(new.intake.pressure):
            continue  # never firmer than the receiver asked for or the screening allows
        text = routine_json(new.routine)
        return Change(live=replace(live, routine=new.routine, routine_json=text), from_step=index,
                      message=_stroke_message(step.pressure, pressure, feedback.kind, new),
                      tail_from=first_changed(steps, new.routine.steps))
    raise Refused("unsafe", "The replanned steps did not pass the safety check, so the plan stays as it was.",
                  [f.to_dict() for f in refused.report.errors] if refused else [])


def _refused_anyway(routine: Routine, index: int, intake: Intake, step: Step, pressure: str) -> bool:
    """Whether replanning behind the stroke changed to `pressure` is sure to end as Unverified, so
    the loop in _keep_stroke may go straight on to the unchanged stroke with the same outcome.

    Both tries plan the rest from the same steps done; of the stroke under the hands the planner
    reads its pressure only through is_strong (plan.py `_staged`: no two strong techniques back
    to back). When that agrees, both tries plan the very same rest, or both get NotPlanned
    (refused the same way whichever raised it). The changed stroke's own errors under the checks
    that read no later step (verifier.stroke_errors) then refuse its try whatever the rest is.
    tests/web/test_keep_stroke_skip.py holds both claims against the planner and verifier.
    """
    if is_strong(step.technique, pressure) != is_strong(step.technique, step.pressure):
        return False
    return bool(stroke_errors(routine, intake, index))


def first_changed(old: Sequence[Step], new: Sequence[Step]) -> int:
    """The first index where `new` differs from `old` (the shorter one's length when one is the
    other's start). The steps kept by a replan are the same objects, so `is` settles most at once."""
    n = min(len(old), len(new))
    i = 0
    while i < n and (old[i] is new[i] or old[i] == new[i]):
        i += 1
    return i


def _stroke_message(before: str, now: str | None, kind: str, new: Replanned) -> str:
    if now:
        return f"{new.message} This stroke goes on at {now} pressure."
    if kind == "softer" and before == "light":
        if new.message.startswith("Already"):
            return new.message
        return f"{new.message} This stroke is already light: keep it slow and gentle."
    return f"{new.message} This stroke stays at {before} pressure."


def paused(live: Live, now: float, at_s: float | None = None) -> Live:
    """Stop the clock (at `at_s`, when the giver paused before the message got through)."""
    if live.ended:
        raise Refused("ended", "This session has ended.")
    elapsed = live.clock.elapsed(now)
    stop = elapsed if at_s is None else min(max(at_s, 0.0), elapsed)
    return replace(live, clock=live.clock.set(now, stop, False))


def resumed(live: Live, now: float) -> Live:
    if live.ended:
        raise Refused("ended", "This session has ended.")
    return replace(live, clock=live.clock.set(now, live.clock.elapsed(now), True))


def ended(live: Live, now: float) -> Live:
    return replace(live, clock=live.clock.set(now, live.clock.elapsed(now), False), ended=True)
