"""Every rule, broken by hand: a valid planned routine is edited as a person would edit its JSON,
and the verifier must name the rule, its severity, the exact place and a way to fix it.

Steps are found by what they are (the first medium kneading, the knot's circles), never by a
fixed index, so the tests hold while the planner's choices change.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from backrub.intake import parse_intake
from backrub.knowledge.rules import RULES
from backrub.planner import plan_routine
from backrub.routine import parse_routine
from backrub.verifier import check_routine

BASES: dict[str, dict[str, Any]] = {
    "partner": {"minutes": 30, "pressure": "medium", "focus": ["shoulders"],
                "spots": [{"kind": "knot", "at": {"x_cm": 8, "y_cm": 40}},
                          {"kind": "bruise", "at": {"x_cm": -9, "y_cm": 18}, "radius_cm": 2}]},
    "firm": {"minutes": 30, "pressure": "firm",
             "spots": [{"kind": "wound", "at": {"x_cm": 9, "y_cm": 30}, "radius_cm": 2},
                       {"kind": "pain", "at": {"x_cm": -12, "y_cm": 34}, "radius_cm": 2}]},
    "fragile": {"minutes": 20, "conditions": ["fragile_skin"]},
}
_CACHE: dict[str, dict[str, Any]] = {}


def planned(name: str) -> dict[str, Any]:
    """A fresh copy of a planned routine's JSON (with its intake), checked to be clean first."""
    if name not in _CACHE:
        routine = plan_routine(parse_intake(BASES[name]))
        report = check_routine(routine)
        assert report.ok, [f.to_dict() for f in report.errors]  # the edit below must be what breaks it
        _CACHE[name] = json.loads(json.dumps(routine.to_dict()))
    return copy.deepcopy(_CACHE[name])


def check(doc: dict[str, Any], intake: dict[str, Any] | None = None):
    routine = parse_routine(json.loads(json.dumps(doc)))
    return check_routine(routine, parse_intake(intake) if intake is not None else None)


def finding(report, rule: str, where: str | None = None):
    """The finding for `rule` (at `where`, if given); fails with everything found otherwise."""
    hits = [f for f in report.findings if f.rule == rule and (where is None or f.where == where)]
    assert hits, f"no {rule} at {where}: {[(f.rule, f.where) for f in report.findings]}"
    found = hits[0]
    assert found.message.strip() and found.hint.strip()
    return found


def first(doc, **want) -> int:
    for i, step in enumerate(doc["steps"]):
        if all(step[k] == v for k, v in want.items()):
            return i
    raise LookupError(want)


def _pressed(doc, side="both") -> int:
    """A medium step with at least six path points, worked with the given side."""
    for i, s in enumerate(doc["steps"]):
        if s["pressure"] == "medium" and s["side"] == side and len(s["path"]) > 6:
            return i
    raise LookupError(side)


def test_every_rule_in_the_table_has_a_test_here():
    from tests.verifier import test_device_rules  # the handheld massager's rules are tested there

    tested = {name.removeprefix("test_").split("__")[0].replace("_", "-")
              for name in (*globals(), *vars(test_device_rules)) if name.startswith("test_") and "__" in name}
    assert set(RULES) <= tested, set(RULES) - tested


# -- safety ----------------------------------------------------------------------------------

def test_spine_pressure__a_pressed_point_moved_onto_the_midline():
    doc = planned("partner")
    i = _pressed(doc)
    doc["steps"][i]["path"][5] = [0.5, doc["steps"][i]["path"][5][1]]
    f = finding(check(doc), "spine-pressure")
    assert (f.severity, f.where) == ("error", f"steps[{i}].path[5]")
    assert "spine" in f.message


def test_spine_pressure__light_gliding_on_the_spine_is_allowed():
    doc = planned("partner")
    i = first(doc, phase="open")
    doc["steps"][i]["path"][3] = [0.0, doc["steps"][i]["path"][3][1]]
    assert not [f for f in check(doc).findings if f.rule == "spine-pressure"]


def test_broken_skin__a_path_point_moved_onto_a_bruise():
    doc = planned("partner")
    i = _pressed(doc, side="right")  # a right-hand step, so the mirrored hand cannot be first
    doc["steps"][i]["path"][5] = [-9.0, 18.5]
    # Move it onto the bruise on the left: the right hand reaches across.
    f = finding(check(doc), "broken-skin", f"steps[{i}].path[5]")
    assert f.severity == "error" and "bruise" in f.message


def test_broken_skin__the_mirrored_left_hand_is_checked_too():
    doc = planned("partner")
    i = _pressed(doc)  # side both: the left hand mirrors x
    doc["steps"][i]["path"][5] = [9.0, 18.0]
    f = finding(check(doc), "broken-skin")
    assert f.where == f"steps[{i}].path[5] (left hand, mirrored)"


def test_broken_skin__a_slide_between_steps_over_a_bruise():
    doc = planned("partner")
    i = next(k for k in range(1, len(doc["steps"])) if not doc["steps"][k].get("lead_in"))
    doc["steps"][i]["lead_in"] = [[-9.0, 18.0]]
    f = finding(check(doc), "broken-skin", f"steps[{i}].lead_in")
    assert f.severity == "error" and "slide" in f.message


def test_pain_spot__pressing_on_a_painful_place():
    doc = planned("firm")
    i = _pressed(doc)
    doc["steps"][i]["path"][5] = [-12.0, 34.0]
    f = finding(check(doc), "pain-spot")
    assert f.severity == "error" and f.where.startswith(f"steps[{i}].path[5]")


def test_pain_spot__very_light_stroking_over_it_is_allowed():
    doc = planned("firm")
    i = first(doc, phase="open")
    path = doc["steps"][i]["path"]
    path[len(path) // 2] = [-12.0, 34.0]
    assert not [f for f in check(doc).findings if f.rule == "pain-spot"]


def test_axilla__a_point_moved_into_the_underarm():
    doc = planned("partner")
    i = _pressed(doc, side="right")
    doc["steps"][i]["path"][5] = [22.0, 37.0]
    f = finding(check(doc), "axilla", f"steps[{i}].path[5]")
    assert f.severity == "error" and "armpit" in f.hint


def test_kidney_gentle__medium_work_moved_onto_the_kidneys():
    doc = planned("partner")
    i = _pressed(doc, side="right")
    doc["steps"][i]["path"][5] = [12.0, 16.0]
    f = finding(check(doc), "kidney-gentle")
    assert (f.severity, f.where) == ("error", f"steps[{i}].path[5]")


def test_kidney_gentle__a_segment_cutting_the_kidney_corner_between_two_points_outside_it():
    doc = planned("partner")
    i = _pressed(doc, side="right")
    path = doc["steps"][i]["path"]
    # Both points outside the kidney area (y 13-21 cm, x from 5 cm); the segment between them crosses it.
    path[4], path[5] = [10.0, 11.0], [4.2, 17.5]
    path[6:] = [[4.2, 18.0]]
    f = finding(check(doc), "kidney-gentle")
    assert f.where == f"steps[{i}].path[4]"


def test_kidney_gentle__a_kidney_zone_declared_at_medium_is_reported():
    doc = planned("partner")
    i = _pressed(doc)
    doc["steps"][i]["zones"].append("kidney_left")
    f = finding(check(doc), "kidney-gentle", f"steps[{i}].zones")
    assert "kidney_left" in f.message


def test_axilla__an_underarm_declared_among_a_steps_zones_is_reported():
    doc = planned("partner")
    i = _pressed(doc)
    doc["steps"][i]["zones"].append("axilla_left")
    f = finding(check(doc), "axilla", f"steps[{i}].zones")
    assert f.severity == "error"


def test_zones_declared__a_zone_the_path_touches_left_out_of_the_list():
    doc = planned("partner")
    i = _pressed(doc)
    dropped = doc["steps"][i]["zones"].pop()
    f = finding(check(doc), "zones-declared", f"steps[{i}].zones")
    assert dropped in f.message


def test_spine_pressure__a_thumb_pad_centred_beside_the_band_still_overlaps_it():
    doc = planned("partner")
    i = next(k for k, s in enumerate(doc["steps"])
             if s["pressure"] == "medium" and s["technique"] == "circular_friction" and s["side"] == "both")
    # 1.9 cm from the midline is outside the 1.5 cm band, but a thumb pad is 2 cm wide.
    doc["steps"][i]["path"] = [[1.9, 20.0], [1.9, 22.0], [1.9, 24.0]]
    doc["steps"][i]["zones"] = ["paraspinal_left", "paraspinal_right"]
    f = finding(check(doc), "spine-pressure", f"steps[{i}].path[0]")
    assert "thumb" in f.message


def test_warmup_first__the_warm_up_deleted():
    doc = planned("partner")
    doc["steps"] = [s for s in doc["steps"] if s["phase"] != "warm_up"]
    i = next(k for k, s in enumerate(doc["steps"]) if s["pressure"] != "light")
    f = finding(check(doc), "warmup-first")
    assert (f.severity, f.where) == ("error", f"steps[{i}]")


def test_pressure_preference__a_step_made_firmer_than_asked():
    doc = planned("partner")
    i = _pressed(doc)
    doc["steps"][i]["pressure"] = "firm"
    f = finding(check(doc), "pressure-preference")
    assert (f.severity, f.where) == ("error", f"steps[{i}]")
    assert "medium" in f.hint


def test_screening__pressure_above_what_a_condition_allows():
    doc = planned("fragile")
    i = first(doc, phase="work", technique="circular_friction")
    doc["steps"][i]["pressure"] = "medium"  # the intake asked for medium, fragile skin allows light
    f = finding(check(doc), "screening")
    assert (f.severity, f.where) == ("error", f"steps[{i}]")
    assert "fragile_skin" in f.message


def test_screening__a_routine_judged_against_an_intake_that_refers():
    doc = planned("partner")
    f = finding(check(doc, {**BASES["partner"], "conditions": ["fever"]}), "screening")
    assert (f.severity, f.where) == ("error", "steps")
    assert "professional" in f.hint


# -- method ----------------------------------------------------------------------------------

def test_opening_light__the_first_stroke_made_medium():
    doc = planned("partner")
    doc["steps"][0]["pressure"] = "medium"
    f = finding(check(doc), "opening-light")
    assert (f.severity, f.where) == ("error", "steps[0]")


def test_closing_light__the_last_downward_strokes_deleted():
    doc = planned("partner")
    doc["steps"].pop()
    f = finding(check(doc), "closing-light")
    assert (f.severity, f.where) == ("error", f"steps[{len(doc['steps']) - 1}]")


def test_direction__a_stroke_turned_to_run_downward_in_the_middle_of_the_work():
    doc = planned("partner")
    i = first(doc, phase="work", direction="up")
    doc["steps"][i]["path"].reverse()
    f = finding(check(doc), "direction", f"steps[{i}]")
    assert f.severity == "error" and "starts at the top" in f.message


def test_knots_clockwise__the_knot_circles_reversed():
    doc = planned("partner")
    i = first(doc, direction="clockwise")
    doc["steps"][i]["path"].reverse()
    f = finding(check(doc), "knots-clockwise", f"steps[{i}]")
    assert f.severity == "error" and "anticlockwise" in f.message


def test_knots_clockwise__the_knot_left_out_is_a_warning_on_the_spot():
    doc = planned("partner")
    doc["steps"] = [s for s in doc["steps"] if s["direction"] != "clockwise"]
    f = finding(check(doc), "knots-clockwise", "intake.spots[0]")
    assert f.severity == "warning"


def test_reps_range__nine_repetitions():
    doc = planned("partner")
    i = _pressed(doc)
    doc["steps"][i]["reps"] = 9
    f = finding(check(doc), "reps-range")
    assert (f.severity, f.where) == ("error", f"steps[{i}].reps")


def test_alternate__the_soothing_strokes_between_two_strong_techniques_deleted():
    doc = planned("partner")
    steps = doc["steps"]
    strong = {"kneading", "sawing", "skin_rolling", "patting"}
    k = next(k for k in range(1, len(steps) - 1)
             if steps[k]["technique"] == "stroking" and steps[k - 1]["technique"] in strong
             and steps[k + 1]["technique"] in strong
             and steps[k - 1]["technique"] != steps[k + 1]["technique"])
    del steps[k]
    f = finding(check(doc), "alternate")
    assert (f.severity, f.where) == ("error", f"steps[{k}]")


def test_continuous__the_hands_wander_off_between_two_steps():
    doc = planned("fragile")
    i = first(doc, phase="work")
    doc["steps"][i]["lead_in"] = [[0.0, 2.0], [0.0, 55.0], [0.0, 2.0]]
    f = finding(check(doc), "continuous")
    assert (f.severity, f.where) == ("warning", f"steps[{i}]")


def test_tempo__a_stroke_rushed():
    doc = planned("partner")
    i = first(doc, technique="kneading")
    doc["steps"][i]["seconds"] = doc["steps"][i]["reps"] * 1.0
    f = finding(check(doc), "tempo", f"steps[{i}].seconds")
    assert f.severity == "error" and "cm/s" in f.message


def test_tempo__a_long_stroke_off_the_breath():
    doc = planned("partner")
    i = first(doc, phase="open")
    doc["steps"][i]["seconds"] = round(doc["steps"][i]["seconds"] * 1.3, 1)
    f = finding(check(doc), "tempo", f"steps[{i}].seconds")
    assert f.severity == "error" and "breath" in f.message


def test_shoulders_arms__arm_rotation_for_a_robot():
    doc = planned("partner")
    i = first(doc, technique="arm_rotation")
    f = finding(check(doc, {**BASES["partner"], "giver": "robot"}), "shoulders-arms", f"steps[{i}]")
    assert f.severity == "error"


def test_shoulders_arms__no_arm_rotation_is_a_warning():
    doc = planned("partner")
    doc["steps"] = [s for s in doc["steps"] if s["technique"] != "arm_rotation"]
    f = finding(check(doc), "shoulders-arms", "steps")
    assert f.severity == "warning" and "rotated" in f.message


def test_duration__minutes_edited_without_the_steps():
    doc = planned("partner")
    doc["minutes"] = 45
    f = finding(check(doc), "duration", "minutes")
    assert f.severity == "error" and "45" in f.message


def test_duration__steps_deleted_so_the_time_falls_short():
    doc = planned("partner")
    del doc["minutes"]
    doc["steps"] = [s for s in doc["steps"] if s["phase"] != "focus"]
    f = finding(check(doc), "duration", "steps")
    assert f.severity == "error" and "30 were asked" in f.message


def test_a_clean_routine_stays_clean_after_its_json_round_trip():
    for name in BASES:
        before = check_routine(plan_routine(parse_intake(BASES[name]))).findings
        assert not [f for f in before if f.severity == "error"]
        assert check(planned(name)).findings == before


@pytest.mark.parametrize("name", list(BASES))
def test_the_findings_json_has_the_documented_shape(name):
    doc = planned(name)
    doc["steps"][0]["reps"] = 2
    out = check(doc).to_dict()
    assert out["ok"] is False
    assert all(set(f) == {"rule", "severity", "where", "message", "hint"} for f in out["findings"])
