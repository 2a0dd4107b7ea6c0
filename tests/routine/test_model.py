"""The routine format: it survives JSON; hand-edited garbage is refused field by field, never with a crash."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backrub.errors import InputError
from backrub.intake import parse_intake
from backrub.planner import plan_routine
from backrub.routine import FORMAT, parse_routine
from backrub.verifier import check_routine

_DOC: dict[str, Any] = {}


def doc() -> dict[str, Any]:
    if not _DOC:
        _DOC.update(json.loads(json.dumps(plan_routine(parse_intake({"minutes": 20})).to_dict())))
    return copy.deepcopy(_DOC)


def problems(raw) -> dict[str, str]:
    with pytest.raises(InputError) as caught:
        parse_routine(raw)
    return {p.path: p.message for p in caught.value.problems}


def test_a_routine_reads_back_equal_to_what_was_written():
    routine = plan_routine(parse_intake({"minutes": 20, "spots": [{"kind": "wound", "zone": "flank_left"}]}))
    again = parse_routine(json.loads(json.dumps(routine.to_dict())))
    assert again.to_dict() == routine.to_dict()
    assert again.intake == routine.intake and again.screening == routine.screening


def test_the_written_routine_has_the_documented_fields():
    d = doc()
    assert d["format"] == FORMAT
    assert abs(d["minutes"] - sum(s["seconds"] for s in d["steps"]) / 60) < 0.01
    assert set(d["screening"]) == {"decision", "reasons", "changes"}
    for step in d["steps"]:
        assert {"phase", "technique", "zones", "side", "direction", "pressure", "reps", "seconds",
                "path", "cue", "rules"} <= set(step)
        assert step["cue"] and all(len(p) == 2 for p in step["path"])


def test_wrong_types_unknown_names_and_missing_fields_are_all_named():
    d = doc()
    d["steps"][0]["technique"] = "shiatsu"
    d["steps"][1]["reps"] = "5"
    d["steps"][2]["reps"] = True
    d["steps"][3]["path"][2] = [1, "2"]
    d["steps"][4]["pressure"] = 2
    del d["steps"][5]["side"]
    d["steps"][6]["zones"] = ["lumbar"]
    d["steps"][7]["seconds"] = -3
    d["steps"][8]["path"] = []
    d["steps"][9]["colour"] = "red"
    d["minutes"] = "twenty"
    found = problems(d)
    assert set(found) == {
        "steps[0].technique", "steps[1].reps", "steps[2].reps", "steps[3].path[2]", "steps[4].pressure",
        "steps[5].side", "steps[6].zones[0]", "steps[7].seconds", "steps[8].path", "steps[9].colour",
        "minutes",
    }
    assert "unknown technique 'shiatsu'" in found["steps[0].technique"]
    assert "missing" in found["steps[5].side"]
    assert "lumbar_left or lumbar_right" in found["steps[6].zones[0]"]


def test_a_bad_embedded_intake_is_reported_under_intake():
    d = doc()
    d["intake"]["minutes"] = 500
    d["intake"]["spots"] = [{"kind": "wound", "zone": "lumbar"}]
    found = problems(d)
    assert {"intake.minutes", "intake.spots[0].zone"} <= set(found)


@pytest.mark.parametrize("raw", [None, [], "routine", 3, {"steps": "all of them"},
                                 {"format": "other/2", "steps": []}, {"steps": [None, 1, "x"]},
                                 {"steps": [{}]}, {"steps": [], "screening": "ok"}])
def test_garbage_gives_input_problems_not_a_crash(raw):
    assert problems(raw)


_JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers(-10, 10) | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=300)
@given(field=st.sampled_from(["phase", "technique", "zones", "side", "direction", "pressure", "reps",
                              "seconds", "path", "cue", "rules", "lead_in"]),
       index=st.integers(0, 10), value=_JSONISH)
def test_any_value_in_any_step_field_is_read_or_refused_cleanly(field, index, value):
    d = doc()
    d["steps"][index][field] = value
    try:
        routine = parse_routine(d)
    except InputError as err:
        assert all(p.path.startswith(f"steps[{index}].{field}") for p in err.problems), err.problems
        return
    check_routine(routine)  # whatever was accepted can be checked without an exception


def test_a_path_far_off_the_back_or_endlessly_long_is_refused_by_field():
    # Found by the import fuzzer: a point at 1e308 overflowed the verifier's sampling, and a path
    # thousands of centimetres long would make every check crawl along it.
    from backrub.errors import InputError
    from backrub.intake import parse_intake
    from backrub.planner import plan_routine
    from backrub.routine import parse_routine

    raw = plan_routine(parse_intake({})).to_dict()
    raw["steps"][2]["path"][1] = [1e308, 10]
    raw["steps"][3]["path"] = [[-60, 0], [60, 0]] * 20
    with pytest.raises(InputError) as err:
        parse_routine(raw)
    where = [p.path for p in err.value.problems]
    assert "steps[2].path[1]" in where and "steps[3].path" in where


@pytest.mark.parametrize(("change", "path"), [
    ({"surprise": 1}, "surprise"),  # an unknown field, like everywhere else
    ({"screening": {"decision": "go ahead"}}, "screening"),  # was read as trusted
    ({"screening": {"decision": "proceed", "reasons": [{"code": 1}]}}, "screening.reasons"),
    ({"minutes": 1e308}, "minutes"),
    ({"minutes": -5}, "minutes"),
])
def test_the_routine_level_fields_are_read_like_any_input(change, path):
    assert path in problems({**doc(), **change})


def test_a_step_setting_is_read_whole_and_bounded():
    d = doc()
    d["steps"][0]["reps"] = 3.0  # JSON does not tell 3.0 from 3
    assert parse_routine(d).steps[0].reps == 3
    d["steps"][0]["reps"] = 10**6
    assert "steps[0].reps" in problems(d)
    d = doc()
    d["steps"][0]["device"] = {"speed": 1, "per_minute": 1500, "attachment": {}, "seconds_per_area": 5}
    assert "steps[0].device.attachment" in problems(d)  # was a TypeError (a dict is no name)
