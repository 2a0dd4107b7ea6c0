"""The coach's page tells breath-paced steps by their cue (static/js/breath/wave.js, PACED_CUE):
that must stay true of every step the planner writes and every step a re-time rewrites."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from backrub.intake.model import Intake
from backrub.knowledge.techniques import TECHNIQUES
from backrub.planner import plan_routine
from backrub.planner.retime import NotRetimed, retime

WAVE = Path(__file__).resolve().parents[2] / "src/backrub/web/static/js/breath/wave.js"


def paced_cue() -> re.Pattern[str]:
    found = re.search(r"const PACED_CUE = /(.+)/;", WAVE.read_text())
    assert found, "PACED_CUE is gone from wave.js"
    return re.compile(found.group(1))


@pytest.mark.parametrize("goal", ["relax", "energize", "comfort_care"])
@pytest.mark.parametrize("giver", ["partner", "self", "caregiver", "robot"])
def test_the_page_tells_breath_paced_steps_by_their_cue(goal: str, giver: str) -> None:
    pattern = paced_cue()
    for style in ("upward", "breath_wave"):
        intake = Intake(goal=goal, giver=giver, style=style, minutes=10 if goal == "comfort_care" else 30,
                        breaths_per_minute=14)
        routine = plan_routine(intake)
        try:
            routines = [routine, retime(routine, 1, 15.0)]
        except NotRetimed:
            routines = [routine]
        for new in routines:
            for step in new.steps:
                said = pattern.search(step.cue) is not None
                assert said == TECHNIQUES[step.technique].breath_paced, (step.technique, step.cue)
