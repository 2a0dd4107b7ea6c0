"""The per-step memo of the verifier (context.py `_STEP_MEMO`): a live session re-verifies after every
change the steps it verified before, and the checks of one step remember what they found.

The safety gate must stay exact: a step checked after another that differs from it in any one field
a per-step check reads, or under an intake that differs in one field, gets the report it gets with
the memo empty. The oracle is the same checks run cold (the memo cleared before each report).
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from backrub.gate import planned
from backrub.intake import parse_intake
from backrub.intake.model import Intake
from backrub.routine.model import Routine, Step
from backrub.verifier import Report, check_routine
from backrub.verifier import context as ctx

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = json.loads((ROOT / "examples" / "intake.json").read_text())


def cold(routine: Routine, intake: Intake | None = None) -> Report:
    ctx._STEP_MEMO.clear()
    return check_routine(routine, intake)


def with_step(routine: Routine, index: int, step: Step) -> Routine:
    return replace(routine, steps=(*routine.steps[:index], step, *routine.steps[index + 1:]))


@pytest.fixture(scope="module")
def example() -> Routine:
    return planned(parse_intake(EXAMPLE))


def device_step() -> Step:
    routine = planned(parse_intake({"minutes": 20, "goal": "energize", "device": "percussion-small"}))
    return next(s for s in routine.steps if s.device is not None)


# One field changed at a time (the path stays the same object). Each pair is judged differently by
# some per-step check, so a memo keyed without that field would hand the second the first's report.
def variants(step: Step) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    return {
        "pressure": ({"pressure": "light"}, {"pressure": "firm"}),  # spine band, kidneys
        "technique": ({"technique": "stroking"}, {"technique": "kneading"}),  # tempo, messages
        "direction": ({"direction": "up"}, {"direction": "down"}),
        "phase": ({"phase": "work", "direction": "down"}, {"phase": "close", "direction": "down"}),
        "side": ({"side": "right"}, {"side": "both"}),  # the mirrored hand's zones
        "zones": ({"zones": step.zones}, {"zones": (*step.zones, "axilla_left")}),
        "reps": ({"reps": 5}, {"reps": 6}),
        "seconds": ({"seconds": 30.0}, {"seconds": 3.0}),
    }


FIELDS = ["pressure", "technique", "direction", "phase", "side", "zones", "reps", "seconds"]


@pytest.mark.parametrize("field", FIELDS)
def test_a_step_differing_in_one_field_read_is_judged_afresh(example: Routine, field: str) -> None:
    index = 1  # a light thumb glide over the midline, on a path shared by both variants
    step = example.steps[index]
    first, second = variants(step)[field]
    a = with_step(example, index, step.with_changes(**first))
    b = with_step(example, index, step.with_changes(**second))
    assert a.steps[index].path is b.steps[index].path
    expected_a, expected_b = cold(a), cold(b)
    assert expected_a.findings != expected_b.findings  # the field matters: a memo ignoring it shows
    ctx._STEP_MEMO.clear()
    assert check_routine(a).findings == expected_a.findings
    assert check_routine(b).findings == expected_b.findings
    assert check_routine(a).findings == expected_a.findings


def test_a_step_done_with_the_massager_or_by_hand_is_judged_afresh() -> None:
    step = device_step()
    routine = planned(parse_intake({"minutes": 20, "goal": "energize"}))
    slow = step.with_changes(seconds=step.seconds * 40)  # slow for energizing: a warning by hand only
    by_device = with_step(routine, 3, slow)
    by_hand = with_step(routine, 3, slow.with_changes(device=None))
    expected_device, expected_hand = cold(by_device), cold(by_hand)
    assert expected_device.findings != expected_hand.findings
    ctx._STEP_MEMO.clear()
    assert check_routine(by_device).findings == expected_device.findings
    assert check_routine(by_hand).findings == expected_hand.findings


@pytest.mark.parametrize("change", [
    {"pressure": "light"}, {"style": "breath_wave"}, {"goal": "energize"}, {"giver": "robot"},
    {"conditions": ["pregnancy"], "cleared_by_clinician": True}, {"breaths_per_minute": 6},
    {"body": {"back_length_cm": 38, "shoulder_width_cm": 30, "waist_width_cm": 24}},
])
def test_the_same_steps_under_another_intake_are_judged_afresh(
    example: Routine, change: dict[str, Any]
) -> None:
    other = parse_intake({**EXAMPLE, **change})
    firm = with_step(example, 1, example.steps[1].with_changes(pressure="firm"))
    expected_other, expected_own = cold(firm, other), cold(firm)
    assert expected_other.findings != expected_own.findings
    ctx._STEP_MEMO.clear()
    assert check_routine(firm).findings == expected_own.findings
    assert check_routine(firm, other).findings == expected_other.findings
    # Judged with no intake at all (only the routine's own): `known` is part of the key too.
    bare = replace(firm, intake=None)
    expected_bare = cold(bare)
    check_routine(firm)
    assert check_routine(bare).findings == expected_bare.findings


def test_the_same_step_elsewhere_in_a_routine_is_placed_where_it_is(example: Routine) -> None:
    """A remembered finding names the step it is in now, not the one it was first found in."""
    firm = example.steps[1].with_changes(pressure="firm")
    early = with_step(example, 1, firm)
    late = with_step(example, 20, firm)
    expected = cold(late)
    assert any(f.where.startswith("steps[20]") for f in expected.errors)
    ctx._STEP_MEMO.clear()
    check_routine(early)
    assert check_routine(late).findings == expected.findings


def test_a_routine_judged_with_or_without_an_intake_is_judged_afresh(example: Routine) -> None:
    """The same default intake, known (given) or not: breath pacing is judged only when known."""
    odd = with_step(example, 0, example.steps[0].with_changes(seconds=27.3))  # 5 strokes off the breath
    bare = replace(odd, intake=None)
    expected_known, expected_unknown = cold(bare, Intake()), cold(bare)
    assert expected_known.findings != expected_unknown.findings
    ctx._STEP_MEMO.clear()
    assert check_routine(bare).findings == expected_unknown.findings
    assert check_routine(bare, Intake()).findings == expected_known.findings
