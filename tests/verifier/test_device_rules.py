"""Every device rule, broken by hand: a planned routine with massager steps is edited as a person
would edit its JSON, and the verifier must name the rule, the exact place and a way to fix it.

Device steps are found by the zone they work on, never by a fixed index.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from backrub.gate import planned as gate_planned
from backrub.intake import parse_intake
from backrub.routine import parse_routine
from backrub.verifier import check_routine

BASE: dict[str, Any] = {"minutes": 20, "pressure": "medium", "device": "percussion-full"}
_CACHE: dict[str, Any] = {}


def planned() -> dict[str, Any]:
    """A fresh copy of a clean planned routine with device steps."""
    if "doc" not in _CACHE:
        routine = gate_planned(parse_intake(BASE))  # the gate raises unless it is clean
        _CACHE["doc"] = json.loads(json.dumps(routine.to_dict()))
    return copy.deepcopy(_CACHE["doc"])


def check(doc: dict[str, Any], intake: dict[str, Any] | None = None):
    routine = parse_routine(json.loads(json.dumps(doc)))
    return check_routine(routine, parse_intake(intake) if intake is not None else None)


def finding(report, rule: str, where: str):
    hits = [f for f in report.findings if f.rule == rule and f.where == where]
    assert hits, f"no {rule} at {where}: {[(f.rule, f.where) for f in report.findings]}"
    found = hits[0]
    assert found.severity == "error" and found.message.strip() and found.hint.strip()
    return found


def device_step(doc: dict[str, Any], zone: str) -> int:
    for i, step in enumerate(doc["steps"]):
        if "device" in step and zone in step["zones"]:
            return i
    raise LookupError(zone)


def test_the_base_routine_has_device_steps_and_is_clean():
    doc = planned()
    assert sum("device" in s for s in doc["steps"]) >= 6
    assert check(doc).ok


def test_device_spine__the_head_moved_within_its_half_width_of_the_band():
    doc = planned()
    i = device_step(doc, "paraspinal_right")
    y = doc["steps"][i]["path"][3][1]
    doc["steps"][i]["path"][3] = [2.6, y]  # the centre is beside the 1.5 cm band, the round head is not
    f = finding(check(doc), "device-spine", f"steps[{i}].path[3]")
    assert "spine band" in f.message and "3.8 cm" in f.hint


def test_device_area__moved_onto_the_shoulder_blade():
    doc = planned()
    i = device_step(doc, "lumbar_right")
    doc["steps"][i]["path"][2] = [12.0, 38.0]
    f = finding(check(doc), "device-area", f"steps[{i}].path[2]")
    assert "shoulder blade" in f.message and "large muscles" in f.hint


def test_device_kidney__the_lower_back_glide_run_up_over_the_kidneys():
    doc = planned()
    i = device_step(doc, "lumbar_left")
    last = len(doc["steps"][i]["path"]) - 1
    doc["steps"][i]["path"][last] = [-9.0, 17.0]
    report = check(doc)
    # The segment that climbs into the kidney area is named by the point inside it.
    f = finding(report, "device-kidney", f"steps[{i}].path[{last}]")
    assert "kidney" in f.message and "below or above" in f.hint


def test_device_neck__the_shoulder_glide_lifted_onto_the_neck():
    doc = planned()
    i = device_step(doc, "upper_trapezius_right")
    doc["steps"][i]["path"][0] = [7.5, 56.0]
    f = finding(check(doc), "device-neck", f"steps[{i}].path[0]")
    assert "neck" in f.message and "by hand" in f.hint


def test_device_spot__a_pain_spot_next_to_the_glide():
    doc = planned()
    i = device_step(doc, "lumbar_right")
    x, y = doc["steps"][i]["path"][0]
    intake = dict(doc["intake"], spots=[{"kind": "pain", "at": {"x_cm": x + 4.0, "y_cm": y}, "radius_cm": 1}])
    # 4 cm away is clear of a fingertip (pain-spot allows a light touch) but not of a 5 cm head's edge.
    f = finding(check(doc, intake), "device-spot", f"steps[{i}].path[0]")
    assert "pain" in f.message and "head's width" in f.hint


@pytest.mark.parametrize("change", [
    {"conditions": ["blood_thinners"]},
    {"conditions": ["osteoporosis"]},
    {"conditions": ["fragile_skin"]},
    {"conditions": ["bleeding_disorder"]},
])
def test_device_condition__a_device_step_kept_after_the_intake_changed(change):
    doc = planned()
    i = device_step(doc, "lumbar_right")
    intake = dict(doc["intake"], **change)
    f = finding(check(doc, intake), "device-condition", f"steps[{i}].device")
    assert change["conditions"][0].replace("_", " ") in f.message and "by hand" in f.hint


def test_device_condition__a_comfort_rub_edited_to_use_the_device():
    doc = planned()
    i = device_step(doc, "deltoid_right")
    intake = dict(doc["intake"], goal="comfort_care", minutes=8)
    f = finding(check(doc, intake), "device-condition", f"steps[{i}].device")
    assert "comfort rub" in f.message


def test_device_time__one_area_given_more_than_two_minutes():
    doc = planned()
    i = device_step(doc, "deltoid_right")
    doc["steps"][i]["seconds"] = 150.0
    doc["steps"][i]["device"]["seconds_per_area"] = 150.0
    f = finding(check(doc), "device-time", f"steps[{i}].seconds")
    assert "deltoid_right" in f.message and "120 s" in f.message


def test_device_time__seconds_per_area_that_does_not_match_the_step():
    doc = planned()
    i = device_step(doc, "deltoid_left")
    doc["steps"][i]["device"]["seconds_per_area"] = 5.0
    f = finding(check(doc), "device-time", f"steps[{i}].device.seconds_per_area")
    assert f"{doc['steps'][i]['seconds']:.1f}" in f.hint


def test_device_speed__a_speed_the_device_does_not_have():
    doc = planned()
    i = device_step(doc, "lumbar_right")
    doc["steps"][i]["device"]["speed"] = 14
    f = finding(check(doc), "device-speed", f"steps[{i}].device.speed")
    assert "13 settings" in f.message and "1 to 13" in f.hint


def test_device_speed__a_per_minute_figure_that_is_not_the_speeds():
    doc = planned()
    i = device_step(doc, "lumbar_right")
    doc["steps"][i]["device"]["per_minute"] = 3000
    f = finding(check(doc), "device-speed", f"steps[{i}].device.per_minute")
    assert "3000" in f.message


def test_device_speed__faster_than_the_gentlest_on_the_shoulder_tops():
    doc = planned()
    i = device_step(doc, "upper_trapezius_left")
    doc["steps"][i]["device"]["speed"] = 3
    doc["steps"][i]["device"]["per_minute"] = 1530
    f = finding(check(doc), "device-speed", f"steps[{i}].device.speed")
    assert "thin" in f.message and "speed 1" in f.hint


def test_device_speed__a_pointed_head_or_heat_the_device_lacks():
    doc = planned()
    i = device_step(doc, "lumbar_right")
    doc["steps"][i]["device"]["attachment"] = "bullet"
    doc["steps"][i]["device"]["heat"] = True
    report = check(doc)
    assert "small spot" in finding(report, "device-speed", f"steps[{i}].device.attachment").message
    assert "no heat" in finding(report, "device-speed", f"steps[{i}].device.heat").message


def test_device_speed__a_device_step_when_the_intake_names_no_device():
    doc = planned()
    i = device_step(doc, "lumbar_right")
    intake = {k: v for k, v in doc["intake"].items() if k != "device"}
    f = finding(check(doc, intake), "device-speed", f"steps[{i}].device")
    assert "names no device" in f.message
