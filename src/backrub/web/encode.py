"""Routine JSON for the wire, built from cached step fragments.

A replanned routine keeps the steps already done as the same Step values, so their JSON is
made once; the text equals `json.dumps(routine.to_dict(), separators=(",", ":"))`.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Sequence

from backrub.geometry import Point
from backrub.routine.model import Routine, Step

_SEP = (",", ":")
_LIMIT = 50_000
# A step's text by every field of it: the path and lead-in by identity (held in the entry, so their
# ids stay their own while remembered), the rest by value. Hashing a key without the points costs a
# fraction of hashing the Step (a replan's steps are new objects on the planner's same paths).
_StepKey = tuple[object, ...]
_steps: OrderedDict[_StepKey, tuple[tuple[Point, ...], tuple[Point, ...], str]] = OrderedDict()


def routine_json(routine: Routine) -> str:
    """The routine as compact JSON text, the same as encoding `routine.to_dict()`."""
    head = routine.header_dict()
    steps = ",".join(_step_json(s) for s in routine.steps)
    return json.dumps(head, separators=_SEP)[:-1] + ',"steps":[' + steps + "]}"


def steps_json(steps: Sequence[Step]) -> str:
    """The steps as a compact JSON array, from the same cached fragments (a replan's tail)."""
    return "[" + ",".join(_step_json(s) for s in steps) + "]"


def _step_json(step: Step) -> str:
    key = (id(step.path), id(step.lead_in), step.phase, step.technique, step.zones, step.side, step.direction,
           step.pressure, step.reps, step.seconds, step.cue, step.rules, step.device, step.round)
    got = _steps.get(key)
    if got is not None and got[0] is step.path and got[1] is step.lead_in:
        return got[2]
    text = json.dumps(step.to_dict(), separators=_SEP)
    _steps[key] = (step.path, step.lead_in, text)
    if len(_steps) > _LIMIT:
        _steps.popitem(last=False)
    return text
