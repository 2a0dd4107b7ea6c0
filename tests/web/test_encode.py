"""The coach's cached routine encoder says exactly what routine.to_dict() says."""

import json

from backrub.intake import parse_intake
from backrub.planner import Feedback, plan_routine, replan
from backrub.web.encode import routine_json


def test_cached_encoding_matches_the_routine_before_and_after_a_replan():
    routine = plan_routine(parse_intake({"minutes": 20, "spots": [{"kind": "knot", "zone": "scapula_left"}]}))
    assert json.loads(routine_json(routine)) == routine.to_dict()
    softer = replan(routine, 6, Feedback(kind="softer")).routine
    # Half the steps are cached from the first encoding; the text must still be the new routine.
    assert json.loads(routine_json(softer)) == softer.to_dict()
    assert softer.to_dict() != routine.to_dict()
