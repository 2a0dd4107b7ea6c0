"""The one gate: whatever planned or wrote a routine, only a verified one comes out."""

from __future__ import annotations

from dataclasses import replace

import pytest

import backrub.gate as gate
from backrub.intake import parse_intake
from backrub.planner import NotPlanned, plan_routine
from backrub.planner.feedback import Feedback, Replanned
from backrub.routine import Routine


def _broken(routine: Routine) -> Routine:
    """The same routine with a medium step's point moved onto the spine."""
    i = next(k for k, s in enumerate(routine.steps) if s.pressure == "medium" and len(s.path) > 3)
    step = routine.steps[i]
    path = (*step.path[:2], (0.3, step.path[2][1]), *step.path[3:])
    return replace(routine, steps=(*routine.steps[:i], step.with_changes(path=path), *routine.steps[i + 1:]))


def test_planned_refuses_what_the_verifier_refuses(monkeypatch):
    monkeypatch.setattr(gate, "plan_routine", lambda intake: _broken(plan_routine(intake)))
    with pytest.raises(gate.Unverified) as err:
        gate.planned(parse_intake({"minutes": 20}))
    assert isinstance(err.value, NotPlanned)  # the web answers 409, the command line exits 3
    assert "spine-pressure" in [f.rule for f in err.value.report.errors]
    assert "spine-pressure at steps[" in err.value.reasons[0]


def test_verified_hands_back_the_routine_itself_or_raises():
    routine = plan_routine(parse_intake({"minutes": 20}))
    assert gate.verified(routine) is routine
    with pytest.raises(gate.Unverified):
        gate.verified(_broken(routine))


def test_replanned_verifies_the_new_rest(monkeypatch):
    routine = plan_routine(parse_intake({"minutes": 20}))

    def bad_replan(r: Routine, from_step: int, feedback: Feedback | None = None) -> Replanned:
        return Replanned(routine=_broken(r), intake=r.intake, from_step=0, message="")

    monkeypatch.setattr("backrub.planner.feedback.replan", bad_replan)
    with pytest.raises(gate.Unverified):
        gate.replanned(routine, 0, Feedback(kind="skip"))
