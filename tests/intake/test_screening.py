"""Screening: each condition's decision, with the reason and source a user is shown."""

from __future__ import annotations

import pytest

from backrub.intake import parse_intake, screen
from backrub.knowledge.screening_table import CONDITIONS

REFER = ["dvt", "fever", "infectious_illness", "recent_surgery", "joint_inflammation", "bone_disease",
         "pregnancy", "uncontrolled_hypertension", "fracture"]
CHECK_FIRST = ["injury", "cancer", "heart_disease"]
LIGHT_ONLY = ["blood_thinners", "bleeding_disorder", "osteoporosis", "fragile_skin"]


def _screen(**raw):
    return screen(parse_intake(raw))


def test_no_conditions_and_no_spots_proceeds_with_a_reason():
    s = _screen()
    assert s.decision == "proceed" and s.may_plan
    assert s.reasons and s.changes == ()


@pytest.mark.parametrize("code", REFER)
def test_conditions_that_refer_stop_the_massage(code):
    s = _screen(conditions=[code], cleared_by_clinician=True)  # clearance does not lift a referral
    assert s.decision == "refer" and not s.may_plan
    reason = next(r for r in s.reasons if r.code == code)
    assert reason.message and reason.source == CONDITIONS[code].source
    assert s.changes == ()


def test_the_seed_sources_are_named_where_the_seeds_say_so():
    assert _screen(conditions=["dvt"]).reasons[0].source == "002"
    assert _screen(conditions=["pregnancy"]).reasons[0].source == "002"
    assert _screen(conditions=["joint_inflammation"]).reasons[0].source == "001"
    assert _screen(conditions=["bone_disease"]).reasons[0].source == "001"


@pytest.mark.parametrize("code", CHECK_FIRST)
def test_conditions_that_need_a_clinician_wait_for_clearance(code):
    s = _screen(conditions=[code])
    assert s.decision == "check_first" and not s.may_plan
    cleared = _screen(conditions=[code], cleared_by_clinician=True)
    assert cleared.decision == "adapt" and cleared.may_plan
    assert cleared.pressure_cap == "medium"  # after clearance: no firm pressure
    assert "Cleared by a clinician" in cleared.reasons[0].message


@pytest.mark.parametrize("code", LIGHT_ONLY)
def test_bruising_and_fragility_adapt_to_light_pressure_and_no_patting(code):
    s = _screen(conditions=[code])
    assert s.decision == "adapt"
    assert s.pressure_cap == "light"
    assert "patting" in s.banned_techniques
    assert all(c.because == (code,) for c in s.changes)


def test_the_strongest_decision_wins_and_every_reason_is_kept():
    s = _screen(conditions=["osteoporosis", "cancer", "fever"])
    assert s.decision == "refer"
    assert {r.code for r in s.reasons} == {"osteoporosis", "cancer", "fever"}
    assert s.changes == ()  # nothing is planned, so nothing is changed


def test_a_skin_infection_needs_a_marked_place():
    unmarked = _screen(conditions=["skin_infection"])
    assert unmarked.decision == "check_first"
    assert "mark where it is" in unmarked.reasons[0].message
    marked = _screen(conditions=["skin_infection"], spots=[{"kind": "rash", "zone": "scapula_left"}])
    assert marked.decision == "adapt"
    assert [c.code for c in marked.changes] == ["exclude_spot"]


def test_marked_places_adapt_the_plan_and_name_the_spot():
    s = _screen(spots=[{"kind": "knot", "zone": "scapula_left"}, {"kind": "wound", "zone": "lumbar_right"},
                       {"kind": "pain", "at": {"x_cm": 5, "y_cm": 20}}])
    assert s.decision == "adapt"
    changes = [(c.code, c.value) for c in s.changes]
    assert changes == [("exclude_spot", "spots[1]"), ("avoid_pain", "spots[2]")]
    assert any(r.code == "local_spots" for r in s.reasons)


def test_knots_alone_change_nothing():
    assert _screen(spots=[{"kind": "knot", "zone": "scapula_left"}]).decision == "proceed"


def test_screening_survives_its_own_json():
    from backrub.intake.screening import Screening

    s = _screen(conditions=["fragile_skin"], spots=[{"kind": "bruise", "zone": "flank_left"}])
    assert Screening.from_dict(s.to_dict()) == s
