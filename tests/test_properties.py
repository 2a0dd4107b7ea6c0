"""Properties every plan must have, over thousands of random intakes.

The safety checks here are written from the back map alone (knowledge.zones
and the spot margins of DESIGN.md), not through the verifier, so a bug shared
by the planner and the verifier still shows. `BACKRUB_PROPERTY_SCALE=10`
draws ten times as many intakes.
"""

from __future__ import annotations

import json
import math
from typing import Any

from hypothesis import given, settings

from backrub.intake import parse_intake, screen
from backrub.knowledge.body import Body
from backrub.knowledge.screening_table import NO_CONTACT_SPOTS, SPOT_MARGIN_CM
from backrub.knowledge.techniques import PRESSURES, TECHNIQUES
from backrub.knowledge.zones import zone_at
from backrub.planner import NotPlanned, plan_routine
from backrub.routine import Routine, parse_routine
from backrub.verifier import check_routine
from tests.conftest import property_examples
from tests.strategies import intakes

Point = tuple[float, float]


def _plan(raw: dict[str, Any]) -> Routine | NotPlanned:
    try:
        return plan_routine(parse_intake(raw))
    except NotPlanned as no:
        return no


def _spine_band(body: Body, y: float) -> float:
    # DESIGN.md: about 1.5 cm either side of the midline, wider (2.5 cm) at the neck.
    return 2.5 if y >= 0.9 * body.back_length_cm else 1.5


def _hand_paths(routine: Routine) -> list[tuple[int, str, tuple[Point, ...], str]]:
    """(step index, what, points, pressure) for every hand path and every slide between steps."""
    out = []
    steps = routine.steps
    for i, step in enumerate(steps):
        out.append((i, "path", step.path, step.pressure))
        if step.side == "both":
            out.append((i, "mirrored path", tuple((-x, y) for x, y in step.path), step.pressure))
        if step.lead_in:
            out.append((i, "lead_in", step.lead_in, "light"))
            if step.side == "both" and i > 0 and steps[i - 1].side == "both":
                out.append((i, "mirrored lead_in", tuple((-x, y) for x, y in step.lead_in), "light"))
    return out


def _forbidden(raw_intake: dict[str, Any], routine: Routine) -> list[str]:
    """Every point of a hand on the spine (pressing), a no-contact spot, a pressed pain spot, an underarm."""
    intake = routine.intake
    assert intake is not None
    body = intake.body
    found = []
    for i, what, points, pressure in _hand_paths(routine):
        pressed = pressure != "light"
        for j, (x, y) in enumerate(points):
            where = f"steps[{i}] {what}[{j}] at ({x:.2f}, {y:.2f})"
            zone = zone_at(body, x, y) or ""
            if zone.startswith("axilla"):
                found.append(f"{where} is in the underarm {zone}")
            if pressed and what in ("path", "mirrored path") and abs(x) < _spine_band(body, y):
                found.append(f"{where} presses ({pressure}) on the spine band")
            for k, spot in enumerate(intake.spots):
                if spot.kind not in NO_CONTACT_SPOTS and not (spot.kind == "pain" and pressed):
                    continue
                if spot.at is not None:
                    inside = math.dist((x, y), spot.at) < spot.radius_cm + SPOT_MARGIN_CM
                else:
                    inside = zone == spot.zone
                if inside:
                    found.append(f"{where} is on spots[{k}] ({spot.kind})")
    return found


# -- the planner never hands out a routine the verifier rejects ------------------------------

@settings(max_examples=property_examples(1500))
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


@settings(max_examples=property_examples(600))
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


@settings(max_examples=property_examples(1000))
@given(intakes())
def test_no_hand_ever_presses_on_the_spine_or_touches_an_excluded_spot_or_an_underarm(raw):
    result = _plan(raw)
    if isinstance(result, NotPlanned):
        return
    problems = _forbidden(raw, result)
    assert not problems, problems[:5]


@settings(max_examples=property_examples(1000))
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
            assert 5 <= step.reps <= 8, step
        assert PRESSURES.index(step.pressure) <= asked, step


@settings(max_examples=property_examples(300))
@given(intakes())
def test_the_same_intake_always_gives_the_same_routine(raw):
    first, second = _plan(json.loads(json.dumps(raw))), _plan(json.loads(json.dumps(raw)))
    if isinstance(first, NotPlanned):
        assert isinstance(second, NotPlanned) and second.reasons == first.reasons
        return
    assert not isinstance(second, NotPlanned)
    assert json.dumps(first.to_dict()) == json.dumps(second.to_dict())
