"""Properties every plan must have, over thousands of random intakes.

The safety checks go through tests/oracle, written from DESIGN.md and the back
map alone, not through the verifier, so a bug shared by the planner and the
verifier still shows. `BACKRUB_PROPERTY_SCALE=10`
draws ten times as many intakes.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings

from backrub.intake import parse_intake, screen
from backrub.knowledge.screening_table import NO_CONTACT_SPOTS
from backrub.knowledge.techniques import PRESSURES, TECHNIQUES
from backrub.planner import NotPlanned, plan_routine
from backrub.routine import Routine, parse_routine
from backrub.verifier import check_routine
from tests.conftest import property_examples
from tests.oracle import violations
from tests.strategies import intakes

Point = tuple[float, float]


def _plan(raw: dict[str, Any]) -> Routine | NotPlanned:
    try:
        return plan_routine(parse_intake(raw))
    except NotPlanned as no:
        return no


# -- the planner never hands out a routine the verifier rejects ------------------------------

@settings(max_examples=property_examples(500))
@given(intakes())
def test_every_planned_routine_passes_the_verifier_also_after_a_json_round_trip(raw):
    result = _plan(raw)
    if isinstance(result, NotPlanned):
        return
    report = check_routine(result)
    assert report.ok, [f.to_dict() for f in report.errors]
    again = parse_routine(json.loads(json.dumps(result.to_dict())))
    report = check_routine(again)
    assert report.ok, [f.to_dict() for f in report.errors]


@settings(max_examples=property_examples(300))
@given(intakes())
def test_a_refusal_comes_from_screening_or_from_marked_places_and_says_why(raw):
    result = _plan(raw)
    decision = screen(parse_intake(raw)).decision
    if not isinstance(result, NotPlanned):
        assert decision in ("proceed", "adapt")
        return
    assert result.reasons and all(isinstance(r, str) and r.strip() for r in result.reasons)
    if decision in ("refer", "check_first"):
        return
    # Planning may only give up when marked places leave too little safe back to fill the time.
    blocking = [s for s in raw.get("spots", []) if s["kind"] in (*NO_CONTACT_SPOTS, "pain")]
    assert blocking, f"not planned although screening says {decision} and nothing is marked: " \
                     f"{json.dumps(raw)} -> {result.reasons}"


@settings(max_examples=property_examples(300))
@given(intakes())
def test_the_independent_oracle_finds_nothing_in_any_plan(raw):
    """Spine (with the hand's width), marked skin, underarms, kidneys, warm-up, slides, both hands,
    between the points: judged by tests/oracle, which shares no code with the planner or verifier."""
    result = _plan(raw)
    if isinstance(result, NotPlanned):
        return
    found = violations(json.loads(json.dumps(result.to_dict())), raw)
    assert not found, [str(v) for v in found[:5]]


@settings(max_examples=property_examples(400))
@given(intakes())
def test_time_repetitions_and_pressure_keep_to_what_was_asked(raw):
    result = _plan(raw)
    if isinstance(result, NotPlanned):
        return
    intake = parse_intake(raw)
    total = sum(s.seconds for s in result.steps) / 60
    assert abs(total - intake.minutes) <= 0.05 * intake.minutes
    assert abs(result.to_dict()["minutes"] - total) < 0.01
    asked = PRESSURES.index(intake.pressure)
    for step in result.steps:
        if TECHNIQUES[step.technique].massage:
            interlude = step.technique == "stroking" and step.phase == "work" and step.reps in (3, 4)
            assert 5 <= step.reps <= 8 or interlude, step
        assert PRESSURES.index(step.pressure) <= asked, step


@settings(max_examples=property_examples(150))
@given(intakes())
def test_the_same_intake_always_gives_the_same_routine(raw):
    first, second = _plan(json.loads(json.dumps(raw))), _plan(json.loads(json.dumps(raw)))
    if isinstance(first, NotPlanned):
        assert isinstance(second, NotPlanned) and second.reasons == first.reasons
        return
    assert not isinstance(second, NotPlanned)
    assert json.dumps(first.to_dict()) == json.dumps(second.to_dict())
