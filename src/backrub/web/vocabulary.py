"""The coach's words for its pages, written from `knowledge/` into `static/js/vocabulary.js`.

Run `python -m backrub.web.vocabulary` after changing the knowledge; a test fails while the file
and the knowledge disagree, so the pages never carry words of their own.
"""

from __future__ import annotations

import json
from pathlib import Path

from backrub.intake.model import COMFORT_MINUTES, FULL_MINUTES, Intake
from backrub.knowledge.screening_table import CONDITIONS
from backrub.knowledge.techniques import HAND_OF
from backrub.knowledge.words import (
    COMMON_STANDING,
    CONDITION_NAMES,
    CONDITION_QUESTIONS,
    PLACES,
    STANDING_CONDITIONS,
)
from backrub.render.hands import all_hand_parts
from backrub.web.routes.backmap import map_of

TARGET = Path(__file__).parent / "static" / "js" / "vocabulary.js"


def vocabulary() -> dict[str, object]:
    """Everything the pages need to say, from the one source."""
    return {
        "places": PLACES,
        "conditionQuestions": [list(q) for q in CONDITION_QUESTIONS],
        "conditionNames": CONDITION_NAMES,
        "standingConditions": [list(c) for c in STANDING_CONDITIONS],
        "commonStanding": COMMON_STANDING,
        "clearable": sorted(c for c, rule in CONDITIONS.items() if rule.decision == "check_first"),
        "minutes": {"full": list(FULL_MINUTES), "comfort": list(COMFORT_MINUTES),
                    "default": 30, "comfortDefault": 8},
        # Which part of the hand each technique uses, and how each is drawn (render/hands.py).
        "hands": HAND_OF,
        "handParts": all_hand_parts(),
        # The chart of an average adult's back, so the intake draws it before any request.
        "defaultMap": map_of(Intake()),
    }


def module_text() -> str:
    """vocabulary.js as it should read."""
    body = json.dumps(vocabulary(), ensure_ascii=False, separators=(",", ":"))
    return ("// Written by `python -m backrub.web.vocabulary` from backrub/knowledge: do not edit by hand.\n"
            f"export const VOCABULARY = Object.freeze({body});\n")


if __name__ == "__main__":
    TARGET.write_text(module_text(), encoding="utf-8")
    print(f"wrote {TARGET}")
