"""A clinician's clearance names the conditions it covers and never clears any other (DESIGN.md
Additions); `true` still clears every condition of the intake."""

from __future__ import annotations

import pytest

from backrub.errors import InputError
from backrub.intake.model import parse_intake
from backrub.intake.screening import screen


def test_a_clearance_for_heart_disease_does_not_clear_cancer() -> None:
    raw = {"conditions": ["heart_disease", "cancer"], "cleared_by_clinician": ["heart_disease"]}
    s = screen(parse_intake(raw))
    assert s.decision == "check_first" and not s.may_plan
    still = [r.code for r in s.reasons if "Cleared by a clinician" not in r.message]
    assert still == ["cancer"]


def test_a_clearance_naming_every_check_first_condition_lets_the_plan_go_on() -> None:
    s = screen(parse_intake({"conditions": ["heart_disease", "cancer"],
                             "cleared_by_clinician": ["cancer", "heart_disease"]}))
    assert s.decision == "adapt" and s.may_plan and s.pressure_cap == "medium"


def test_true_still_clears_every_condition_and_a_list_round_trips() -> None:
    assert screen(parse_intake({"conditions": ["cancer"], "cleared_by_clinician": True})).may_plan
    intake = parse_intake({"conditions": ["cancer"], "cleared_by_clinician": ["cancer", "cancer"]})
    assert intake.to_dict()["cleared_by_clinician"] == ["cancer"]
    assert parse_intake(intake.to_dict()) == intake


@pytest.mark.parametrize(("value", "path"), [
    (["cancr"], "cleared_by_clinician[0]"), ([3], "cleared_by_clinician[0]"),
    ([[1]], "cleared_by_clinician[0]"),
    ("yes", "cleared_by_clinician"), (["cancer"] * 40, "cleared_by_clinician"),
])
def test_a_bad_clearance_names_the_field(value: object, path: str) -> None:
    with pytest.raises(InputError) as err:
        parse_intake({"conditions": ["cancer"], "cleared_by_clinician": value})
    assert [p.path for p in err.value.problems] == [path]
