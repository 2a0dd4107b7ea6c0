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


def test_a_step_differing_in_any_one_field_gets_its_own_text():
    """The fragment cache keys a step by every field (the points by identity): a step changed in any
    one field, on the very same path, is written as itself, not as the one cached before it."""
    import dataclasses

    from backrub.routine.device import DeviceSettings
    from backrub.routine.model import Step

    step = plan_routine(parse_intake({"minutes": 20})).steps[3]
    settings = DeviceSettings(speed=2, per_minute=1800.0, attachment="ball", heat=False,
                              seconds_per_area=30.0)
    other = {
        "phase": "close", "technique": "kneading", "zones": ("neck_base",), "side": "left",
        "direction": "down", "pressure": "firm", "reps": step.reps + 1, "seconds": step.seconds + 1,
        "path": tuple(step.path[::-1]), "cue": step.cue + " Slowly.", "rules": (),
        "lead_in": ((1.0, 2.0),), "device": settings, "round": 7,
    }
    assert set(other) == {f.name for f in dataclasses.fields(Step)}  # a new field needs a case here
    routine_json(plan_routine(parse_intake({"minutes": 20})))  # the original step's text is cached
    for field, value in other.items():
        changed = step.with_changes(**{field: value})
        routine = plan_routine(parse_intake({"minutes": 20}))
        routine = dataclasses.replace(routine, steps=(*routine.steps[:3], changed, *routine.steps[4:]))
        assert routine_json(routine) == json.dumps(routine.to_dict(), separators=(",", ":")), field
