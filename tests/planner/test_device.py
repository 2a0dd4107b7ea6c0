"""Planning with a handheld massager: which steps it takes over, the settings it names, what stays by hand."""

from __future__ import annotations

import json
from typing import Any

import pytest

from backrub.gate import planned, replanned
from backrub.intake import parse_intake
from backrub.knowledge.zones import base_name
from backrub.planner import plan_routine
from backrub.planner.feedback import Feedback
from backrub.routine import parse_routine
from backrub.verifier import check_routine
from tests.device_oracle import CAP_S, head_violations, seconds_by_zone

OWN_10_WITH_HEAT = {"id": "my-massager", "kind": "vibration", "heat": True, "attachments": ["round", "flat"],
                    "speeds_per_minute": [1200 + 250 * n for n in range(10)], "programs": []}
DEVICES: list[Any] = ["percussion-small", "percussion-full", "vibration-heat", OWN_10_WITH_HEAT]
MUSCLES = {"paraspinal", "interscapular", "upper_trapezius", "deltoid", "lumbar"}


@pytest.mark.parametrize("device", DEVICES, ids=lambda d: d if isinstance(d, str) else d["id"])
def test_a_20_minute_plan_names_settings_on_every_device_step_and_passes(device):
    intake = parse_intake({"minutes": 20, "pressure": "medium", "device": device})
    routine = planned(intake)
    profile = intake.device
    assert profile is not None
    on = [s for s in routine.steps if s.device is not None]
    assert len(on) >= 6
    for s in on:
        d = s.device
        assert 1 <= d.speed <= profile.levels and d.per_minute == profile.per_minute(d.speed)
        assert d.attachment in profile.attachments and d.seconds_per_area == s.seconds
        assert d.heat == profile.heat
        assert f"speed {d.speed} of {profile.levels}" in s.cue and "keep it moving" in s.cue
        assert {base_name(z) for z in s.zones} <= MUSCLES, s.zones
        if any(base_name(z) == "upper_trapezius" for z in s.zones):
            assert d.speed == 1  # the gentlest where tissue is thin
    # Every large muscle of seed 003's order gets the device, on both sides.
    worked = {z for s in on for z in s.zones}
    assert {f"{m}_{side}" for m in MUSCLES for side in ("left", "right")} <= worked
    assert check_routine(routine, intake).ok
    assert head_violations(routine) == []
    assert max(seconds_by_zone(routine).values()) <= CAP_S * 1.05 + 1
    assert abs(routine.total_minutes - 20) <= 1.0
    # The routine written as JSON reads back the same, device settings and all.
    assert parse_routine(json.loads(json.dumps(routine.to_dict()))).to_dict() == routine.to_dict()


def test_opening_warm_up_closing_and_arm_rotation_stay_by_hand():
    routine = planned(parse_intake({"minutes": 30, "device": "percussion-full"}))
    for s in routine.steps:
        by_hand = ("arm_rotation", "stroking", "thumb_glide")
        if s.phase in ("open", "warm_up", "close") or s.technique in by_hand:
            assert s.device is None, (s.phase, s.technique)
    devices = [i for i, s in enumerate(routine.steps) if s.device is not None]
    assert devices
    # The device is switched off and put down before the hands go on again.
    for i in devices:
        nxt = routine.steps[i + 1] if i + 1 < len(routine.steps) else None
        if nxt is None or nxt.device is None:
            assert "switch it off and put it down" in routine.steps[i].cue


def test_the_same_plan_without_a_device_is_the_planner_s_own():
    raw = {"minutes": 25, "pressure": "firm"}
    assert planned(parse_intake(raw)).to_dict() == plan_routine(parse_intake(raw)).to_dict()


@pytest.mark.parametrize("change", [
    {"conditions": ["blood_thinners"]}, {"conditions": ["bleeding_disorder"]},
    {"conditions": ["osteoporosis"]}, {"conditions": ["fragile_skin"]},
    {"goal": "comfort_care", "minutes": 8},
])
def test_no_device_steps_where_the_device_is_not_used(change):
    routine = planned(parse_intake({"minutes": 20, "device": "percussion-full", **change}))
    assert all(s.device is None for s in routine.steps)


def test_an_hour_caps_each_area_at_about_two_minutes_the_hands_do_the_rest():
    routine = planned(parse_intake({"minutes": 60, "pressure": "firm", "device": "vibration-heat"}))
    by_zone = seconds_by_zone(routine)
    assert max(by_zone.values()) <= CAP_S * 1.05 + 1
    assert any(v > 60 for v in by_zone.values())  # the device did real work
    later_hand = [s for s in routine.steps if s.device is None and s.technique == "kneading"]
    assert later_hand  # once an area has had its time the kneading goes on by hand


def test_firmer_pressure_picks_a_faster_setting_but_light_the_slowest():
    def speeds(pressure: str) -> dict[str, int]:
        r = planned(parse_intake({"minutes": 30, "pressure": pressure, "device": "percussion-full"}))
        thick = [s for s in r.steps if s.device and not any("trapezius" in z for z in s.zones)]
        return {s.pressure: s.device.speed for s in thick}

    assert set(speeds("light").values()) == {1}
    firm = speeds("firm")
    assert firm["firm"] > firm["medium"] > 1


def test_a_pain_spot_keeps_the_device_a_head_s_width_away():
    pain = {"kind": "pain", "at": {"x_cm": 8, "y_cm": 6}}
    raw = {"minutes": 20, "device": "percussion-full", "spots": [pain]}
    routine = planned(parse_intake(raw))
    assert not [s for s in routine.steps if s.device and "lumbar_right" in s.zones]
    assert [s for s in routine.steps if s.device and any(z.endswith("_left") for z in s.zones)]


def test_a_live_replan_keeps_device_steps_on_the_rest_and_counts_the_time_done():
    routine = planned(parse_intake({"minutes": 30, "pressure": "medium", "device": "percussion-full"}))
    first = next(i for i, s in enumerate(routine.steps) if s.device is not None)
    new = replanned(routine, first + 1, Feedback(kind="softer"))
    rest = new.routine.steps[first + 1:]
    assert any(s.device is not None for s in rest)
    assert all(s.device.speed == 1 for s in rest if s.device is not None)  # softer: light, slowest
    assert check_routine(new.routine, new.intake, performed=first + 1).ok
    assert max(seconds_by_zone(new.routine).values()) <= CAP_S * 1.05 + 1


def test_knot_circles_stay_by_hand_so_the_knot_keeps_its_clockwise_circles(example_raw):
    routine = planned(parse_intake({**example_raw, "device": "percussion-full"}))
    assert any(s.device for s in routine.steps)
    assert all(s.device is None for s in routine.steps if s.direction == "clockwise")
    assert check_routine(routine).findings == ()  # no warning either: the knot still gets its circles
