"""DESIGN.md's Additions in the routine: step `round`, routine `preparation`, `notes`, `advice`.
They survive JSON, bad values are named by field, and routines written before them still read."""

from __future__ import annotations

import json

import pytest

from backrub.errors import InputError
from backrub.intake import parse_intake
from backrub.planner import plan_routine
from backrub.routine import parse_routine
from backrub.verifier import check_routine


def _doc(**raw):
    return json.loads(json.dumps(plan_routine(parse_intake({"minutes": 30, **raw})).to_dict()))


def test_the_new_fields_are_written_and_read_back():
    doc = _doc(spots=[{"kind": "knot", "at": {"x_cm": 10, "y_cm": 30}},
                      {"kind": "wound", "at": {"x_cm": 12, "y_cm": 30}, "radius_cm": 1}])
    assert {p["source"] for p in doc["preparation"]} and all(set(p) == {"item", "why", "source"}
                                                             for p in doc["preparation"])
    assert doc["notes"] and all(set(n) == {"code", "message"} for n in doc["notes"])
    assert doc["advice"] and all(isinstance(a, str) for a in doc["advice"])
    assert {s.get("round") for s in doc["steps"]} >= {None, 1, 2}
    again = parse_routine(doc)
    assert again.to_dict() == doc


def test_a_routine_written_before_the_additions_still_reads_and_checks():
    doc = _doc()
    for key in ("preparation", "notes", "advice"):
        doc.pop(key, None)
    for step in doc["steps"]:
        step.pop("round", None)
    routine = parse_routine(doc)
    assert routine.preparation == () and all(s.round is None for s in routine.steps)
    assert check_routine(routine).ok


@pytest.mark.parametrize(("key", "value", "path"), [
    ("preparation", "warm room", "preparation"),
    ("preparation", [{"item": "oil", "why": 3, "source": "004"}], "preparation[0].why"),
    ("preparation", [{"item": "oil", "why": "glide", "source": "004", "extra": 1}], "preparation[0].extra"),
    ("notes", [{"code": "x"}], "notes[0].message"),
    ("advice", ["weekly", 7], "advice[1]"),
    ("advice", ["x"] * 101, "advice"),
])
def test_bad_additions_are_named_by_field(key, value, path):
    doc = _doc()
    doc[key] = value
    with pytest.raises(InputError) as caught:
        parse_routine(doc)
    assert path in {p.path for p in caught.value.problems}


@pytest.mark.parametrize("value", [0, -1, 2.5, "1", True, 100])
def test_a_bad_round_is_named(value):
    doc = _doc()
    doc["steps"][10]["round"] = value
    with pytest.raises(InputError) as caught:
        parse_routine(doc)
    assert "steps[10].round" in {p.path for p in caught.value.problems}
