"""Device scenario files (tests/scenarios_device/*.json): an intake with a massager and what its plan
must show. Every plan is also held to the independent head oracle and the two-minute cap; an unknown
expectation fails, so a typo cannot pass silently."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from backrub.gate import planned
from backrub.intake import parse_intake
from backrub.knowledge.zones import base_name
from backrub.routine import Routine
from backrub.verifier import check_routine
from tests.device_oracle import CAP_S, head_violations, seconds_by_zone

SCENARIOS = sorted((Path(__file__).parents[1] / "scenarios_device").glob("*.json"))
BACKRUB = str(Path(sys.prefix) / "bin" / "backrub")


def _expect(routine: Routine, key: str, want: Any) -> None:
    on = [s for s in routine.steps if s.device is not None]
    zones = {z for s in on for z in s.zones}
    if key == "min_device_steps":
        assert len(on) >= want
    elif key == "max_device_steps":
        assert len(on) <= want
    elif key == "device_zones_present":
        assert set(want) <= zones, set(want) - zones
    elif key == "device_zones_absent":
        assert not set(want) & zones
    elif key == "speed_one_on":
        hits = [s for s in on if {base_name(z) for z in s.zones} & set(want)]
        assert hits and all(s.device.speed == 1 for s in hits)
    elif key == "heat":
        assert on and all(s.device.heat is want for s in on)
    elif key == "by_hand_after_cap":
        muscles = ("kneading", "circular_friction", "spiral_kneading")
        assert [s for s in routine.steps if s.device is None and s.phase == "work" and s.technique in muscles]
    elif key == "no_warnings":
        assert check_routine(routine).findings == ()
    else:
        raise AssertionError(f"unknown expectation {key!r}")


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_device_scenario(path: Path) -> None:
    scenario = json.loads(path.read_text())
    raw = scenario["intake"]
    routine = planned(parse_intake(raw))
    done = subprocess.run([BACKRUB, "plan", "-", "--json"], input=json.dumps(raw), capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == json.loads(json.dumps(routine.to_dict()))
    assert check_routine(routine).ok
    assert head_violations(routine) == []
    assert all(v <= CAP_S * 1.05 + 1 for v in seconds_by_zone(routine).values())
    for key, want in scenario["expect"].items():
        _expect(routine, key, want)


def test_there_are_device_scenarios_for_each_builtin_and_an_own_profile():
    devices = {json.dumps(json.loads(p.read_text())["intake"]["device"]) for p in SCENARIOS}
    assert {'"percussion-small"', '"percussion-full"', '"vibration-heat"'} <= devices
    assert any(d.startswith("{") for d in devices)
