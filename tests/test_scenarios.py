"""Scenario files: an intake and the properties its plan must have (tests/scenarios/*.json).

Each expectation names something a person would check on the plan; an unknown key fails, so a
typo in a scenario cannot pass silently.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from backrub.geometry import length, signed_area
from backrub.intake import parse_intake, screen
from backrub.knowledge.techniques import PRESSURES
from backrub.knowledge.zones import zone_at
from backrub.planner import NotPlanned, plan_routine
from backrub.routine import Routine

SCENARIOS = sorted((Path(__file__).parent / "scenarios").glob("*.json"))
BACKRUB = str(Path(sys.prefix) / "bin" / "backrub")


def _points(routine: Routine, pressed_only: bool = False):
    for step in routine.steps:
        if pressed_only and step.pressure == "light":
            continue
        for path in step.hand_paths():
            yield from path
        if not pressed_only:
            yield from step.lead_in


def _expect_planned(routine: Routine, key: str, want: Any) -> None:
    body = routine.intake.body
    techniques = {s.technique for s in routine.steps}
    if key == "minutes":
        assert abs(routine.total_minutes - want) <= 0.05 * want
    elif key == "techniques_present":
        assert set(want) <= techniques, set(want) - techniques
    elif key == "techniques_absent":
        assert not set(want) & techniques
    elif key == "max_pressure":
        assert max(PRESSURES.index(s.pressure) for s in routine.steps) == PRESSURES.index(want)
    elif key == "first_technique":
        assert routine.steps[0].technique == want
    elif key in ("zones_never_touched", "zones_never_pressed"):
        hits = [(p, zone_at(body, *p)) for p in _points(routine, key == "zones_never_pressed")
                if zone_at(body, *p) in want]
        assert not hits, hits[:3]
    elif key == "points_clear_of":
        for x, y, r in want:
            close = [p for p in _points(routine) if math.dist(p, (x, y)) < r]
            assert not close, close[:3]
    elif key == "clockwise_circles_near":
        assert [s for s in routine.steps if s.direction == "clockwise" and signed_area(s.path) < 0
                and math.dist(s.path[0], want) < 4]
    elif key == "max_speed_cm_s":
        assert all(length(s.path) / s.rep_seconds <= want * 1.05 for s in routine.steps)
    elif key == "sides":
        order = [s.side for s in routine.steps if s.side != "center"]
        collapsed = [side for k, side in enumerate(order) if k == 0 or order[k - 1] != side]
        assert collapsed == want
    elif key == "min_rounds":  # seed 003: round the back twice
        assert max((s.round or 0) for s in routine.steps) >= want
    elif key == "max_step_seconds":
        assert max(s.seconds for s in routine.steps) <= want
    elif key == "order":  # first appearances of these techniques, in this order (seed 004)
        seen = [s.technique for s in routine.steps if s.technique in want]
        firsts = [t for k, t in enumerate(seen) if t not in seen[:k]]
        assert firsts == want, firsts
    elif key == "first_pressed_zones_in":  # lower to upper (seeds 000, 003)
        first = next(s for s in routine.steps if s.pressure != "light")
        assert {z.rsplit("_", 1)[0] for z in first.zones} & set(want), first.zones
    elif key == "zones_touched":
        touched = {z.rsplit("_", 1)[0] for s in routine.steps for z in s.zones}
        assert set(want) <= touched, set(want) - touched
    elif key == "light_techniques_present":  # gentle forms (seed 003)
        light = {s.technique for s in routine.steps if s.pressure == "light"}
        assert set(want) <= light, set(want) - light
    elif key == "cues_contain":
        text = " ".join(s.cue for s in routine.steps)
        assert all(w in text for w in want), [w for w in want if w not in text]
    elif key == "cues_never_contain":
        text = " ".join(s.cue for s in routine.steps)
        assert not [w for w in want if w in text]
    elif key == "preparation_items":
        items = " ".join(p.item for p in routine.preparation)
        assert all(w in items for w in want), [w for w in want if w not in items]
    elif key == "note_codes":
        assert [n.code for n in routine.notes] == want
    else:
        raise AssertionError(f"unknown expectation {key!r}")


def _cases() -> list[Any]:
    """One case per file; a file with `"known_bug": "..."` is expected to fail until it is fixed."""
    cases = []
    for path in SCENARIOS:
        bug = json.loads(path.read_text()).get("known_bug")
        marks = [pytest.mark.xfail(strict=True, reason=bug)] if bug else []
        cases.append(pytest.param(path, id=path.stem, marks=marks))
    return cases


@pytest.mark.parametrize("path", _cases())
def test_scenario(path: Path) -> None:
    scenario = json.loads(path.read_text())
    raw, expect = scenario["intake"], dict(scenario["expect"])
    intake = parse_intake(raw)
    screening = screen(intake)
    assert screening.decision == expect.pop("decision")
    codes = expect.pop("reason_codes", None)
    if codes is not None:
        assert [r.code for r in screening.reasons] == codes
    exit_code = expect.pop("exit_code")
    done = subprocess.run([BACKRUB, "plan", "-", "--json"], input=json.dumps(raw), capture_output=True,
                          text=True, check=False)
    assert done.returncode == exit_code, done.stderr
    if not expect.pop("planned"):
        with pytest.raises(NotPlanned):
            plan_routine(intake)
        assert json.loads(done.stdout)["planned"] is False
        assert not expect, f"unused expectations for an unplanned intake: {expect}"
        return
    routine = plan_routine(intake)
    assert json.loads(done.stdout) == json.loads(json.dumps(routine.to_dict()))
    for key, want in expect.items():
        _expect_planned(routine, key, want)


def test_there_are_scenarios_for_every_decision():
    decisions = {json.loads(p.read_text())["expect"]["decision"] for p in SCENARIOS}
    assert decisions == {"proceed", "adapt", "check_first", "refer"}
