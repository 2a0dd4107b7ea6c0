"""Re-timing the rest of a routine to the receiver's breathing as it is now (issue 13).

A breath sensor may find the receiver breathing slower than the rate counted at intake (a
relaxing receiver slows within minutes). The steps still to come keep their order, places,
pressures and paths; only time changes: each breath-paced stroke takes the same whole number of
breaths at the new rate (more when the hands would otherwise go too fast), and the session keeps
its end time by adding or dropping repetitions of paced strokes (5 to 8 each, seed 004) and by
stretching or shortening the free-running strokes within their speed range.

Pure and quick (no verifier inside): the caller verifies the result before it is used.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace

from backrub.geometry import length
from backrub.intake.model import BREATHS_RANGE, Intake
from backrub.knowledge.techniques import TECHNIQUES
from backrub.planner.timing import Tempo, reps_bounds
from backrub.routine.model import Routine, Step
from backrub.verifier.method import TOLERANCE

__all__ = ["ROUNDING_S", "NotRetimed", "retime"]

# The end may be as far from the minutes asked for as the verifier allows (5 %), less what writing
# each re-timed step's seconds to the millisecond can add. A wider margin refused sessions that
# are already at their shortest and only just fit (the 30-minute example slowing from 14 to 11.2
# breaths a minute ends 4.93 % late).
ROUNDING_S = 0.0005


class NotRetimed(ValueError):
    """The remaining steps cannot follow this breath and still end on time; keep the old timing."""


def retime(routine: Routine, from_step: int, breaths_per_minute: float) -> Routine:
    """The routine with steps from `from_step` on timed to `breaths_per_minute`, never re-ordered.

    The intake it carries gets the new rate (so the verifier judges the tempo against it); the
    steps before `from_step` are left exactly as they were. Raises ValueError for a rate outside
    the intake's range or a step index out of range, and NotRetimed when the session would then
    end more than the verifier's 5 % away from the minutes asked for.
    """
    lo, hi = BREATHS_RANGE
    if not (math.isfinite(breaths_per_minute) and lo <= breaths_per_minute <= hi):
        raise ValueError(f"breaths_per_minute: expected {lo:g} to {hi:g} (got {breaths_per_minute!r})")
    if not 0 <= from_step <= len(routine.steps):
        raise ValueError(f"from_step: expected 0 to {len(routine.steps)} (got {from_step})")
    old_intake = routine.intake or Intake()
    rate = round(breaths_per_minute, 1)
    intake = replace(old_intake, breaths_per_minute=rate)
    old = Tempo(breaths_per_minute=old_intake.breaths_per_minute, goal=intake.goal, giver=intake.giver)
    new = Tempo(breaths_per_minute=rate, goal=intake.goal, giver=intake.giver)
    rest = routine.steps[from_step:]
    target = sum(s.seconds for s in rest)
    # First keep each stroke's breaths (its cue stays true); when that cannot keep the end time,
    # take the whole number of new breaths closest to each stroke's old length instead.
    done = sum(s.seconds for s in routine.steps[:from_step])
    asked = old_intake.minutes * 60.0
    allowed = TOLERANCE * asked - ROUNDING_S * len(rest)

    def miss(reps: list[int], each: list[float]) -> float:  # from the time asked for, whole session
        return abs(done + sum(r * e for r, e in zip(reps, each, strict=True)) - asked)

    best: tuple[list[int], list[float]] | None = None
    for keep in (True, False):
        reps, each = _attempt(rest, old, new, keep, target)
        if best is None or miss(reps, each) < miss(*best) - 1e-9:
            best = reps, each
        if miss(*best) <= allowed:
            break
    assert best is not None
    if miss(*best) > allowed:
        raise NotRetimed(f"at {rate:g} breaths a minute the remaining steps cannot keep the end time")
    steps: list[Step] = list(routine.steps[:from_step])
    for step, r, e in zip(rest, best[0], best[1], strict=True):
        if r == step.reps and abs(r * e - step.seconds) < 0.05:  # as written (to 0.1 s)
            steps.append(step)
            continue
        paced = TECHNIQUES[step.technique].breath_paced
        cue = _TIMING.sub(_timing(r, r * e, e / new.breath_seconds if paced else None), step.cue, count=1)
        steps.append(step.with_changes(reps=r, seconds=round(r * e, 3), cue=cue))
    return replace(routine, steps=tuple(steps), intake=intake, minutes=None)


def _attempt(rest: tuple[Step, ...], old: Tempo, new: Tempo, keep: bool, target: float
             ) -> tuple[list[int], list[float]]:
    """Reps and seconds per repetition for the remaining steps at the new tempo."""
    reps: list[int] = []
    each: list[float] = []  # seconds per repetition
    spans: list[tuple[float, float]] = []  # the quickest and slowest repetition allowed
    paced: list[bool] = []
    for step in rest:
        tech = TECHNIQUES[step.technique]
        low_v, high_v = new.speed_range(step.technique)
        span = max(length(step.path), 1.0)
        reps.append(step.reps)
        paced.append(tech.breath_paced)
        if tech.breath_paced:
            unit = new.breath_unit
            breaths = round(step.rep_seconds / (old.breath_unit if keep else unit))
            breaths = max(1, breaths, math.ceil(span / (high_v * unit) - 1e-9))  # hands not too fast
            each.append(breaths * unit)
            spans.append((breaths * unit, breaths * unit))
        else:
            quick, slow = span / high_v, span / low_v
            each.append(step.rep_seconds)
            spans.append((min(quick, step.rep_seconds), max(slow, step.rep_seconds)))
    _fill_with_reps(reps, each, paced, rest, target)
    _fill_with_speed(reps, each, spans, paced, target)
    return reps, each


# The timing sentence of a cue ("6 times, one stroke per breath (30 s).").
_TIMING = re.compile(r"\d+ times, (?:one stroke per breath|two strokes per breath"
                     r"|one stroke every [\d.]+ breaths|about \d+ s each) \(\d+ s\)\.")


def _timing(reps: int, seconds: float, breaths: float | None) -> str:
    if breaths is None:
        return f"{reps} times, about {seconds / reps:.0f} s each ({seconds:.0f} s)."
    if abs(breaths - 1) < 0.05:
        pace = "one stroke per breath"
    elif abs(breaths - 0.5) < 0.05:
        pace = "two strokes per breath"
    else:
        pace = f"one stroke every {round(breaths, 1):g} breaths"
    return f"{reps} times, {pace} ({seconds:.0f} s)."


def _fill_with_reps(reps: list[int], each: list[float], paced: list[bool], steps: tuple[Step, ...],
                    target: float) -> None:
    """Add or drop repetitions of paced strokes, one at a time, while that brings the end closer."""
    total = sum(r * e for r, e in zip(reps, each, strict=True))
    while True:
        best, best_gap = -1, abs(target - total)
        for i, is_paced in enumerate(paced):
            if not is_paced:
                continue
            low, high = reps_bounds(steps[i].technique)
            move = 1 if total < target else -1
            if not low <= reps[i] + move <= high:
                continue
            gap = abs(target - (total + move * each[i]))
            if gap < best_gap - 1e-9:
                best, best_gap = i, gap
        if best < 0:
            return
        move = 1 if total < target else -1
        reps[best] += move
        total += move * each[best]


def _fill_with_speed(reps: list[int], each: list[float], spans: list[tuple[float, float]],
                     paced: list[bool], target: float) -> None:
    """Stretch or shorten the free-running strokes, each by the same share of its range."""
    total = sum(r * e for r, e in zip(reps, each, strict=True))
    free = [i for i, p in enumerate(paced) if not p]
    if not free or abs(total - target) < 1e-9:
        return
    room = sum(reps[i] * ((spans[i][1] if total < target else spans[i][0]) - each[i]) for i in free)
    if room == 0:
        return
    share = max(0.0, min(1.0, (target - total) / room))
    for i in free:
        edge = spans[i][1] if total < target else spans[i][0]
        each[i] += share * (edge - each[i])
