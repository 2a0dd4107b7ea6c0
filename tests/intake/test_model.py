"""Reading an intake: defaults, strict types, and every problem reported at once with its field path."""

from __future__ import annotations

import pytest

from backrub.errors import InputError
from backrub.intake import Intake, parse_intake


def _problems(raw) -> dict[str, str]:
    with pytest.raises(InputError) as caught:
        parse_intake(raw)
    return {p.path: p.message for p in caught.value.problems}


def test_an_empty_intake_takes_the_documented_defaults():
    intake = parse_intake({})
    assert (intake.minutes, intake.goal) == (30.0, "relax")
    assert (intake.giver, intake.pressure) == ("partner", "medium")
    assert (intake.position, intake.style) == ("prone", "upward")
    assert intake.breaths_per_minute == 12.0
    assert intake.body.back_length_cm == 50 and intake.spots == () and intake.focus == ()


def test_the_design_example_is_read_in_full():
    raw = {"minutes": 30, "goal": "relax", "giver": "partner", "pressure": "medium",
           "position": "prone", "style": "upward", "breaths_per_minute": 12,
           "conditions": [], "cleared_by_clinician": False,
           "spots": [{"kind": "pain", "zone": "lumbar_left"},
                     {"kind": "wound", "at": {"x_cm": 6, "y_cm": 30}, "radius_cm": 3}],
           "focus": ["shoulders"],
           "body": {"back_length_cm": 50, "shoulder_width_cm": 42, "waist_width_cm": 32}}
    intake = parse_intake(raw)
    assert intake.spots[0].zone == "lumbar_left"
    assert intake.spots[1].at == (6.0, 30.0) and intake.spots[1].radius_cm == 3.0
    assert parse_intake(intake.to_dict()) == intake


def test_an_unknown_zone_suggests_both_sides():
    problems = _problems({"spots": [{"kind": "pain", "zone": "lumbar_left"},
                                    {"kind": "pain", "zone": "lumbar"}]})
    assert problems == {"spots[1].zone": "unknown zone 'lumbar'; did you mean lumbar_left or lumbar_right?"}


def test_every_problem_is_reported_together_each_with_its_field():
    problems = _problems({
        "minutes": 90, "goal": "sleep", "pressure": "hard", "breaths_per_minute": "12",
        "conditions": ["fevr", 3], "cleared_by_clinician": "yes",
        "spots": [{"kind": "scar", "zone": "spine"}, "here", {"kind": "knot"}],
        "focus": ["spine", "shoulder"], "body": {"back_length_cm": 200, "height": 170}, "colour": "blue",
    })
    assert set(problems) == {
        "minutes", "goal", "pressure", "breaths_per_minute", "conditions[0]", "conditions[1]",
        "cleared_by_clinician", "spots[0].kind", "spots[1]", "spots[2]", "focus[0]", "focus[1]",
        "body.back_length_cm", "body.height", "colour",
    }
    assert "did you mean fever" in problems["conditions[0]"]
    assert "expected one of light, medium, firm" in problems["pressure"] or "'hard'" in problems["pressure"]
    assert "got '12'" in problems["breaths_per_minute"]
    assert "never worked on" in problems["focus[0]"]
    assert "30 to 80 cm" in problems["body.back_length_cm"]


@pytest.mark.parametrize(("field", "value"), [
    ("minutes", True), ("minutes", "30"), ("minutes", None), ("breaths_per_minute", False),
    ("minutes", [30]),
])
def test_a_number_field_takes_numbers_only(field, value):
    problems = _problems({field: value})
    assert list(problems) == [field]
    assert "expected a number" in problems[field]


def test_true_is_not_a_number_anywhere():
    problems = _problems({
        "body": {"back_length_cm": True},
        "spots": [{"kind": "wound", "at": {"x_cm": True, "y_cm": 10}, "radius_cm": False}],
    })
    assert set(problems) == {"body.back_length_cm", "spots[0].at.x_cm", "spots[0].radius_cm"}
    assert all("got true" in m or "got false" in m for m in problems.values())


def test_the_flag_must_be_a_real_boolean():
    bad_flag = _problems({"cleared_by_clinician": 1})["cleared_by_clinician"]
    assert "expected true or false, or a list of condition names (got 1)" in bad_flag


@pytest.mark.parametrize(("goal", "minutes", "ok"), [
    ("relax", 15, True), ("relax", 60, True), ("relax", 14.9, False), ("relax", 61, False),
    ("comfort_care", 3, True), ("comfort_care", 10, True), ("comfort_care", 12, False),
    ("energize", 5, False),
])
def test_the_time_allowed_depends_on_the_goal(goal, minutes, ok):
    raw = {"goal": goal, "minutes": minutes}
    if ok:
        assert parse_intake(raw).minutes == minutes
    else:
        assert "minutes" in _problems(raw)


def test_a_comfort_rub_defaults_to_a_short_time_and_self_defaults_to_sitting():
    assert parse_intake({"goal": "comfort_care"}).minutes == 8
    assert parse_intake({"giver": "self"}).position == "seated"


def test_the_position_must_suit_the_giver():
    assert "seated or side_lying" in _problems({"giver": "self", "position": "prone"})["position"]
    assert "prone" in _problems({"giver": "robot", "position": "seated"})["position"]
    assert parse_intake({"giver": "robot"}).position == "prone"


def test_spots_need_exactly_one_place_and_a_radius_only_with_a_point():
    problems = _problems({"spots": [
        {"kind": "wound"},
        {"kind": "wound", "zone": "scapula_left", "at": {"x_cm": 1, "y_cm": 2}},
        {"kind": "wound", "zone": "scapula_left", "radius_cm": 3},
        {"kind": "wound", "at": {"x_cm": 1, "y_cm": 20}, "radius_cm": 50},
        {"kind": "wound", "at": {"x_cm": 90, "y_cm": 20}},
        {"kind": "wound", "at": {"x_cm": 1, "y_cm": 20, "z_cm": 0}},
    ]})
    assert "zone" in problems["spots[0]"]
    assert "not both" in problems["spots[1]"]
    assert "goes with at" in problems["spots[2].radius_cm"]
    assert "0.5 to 20 cm" in problems["spots[3].radius_cm"]
    assert "off the back map" in problems["spots[4].at"]
    assert "spots[5].at.z_cm" in problems


def test_repeated_conditions_and_focus_are_kept_once():
    intake = parse_intake({"conditions": ["osteoporosis", "osteoporosis"], "focus": ["neck", "neck"]})
    assert intake.conditions == ("osteoporosis",) and intake.focus == ("neck",)


def test_an_intake_that_is_not_an_object_is_refused_with_one_problem():
    with pytest.raises(InputError) as caught:
        parse_intake([1, 2])
    assert len(caught.value.problems) == 1
    assert "expected a JSON object" in str(caught.value)


def test_intakes_are_frozen_and_change_by_copy():
    intake = Intake()
    with pytest.raises(AttributeError):
        intake.minutes = 10  # type: ignore[misc]
    assert intake.with_changes(minutes=20).minutes == 20 and intake.minutes == 30
