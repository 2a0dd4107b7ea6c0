"""Softer/firmer go straight to the unchanged stroke when the changed one is sure to be refused
(web/session.py `_refused_anyway`): the answers are the very ones of trying it first.

Three claims, each against an oracle that does not share the shortcut:
- the answers (routine JSON, message, steps, refusal and its findings) equal those of the loop that
  always replans the changed stroke first (a copy of it here);
- the planner plans the same rest behind a stroke whose pressure changed but not its strength;
- verifier.stroke_errors names only errors the whole check finds, whatever follows the step.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from backrub.gate import Unverified, planned, replanned
from backrub.intake import parse_intake
from backrub.intake.model import Intake
from backrub.knowledge.techniques import PRESSURES, is_strong, pressure_rank
from backrub.planner import Feedback, NotPlanned
from backrub.planner.cues import cue_at_pressure
from backrub.planner.feedback import adjusted, replan
from backrub.routine.model import Routine, Step
from backrub.verifier import check_routine, stroke_errors
from backrub.web.encode import routine_json
from backrub.web.session import Live, Refused, adapt
from backrub.web.store import Clock

ROOT = Path(__file__).resolve().parents[2]
INTAKES = ["examples/intake.json", "tests/scenarios/wound_on_shoulder_blade.json",
           "tests/scenarios/long_hour_firm_big_body.json", "tests/scenarios/side_lying_breath_wave.json"]
# The two long sessions (an hour; side-lying, two halves) take a few seconds each: run with the slow ones.
CASES = [*INTAKES[:2], *(pytest.param(name, marks=pytest.mark.slow) for name in INTAKES[2:])]


def intake_of(name: str) -> dict[str, Any]:
    raw = json.loads((ROOT / name).read_text())
    return dict(raw.get("intake", raw))


def changed(step: Step, pressure: str) -> Step:
    cue = cue_at_pressure(step.cue, step.pressure, pressure, step.technique)
    return step.with_changes(pressure=pressure, cue=cue)


def wanted(live: Live, index: int, kind: str) -> str | None:
    step = live.routine.steps[index]
    rank = pressure_rank(step.pressure) + (1 if kind == "firmer" else -1)
    want = PRESSURES[rank] if 0 <= rank < len(PRESSURES) else None
    cap = adjusted(live.intake, Feedback(kind=kind))[0].pressure
    return None if want is None or pressure_rank(want) > pressure_rank(cap) else want


def answer_tried_first(live: Live, feedback: Feedback, index: int) -> tuple[Any, ...]:
    """The stroke-keeping answer as it was before the shortcut: replan the changed stroke first,
    the unchanged one when that is refused. Only what a client sees: (text, message, from, tail)."""
    steps = live.routine.steps
    step = steps[index]
    want = wanted(live, index, feedback.kind)
    refused: Unverified | None = None
    for pressure in (want, None) if want else (None,):
        now_step = step if pressure is None else changed(step, pressure)
        routine = replace(live.routine, steps=(*steps[:index], now_step, *steps[index + 1:]))
        try:
            new = replanned(routine, index + 1, feedback, verify_from=index if pressure else index + 1)
        except Unverified as bad:
            refused = bad
            continue
        except NotPlanned as no:
            return ("refused", "not_planned", " ".join(no.reasons), [])
        return (routine_json(new.routine), new.message, pressure)
    return ("refused", "unsafe", [f.to_dict() for f in refused.report.errors] if refused else [])


def session_of(name: str) -> Live:
    routine = planned(parse_intake(intake_of(name)))
    return Live(id="x" * 32, routine=routine, routine_json=routine_json(routine),
                clock=Clock(wall=0.0, at_s=0.0, running=True), ended=False)


@pytest.mark.parametrize("name", CASES)
def test_softer_and_firmer_answer_as_when_the_changed_stroke_was_always_tried_first(name: str) -> None:
    live = session_of(name)
    start, shortcut_taken, changed_kept = 0.0, 0, 0
    for index, step in enumerate(live.routine.steps):
        now = start + step.seconds / 2
        start += step.seconds
        for kind in ("softer", "firmer"):
            feedback = Feedback(kind=kind)
            expected = answer_tried_first(live, feedback, index)
            try:
                change = adapt(live, feedback, now)
            except Refused as no:
                if no.code == "not_planned":
                    assert expected == ("refused", no.code, no.message, [])
                else:
                    assert expected == ("refused", no.code, no.details)
                continue
            text, message, pressure = expected
            assert change.live.routine_json == text
            assert change.live.routine.steps[index].pressure == (pressure or step.pressure)
            assert message in change.message
            assert change.from_step == index
            want = wanted(live, index, kind)
            shortcut_taken += want is not None and pressure is None
            changed_kept += pressure is not None
    # Both ways out are walked: strokes refused at the new pressure, and strokes going on at it.
    assert changed_kept > 0
    if name == INTAKES[0]:
        assert shortcut_taken > 0


def rest_of(routine: Routine, index: int, feedback: Feedback) -> tuple[Step, ...] | list[str]:
    try:
        return replan(routine, index + 1, feedback).routine.steps[index + 1:]
    except NotPlanned as no:
        return no.reasons


@pytest.mark.parametrize("name", INTAKES[:2])
def test_the_planner_plans_the_same_rest_behind_a_stroke_of_the_same_strength(name: str) -> None:
    """What _refused_anyway rests on: of the stroke under the hands the planner reads the pressure
    only through is_strong. Both ways: same strength, same rest; other strength, some rest differs."""
    live = session_of(name)
    steps = live.routine.steps
    same = differs = 0
    for index, step in enumerate(steps):
        for kind in ("softer", "firmer"):
            want = wanted(live, index, kind)
            if want is None:
                continue
            feedback = Feedback(kind=kind)
            kept = rest_of(live.routine, index, feedback)
            other = replace(live.routine, steps=(*steps[:index], changed(step, want), *steps[index + 1:]))
            moved = rest_of(other, index, feedback)
            if is_strong(step.technique, want) == is_strong(step.technique, step.pressure):
                assert moved == kept, f"steps[{index}] {step.technique} {step.pressure} -> {want}"
                same += 1
            else:
                differs += moved != kept
    assert same > 10
    if name == INTAKES[0]:
        assert differs > 0  # the strength does change the plan: the test would see it read more


def with_tail(routine: Routine, index: int, tail: tuple[Step, ...]) -> Routine:
    return replace(routine, steps=(*routine.steps[: index + 1], *tail))


@pytest.mark.parametrize("name", CASES)
def test_stroke_errors_are_found_by_the_whole_check_whatever_follows(name: str) -> None:
    """Every error stroke_errors names at steps[i] is in check_routine's report for the routine with
    any rest behind step i: its own, none, another routine's, its own backwards (a closing stroke
    that goes up, strong work next to strong work)."""
    routine = planned(parse_intake(intake_of(name)))
    intake = routine.intake or Intake()
    other = planned(parse_intake({"minutes": 20, "pressure": "firm", "focus": ["lower_back"]}))
    steps = routine.steps
    named = 0
    for index, step in enumerate(steps):
        for pressure in PRESSURES:
            probe = replace(routine, steps=(*steps[:index], changed(step, pressure), *steps[index + 1:]))
            found = stroke_errors(probe, intake, index)
            if not found:
                continue
            named += len(found)
            rest = probe.steps[index + 1:]
            upward = tuple(s.with_changes(direction="up") for s in rest)
            for tail in (rest, (), other.steps[1:], rest[::-1], upward):
                report = check_routine(with_tail(probe, index, tail), intake)
                for finding in found:
                    assert finding in report.errors, (index, pressure, finding)
    assert named > 0
