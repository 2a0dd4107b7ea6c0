"""Live replanning: whatever the receiver says, at any step, the replanned rest passes the
independent oracle (tests/oracle) and the verifier, judged against the changed intake."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from backrub.errors import InputError
from backrub.intake import parse_intake
from backrub.planner import Feedback, NotPlanned, plan_routine, replan
from backrub.verifier import check_routine
from tests.conftest import property_examples
from tests.oracle import violations
from tests.strategies import intakes

feedbacks = st.one_of(
    st.sampled_from([None, Feedback(kind="softer"), Feedback(kind="firmer"), Feedback(kind="skip")]),
    st.builds(
        lambda x, y: Feedback(kind="pain", at=(x, y)),
        st.floats(-20, 20, allow_nan=False),
        st.floats(0, 50, allow_nan=False),
    ),
)


@settings(max_examples=property_examples(40))
@given(intakes(), st.floats(0, 1), feedbacks)
def test_every_replan_passes_the_oracle_and_the_verifier(raw, where, feedback):
    try:
        routine = plan_routine(parse_intake(raw))
    except NotPlanned:
        return
    from_step = min(len(routine.steps) - 1, int(where * len(routine.steps)))
    try:
        new = replan(routine, from_step, feedback)
    except (NotPlanned, InputError):
        return  # nothing safe is left (the coach finishes with a towel), or a tap off the back map
    report = check_routine(new.routine, performed=from_step)
    assert report.ok, [f.to_dict() for f in report.errors]
    doc = json.loads(json.dumps(new.routine.to_dict()))
    found = violations(doc, new.intake.to_dict(), performed=from_step, whole_time=False)
    assert not found, [str(v) for v in found[:5]]


@settings(max_examples=property_examples(15))
@given(intakes(), st.lists(feedbacks, min_size=2, max_size=4))
def test_a_session_with_several_changes_stays_safe(raw, changes):
    try:
        routine = plan_routine(parse_intake(raw))
    except NotPlanned:
        return
    done = 0
    for feedback in changes:
        done = min(len(routine.steps) - 1, done + 3)
        if done <= 0:
            return
        try:
            new = replan(routine, done, feedback)
        except (NotPlanned, InputError):
            return
        routine = new.routine
        doc = json.loads(json.dumps(routine.to_dict()))
        found = violations(doc, new.intake.to_dict(), performed=done, whole_time=False)
        assert not found, [str(v) for v in found[:5]]
