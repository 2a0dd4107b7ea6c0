"""Routine JSON for the wire, built from cached step fragments.

A replanned routine keeps the steps already done as the same Step values, so their JSON is
made once; the text equals `json.dumps(routine.to_dict(), separators=(",", ":"))`.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Sequence

from backrub.routine.model import Routine, Step

_SEP = (",", ":")
_LIMIT = 50_000
_steps: OrderedDict[Step, str] = OrderedDict()


def routine_json(routine: Routine) -> str:
    """The routine as compact JSON text, the same as encoding `routine.to_dict()`."""
    head = routine.header_dict()
    steps = ",".join(_step_json(s) for s in routine.steps)
    return json.dumps(head, separators=_SEP)[:-1] + ',"steps":[' + steps + "]}"


def steps_json(steps: Sequence[Step]) -> str:
    """The steps as a compact JSON array, from the same cached fragments (a replan's tail)."""
    return "[" + ",".join(_step_json(s) for s in steps) + "]"


def _step_json(step: Step) -> str:
    text = _steps.get(step)
    if text is None:
        text = _steps[step] = json.dumps(step.to_dict(), separators=_SEP)
        if len(_steps) > _LIMIT:
            _steps.popitem(last=False)
    return text
