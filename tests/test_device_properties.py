"""Random intakes × random device profiles: every plan the gate lets through keeps the massager's head
off the spine band, the kidneys and the neck, within about two minutes an area, on settings the device
has, and never uses it where it must not be used. Checked with tests/device_oracle.py, not the verifier.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backrub.errors import InputError
from backrub.gate import Unverified, planned
from backrub.intake import parse_intake
from backrub.knowledge.devices import BUILTIN
from backrub.knowledge.rules import RULES
from backrub.planner import NotPlanned, plan_routine
from backrub.verifier import check_routine
from tests.conftest import property_examples
from tests.device_oracle import CAP_S, head_violations, seconds_by_zone
from tests.strategies import intakes

NO_DEVICE = {"blood_thinners", "bleeding_disorder", "osteoporosis", "fragile_skin"}


@st.composite
def profiles(draw: st.DrawFn) -> Any:
    """A built-in id, or a person's own profile: 1-15 rising speeds, some heads, heat or not."""
    if draw(st.booleans()):
        return draw(st.sampled_from(sorted(BUILTIN)))
    speeds = sorted(draw(st.sets(st.integers(300, 6000), min_size=1, max_size=15)))
    heads = draw(st.lists(st.sampled_from(["round", "flat", "cushion", "bullet", "fork", "wedge"]),
                          min_size=1, max_size=4, unique=True))
    return {"id": "own", "kind": draw(st.sampled_from(["percussion", "vibration"])),
            "speeds_per_minute": speeds, "heat": draw(st.booleans()), "attachments": heads,
            "programs": []}


@pytest.mark.slow  # about 10 s: 150 random intakes x profiles, each planned and checked by the oracle
@settings(max_examples=property_examples(150), deadline=None)
@given(raw=intakes(), device=profiles())
def test_device_steps_keep_off_the_spine_kidneys_and_neck(raw: dict[str, Any], device: Any) -> None:
    if raw["giver"] == "robot":
        raw = {**raw, "giver": "partner"}
    intake = parse_intake({**raw, "device": device})
    try:
        routine = planned(intake)
    except Unverified:
        raise  # the planner's device steps must pass the verifier: never swallowed here
    except NotPlanned:
        return  # screening said no, or nothing fills the time: nothing is performed
    profile = intake.device
    assert profile is not None
    on = [s for s in routine.steps if s.device is not None]
    if NO_DEVICE & set(intake.conditions) or intake.goal == "comfort_care":
        assert not on
        return
    assert head_violations(routine) == []
    assert all(v <= CAP_S * 1.05 + 1 for v in seconds_by_zone(routine).values())
    # The device costs the massage nothing the verifier warns about (a knot keeps its circles, ...).
    by_hand = {f.rule for f in check_routine(plan_routine(intake)).findings}
    assert {f.rule for f in check_routine(routine).findings} <= by_hand
    for s in on:
        d = s.device
        assert 1 <= d.speed <= profile.levels and d.per_minute == profile.per_minute(d.speed)
        assert d.attachment in profile.attachments and d.attachment in ("round", "flat", "cushion")
        assert not d.heat or profile.heat
        assert s.phase in ("work", "focus") and s.side in ("left", "right")


@pytest.mark.slow  # a few seconds: live feedback on random device plans
@settings(max_examples=property_examples(60), deadline=None)
@given(raw=intakes(max_spots=2), device=profiles(), data=st.data())
def test_live_feedback_keeps_device_steps_safe(raw: dict[str, Any], device: Any, data: st.DataObject) -> None:
    from backrub.gate import replanned
    from backrub.planner.feedback import Feedback

    if raw["giver"] == "robot":
        raw = {**raw, "giver": "partner"}
    try:
        routine = planned(parse_intake({**raw, "device": device}))
    except Unverified:
        raise
    except NotPlanned:
        return
    for _ in range(2):
        k = data.draw(st.integers(1, len(routine.steps)), label="from_step")
        kind = data.draw(st.sampled_from(["softer", "firmer", "pain", "skip"]), label="kind")
        at = None
        if kind == "pain":
            x, y = data.draw(st.sampled_from([p for s in routine.steps for p in s.path]), label="at")
            at = (x, y)
        try:
            new = replanned(routine, k, Feedback(kind=kind, at=at))
        except Unverified as refused:
            # The gate may refuse a rest that misses the time (the coach then keeps the old plan), but
            # the planner must never offer one that breaks a safety rule, the device's above all.
            unsafe = [f for f in refused.report.errors if RULES[f.rule].safety]
            assert not unsafe, [(f.rule, f.where, f.message) for f in unsafe]
            return
        except (NotPlanned, InputError):
            return
        routine = new.routine
        assert head_violations(routine) == []
        assert all(v <= CAP_S * 1.05 + 1 for v in seconds_by_zone(routine).values())
