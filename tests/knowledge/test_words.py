"""Places are named in words a giver says ("right kidney area"), never ids or coordinates."""

from __future__ import annotations

import re

from backrub.intake.model import parse_intake
from backrub.intake.screening import screen
from backrub.knowledge.screening_table import CONDITIONS
from backrub.knowledge.words import CONDITION_NAMES, CONDITION_QUESTIONS, PLACES, place_words
from backrub.knowledge.zones import ZONE_IDS


def test_every_zone_and_condition_has_its_words() -> None:
    assert set(PLACES) == set(ZONE_IDS)
    assert place_words("kidney_right") == "right kidney area"
    assert place_words("scapula_left") == "left shoulder blade"
    assert all("_" not in w for w in PLACES.values())
    assert {c for c, _ in CONDITION_QUESTIONS} == set(CONDITIONS)
    assert set(CONDITION_NAMES) == set(CONDITIONS)


def test_screening_names_places_in_words() -> None:
    s = screen(parse_intake({"spots": [{"kind": "wound", "at": {"x_cm": 6, "y_cm": 30}},
                                       {"kind": "pain", "zone": "lumbar_left"}]}))
    text = " ".join(c.message for c in s.changes)
    assert "right middle back" in text and "left lower back" in text
    assert not re.search(r"\d+(\.\d+)?\s*cm\)|\(\s*-?\d|_", text)
