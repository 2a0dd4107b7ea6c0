"""The oracle itself: it sees what it must (hand-made bad routines), and the planner's routines
for intakes chosen to test each safety mechanism pass it.

The planned cases are the ones the mutation check uses (see the branch report): with slide
routing, kidney softening or spine clearance switched off in the planner, some of them fail.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from backrub.intake import parse_intake
from backrub.planner import plan_routine
from tests.oracle import violations


def _step(**kw: Any) -> dict[str, Any]:
    step = {
        "phase": "work",
        "technique": "circular_friction",
        "side": "right",
        "direction": "up",
        "pressure": "light",
        "reps": 5,
        "seconds": 60.0,
        "path": [[8, 2], [8, 4]],
        "zones": [],
    }
    step.update(kw)
    return step


def _routine(*steps: dict[str, Any]) -> dict[str, Any]:
    return {"format": "backrub.routine/1", "steps": list(steps)}


def _rules(routine: dict[str, Any], raw: dict[str, Any] | None = None) -> set[str]:
    return {v.rule for v in violations(routine, {"minutes": 2, **(raw or {})})}


def test_a_segment_cutting_the_kidney_corner_between_two_points_outside_it_is_seen():
    # Default body: the kidney area spans y 13-21 cm, x from 5 cm; both points lie outside it.
    warm = _step(path=[[9, 10], [9, 24]])
    cut = _step(pressure="medium", path=[[10, 11], [4.0, 17]])
    assert "kidney-gentle" in _rules(_routine(warm, cut))
    assert "kidney-gentle" not in _rules(
        _routine(warm, _step(pressure="medium", path=[[10, 11], [10, 11.9]]))
    )


def test_a_thumb_pad_centred_beside_the_band_but_overlapping_it_is_seen():
    warm = _step(path=[[1.9, 30], [1.9, 35]])
    press = _step(pressure="medium", path=[[1.9, 30], [1.9, 35]])
    assert "spine-pressure" in _rules(_routine(warm, press))
    clear = _step(pressure="medium", path=[[2.6, 30], [2.6, 35]])
    assert "spine-pressure" not in _rules(_routine(_step(path=[[2.6, 30], [2.6, 35]]), clear))


def test_the_mirrored_hand_and_the_hand_width_reach_a_wound():
    raw = {"spots": [{"kind": "wound", "at": {"x_cm": -10, "y_cm": 30}, "radius_cm": 1}]}
    mirrored = _step(side="both", path=[[10, 29], [10, 31]])
    assert "no-touch" in _rules(_routine(mirrored), raw)
    # 3.5 cm from the centre: outside radius + margin (3 cm), inside it with a 1 cm thumb pad.
    beside = _step(path=[[-13.5, 29], [-13.5, 31]])
    assert "no-touch" in _rules(_routine(beside), raw)
    assert "no-touch" not in _rules(_routine(_step(path=[[-14.2, 29], [-14.2, 31]])), raw)


def test_a_slide_over_a_wound_is_seen_unless_its_lead_in_goes_round():
    raw = {"spots": [{"kind": "wound", "at": {"x_cm": 8, "y_cm": 20}, "radius_cm": 1}]}
    low = _step(path=[[8, 10], [8, 12]])
    high = _step(path=[[8, 28], [8, 30]])
    assert "no-touch" in _rules(_routine(low, high), raw)
    around = {**high, "lead_in": [[14, 14], [14, 26]]}
    assert "no-touch" not in _rules(_routine(low, around), raw)


def test_pressed_work_before_a_warm_up_and_wrong_repetitions_are_seen():
    cold = _step(pressure="medium", path=[[8, 5], [8, 8]])
    assert "warmup-first" in _rules(_routine(cold))
    strong = _step(technique="sawing", path=[[8, 5], [8, 8]])
    interlude = _step(technique="stroking", reps=3, path=[[8, 5], [8, 20]])
    assert "reps-range" not in _rules(_routine(strong, interlude))
    assert "reps-range" in _rules(_routine(_step(path=[[8, 5], [8, 8]]), interlude))


# Intakes that exercise each safety mechanism of the planner (mutation targets).
PLANNED: list[Any] = [
    pytest.param({"minutes": 30, "pressure": "firm"}, id="spine_and_kidneys_in_an_ordinary_plan"),
    pytest.param(
        {"minutes": 45, "pressure": "medium", "focus": ["lower_back", "mid_back"]},
        id="lower_back_focus_near_the_kidneys",
    ),
    pytest.param(
        {
            "minutes": 30,
            "pressure": "firm",
            "spots": [
                {"kind": "knot", "at": {"x_cm": 2.0, "y_cm": 24}},
                {"kind": "tension", "at": {"x_cm": -1.0, "y_cm": 40}},
            ],
        },
        id="knots_on_the_spine_band",
    ),
    pytest.param(
        {
            "minutes": 30,
            "pressure": "medium",
            "spots": [{"kind": "wound", "at": {"x_cm": 9, "y_cm": 24}, "radius_cm": 2}],
        },
        id="wound_between_the_lower_and_the_middle_back",
    ),
    pytest.param(
        {
            "minutes": 30,
            "pressure": "medium",
            "spots": [
                {"kind": "rash", "at": {"x_cm": 4, "y_cm": 9}, "radius_cm": 1.5},
                {"kind": "bruise", "at": {"x_cm": -12, "y_cm": 34}, "radius_cm": 2},
            ],
        },
        id="rash_and_bruise_in_the_way_of_slides",
    ),
    pytest.param(
        {
            "minutes": 30,
            "pressure": "firm",
            "spots": [
                {"kind": "tension", "at": {"x_cm": 8, "y_cm": 17}},
                {"kind": "knot", "at": {"x_cm": -7, "y_cm": 19}},
            ],
        },
        id="knots_on_the_kidney_area",
    ),
    pytest.param(
        {
            "minutes": 30,
            "pressure": "firm",
            "body": {"back_length_cm": 34, "shoulder_width_cm": 28, "waist_width_cm": 22},
        },
        id="small_body_with_the_kidneys_close_to_the_spine",
    ),
    pytest.param({"minutes": 20, "giver": "robot", "pressure": "firm"}, id="robot"),
    pytest.param(
        {
            "minutes": 25,
            "position": "side_lying",
            "pressure": "firm",
            "spots": [{"kind": "wound", "zone": "mid_back_right"}],
        },
        id="side_lying_wound_by_zone",
    ),
]


@pytest.mark.parametrize("raw", PLANNED)
def test_planned_routines_pass_the_oracle(raw):
    routine = plan_routine(parse_intake(raw))
    found = violations(json.loads(json.dumps(routine.to_dict())), raw)
    assert not found, [str(v) for v in found[:5]]
