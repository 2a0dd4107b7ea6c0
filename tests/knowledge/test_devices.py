"""Device profiles: the built-in ones, and a person's own read from the intake with every bad field named."""

from __future__ import annotations

import pytest

from backrub.errors import InputError
from backrub.intake import parse_intake
from backrub.knowledge.devices import ATTACHMENTS, BUILTIN, DeviceProfile

OWN = {"id": "my-massager", "kind": "vibration", "speeds_per_minute": [1000 + 300 * n for n in range(10)],
       "heat": True, "attachments": ["round", "flat"], "programs": ["wave"]}


def problems_of(raw) -> dict[str, str]:
    with pytest.raises(InputError) as err:
        parse_intake(raw)
    return {p.path: p.message for p in err.value.problems}


def test_builtin_profiles_are_named_by_what_they_are_and_round_trip():
    assert set(BUILTIN) == {"percussion-small", "percussion-full", "vibration-heat"}
    full = BUILTIN["percussion-full"]
    assert (full.levels, len(full.programs)) == (13, 7)  # seed 003: 13 settings, 7 programs
    assert BUILTIN["vibration-heat"].levels == 10 and BUILTIN["vibration-heat"].heat  # 10 speeds, heat
    for profile in BUILTIN.values():
        assert list(profile.speeds_per_minute) == sorted(set(profile.speeds_per_minute))
        assert set(profile.attachments) <= set(ATTACHMENTS)
        assert DeviceProfile.from_dict({**profile.to_dict(), "id": "copy"}).speeds_per_minute == \
            profile.speeds_per_minute


def test_an_intake_names_a_builtin_by_id_and_writes_it_back_as_the_id():
    intake = parse_intake({"device": "vibration-heat"})
    assert intake.device is BUILTIN["vibration-heat"]
    assert intake.to_dict()["device"] == "vibration-heat"
    assert "device" not in parse_intake({}).to_dict()  # intakes without one are written as before


def test_a_person_s_own_profile_is_read_and_round_trips():
    intake = parse_intake({"device": OWN})
    assert intake.device is not None and intake.device.levels == 10 and intake.device.heat
    again = parse_intake(intake.to_dict())
    assert again.device == intake.device


def test_an_unknown_builtin_id_suggests_the_close_one():
    msg = problems_of({"device": "percussion-smal"})["device"]
    assert "percussion-small" in msg


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"kind": "electric"}, "device.kind", "percussion, vibration"),
    ({"speeds_per_minute": []}, "device.speeds_per_minute", "slowest first"),
    ({"speeds_per_minute": [2000, 1500]}, "device.speeds_per_minute[1]", "slowest to fastest"),
    ({"speeds_per_minute": [2000, 90000]}, "device.speeds_per_minute[1]", "300 to 6000"),
    ({"speeds_per_minute": [2000, "fast"]}, "device.speeds_per_minute[1]", "got 'fast'"),
    ({"attachments": []}, "device.attachments", "attachment names"),
    ({"attachments": ["rond"]}, "device.attachments[0]", "did you mean round"),
    ({"attachments": [{}]}, "device.attachments[0]", "unknown attachment"),  # was a 500 (unhashable)
    ({"attachments": ["flat", ["round"]]}, "device.attachments[1]", "unknown attachment"),
    ({"heat": "yes"}, "device.heat", "true or false"),
    ({"programs": [3]}, "device.programs[0]", "program name"),
    ({"id": "Bad Name!"}, "device.id", "lower-case"),
    ({"id": "percussion-full"}, "device.id", "built-in"),
    ({"speed": 3}, "device.speed", "unknown field"),
])
def test_a_bad_profile_names_the_field(change, field, words):
    found = problems_of({"device": {**OWN, **change}})
    assert field in found, found
    assert words in found[field]


def test_every_problem_of_a_profile_is_reported_together():
    found = problems_of({"device": {**OWN, "kind": None, "attachments": [], "heat": 1}})
    assert {"device.kind", "device.attachments", "device.heat"} <= set(found)


def test_a_list_too_long_is_refused():
    found = problems_of({"device": {**OWN, "speeds_per_minute": list(range(1000, 1000 + 31 * 10, 10))}})
    assert "at most 30" in found["device.speeds_per_minute"]


def test_a_robot_holds_no_handheld_massager():
    assert "robot" in problems_of({"giver": "robot", "device": "percussion-small"})["device"]
