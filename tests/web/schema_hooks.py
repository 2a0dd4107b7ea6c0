"""Schemathesis hooks: the input rules a JSON schema cannot state, applied to generated requests.

The OpenAPI description states every other rule of the readers (ranges, choices, list limits, the
rules between fields such as comfort-care minutes or a self-massage position). These relate
numbers to each other, or depend on the computer, which JSON Schema cannot express; the description
says them in words:

- a waist at most 1.3 times the shoulder width (`BodyIn`);
- a spot's point on the back map, which grows with the body (`Spot.at`);
- a device's speed settings from slowest to fastest (`DeviceIn`);
- a step's path at most MAX_PATH_CM long (`StepIn.path`);
- a PDF's `tz`, a zone the computer's time-zone database knows (the schema gives its form only).

Each hook moves a generated value that the schema allows into these rules, and leaves alone any value
the schema itself refuses, so negative cases stay negative. The rules are written out here, apart from
the readers, so a reader that stopped applying one is still caught by the rest of the suite.

Used by tests/web/test_schema.py and by `benchmarks/soak_schema.py` (SCHEMATHESIS_HOOKS).
"""

from __future__ import annotations

import itertools
import math
import re
from typing import Any
from zoneinfo import available_timezones

import schemathesis

WAIST_PER_SHOULDER = 1.3
# Inside the back map of the smallest body the readers take (shoulders 28 cm, back 30 cm): the map
# reaches 8 cm past the shoulders and the top of the back.
SAFE_X, SAFE_Y = 20.0, 36.0
PATH_CM = 1500.0
SIZES = {"shoulder_width_cm": (28.0, 65.0), "waist_width_cm": (20.0, 60.0)}
DEFAULT_SIZES = {"shoulder_width_cm": 42.0, "waist_width_cm": 32.0}
SPEEDS = (300.0, 6000.0)
COORD = 200.0
TZ_FORM = re.compile(r"[A-Za-z0-9_+\-/]{1,64}")  # the form the description gives `tz`
KNOWN_ZONE = "Europe/Berlin"


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _body(body: Any) -> None:
    if not isinstance(body, dict):
        return
    shoulder, waist = body.get("shoulder_width_cm", 42.0), body.get("waist_width_cm", 32.0)
    ranges_ok = all(_number(v) and SIZES[k][0] <= v <= SIZES[k][1]
                    for k, v in (("shoulder_width_cm", shoulder), ("waist_width_cm", waist)))
    if ranges_ok and waist > WAIST_PER_SHOULDER * shoulder:
        body["waist_width_cm"] = WAIST_PER_SHOULDER * shoulder


def _fold(value: float, low: float, high: float) -> float:
    return low + math.fmod(abs(value), high - low)


def _spots(spots: Any) -> None:
    for spot in spots if isinstance(spots, list) else []:
        at = spot.get("at") if isinstance(spot, dict) else None
        if isinstance(at, dict) and _number(at.get("x_cm")) and _number(at.get("y_cm")):
            at["x_cm"] = _fold(at["x_cm"], -SAFE_X, SAFE_X)
            at["y_cm"] = _fold(at["y_cm"], 0.0, SAFE_Y)


def _device(device: Any) -> None:
    speeds = device.get("speeds_per_minute") if isinstance(device, dict) else None
    in_range = isinstance(speeds, list) and all(_number(v) and SPEEDS[0] <= v <= SPEEDS[1] for v in speeds)
    if in_range and speeds:
        device["speeds_per_minute"] = sorted(set(speeds))


def _intake(intake: Any) -> None:
    if isinstance(intake, dict):
        _body(intake.get("body"))
        _spots(intake.get("spots"))
        _device(intake.get("device"))


def _path(path: Any) -> Any:
    def point(p: Any) -> bool:
        return isinstance(p, list) and len(p) == 2 and all(_number(c) and abs(c) <= COORD for c in p)

    if not isinstance(path, list) or not all(point(p) for p in path):
        return path
    kept, length = path[:1], 0.0
    for a, b in itertools.pairwise(path):
        length += math.dist(a, b)
        if length > PATH_CM:
            break
        kept.append(b)
    return kept


def _routine(routine: Any) -> None:
    if not isinstance(routine, dict):
        return
    _intake(routine.get("intake"))
    for step in routine.get("steps") or [] if isinstance(routine.get("steps"), list) else []:
        if isinstance(step, dict):
            for key in ("path", "lead_in"):
                if key in step:
                    step[key] = _path(step[key])


def _case_positive(case: Any) -> bool:
    meta = getattr(case, "meta", None)
    return meta is not None and getattr(meta.generation.mode, "value", "") == "positive"


@schemathesis.hook
def map_case(context: Any, case: Any) -> Any:
    """The coverage phase builds whole cases (boundary values) and applies only case hooks: the same
    moves, on its positive cases."""
    if _case_positive(case):
        if isinstance(case.query, dict):
            case.query = map_query(context, dict(case.query))
        if isinstance(case.body, dict):
            case.body = map_body(context, case.body)
    return case


@schemathesis.hook
def map_query(context: Any, query: Any) -> Any:
    """GET /api/reflex-points takes a body's sizes in its query (numbers, or their text); the PDFs a
    time zone (a well-formed name the database lacks becomes a known one; a malformed one stays)."""
    if isinstance(query, dict) and isinstance(query.get("tz"), str) and TZ_FORM.fullmatch(query["tz"]) \
            and query["tz"] not in available_timezones():
        query["tz"] = KNOWN_ZONE
    if isinstance(query, dict) and "waist_width_cm" in query:
        sizes: dict[str, Any] = {}
        for key in SIZES:  # a size left out is the default one
            try:
                sizes[key] = float(query[key]) if key in query else DEFAULT_SIZES[key]
            except (TypeError, ValueError):
                return query
        _body(sizes)
        query["waist_width_cm"] = sizes["waist_width_cm"]
    return query


@schemathesis.hook
def map_body(context: Any, body: Any) -> Any:
    """Every request body that holds an intake, preferences, standing spots or a routine."""
    if isinstance(body, dict):
        _intake(body)
        _intake(body.get("intake"))
        _intake(body.get("preferences"))
        _routine(body.get("routine"))
    return body
