"""One vocabulary: the pages read their words from vocabulary.js, written from backrub/knowledge."""

from __future__ import annotations

import re
from pathlib import Path

from backrub.knowledge.screening_table import CONDITIONS
from backrub.knowledge.words import CONDITION_QUESTIONS, STANDING_CONDITIONS
from backrub.web.vocabulary import TARGET, module_text

JS = Path(TARGET).parent


def test_the_generated_vocabulary_matches_the_knowledge() -> None:
    assert TARGET.read_text(encoding="utf-8") == module_text(), \
        "run `python -m backrub.web.vocabulary` after changing backrub/knowledge/words.py"


def test_the_pages_take_their_words_from_it_and_keep_no_copy() -> None:
    words = (JS / "words.js").read_text(encoding="utf-8")
    assert 'from "./vocabulary.js"' in words
    every_js = "\n".join(p.read_text(encoding="utf-8") for p in JS.rglob("*.js") if p.name != "vocabulary.js")
    # No page spells out a health question or a place name of its own.
    for _, question in CONDITION_QUESTIONS:
        assert question not in every_js
    assert not re.search(r"kidney area|shoulder blade\"", every_js)


def test_the_records_pages_take_their_condition_words_from_it_too() -> None:
    """The record's form lists every condition of the screening table once, in the knowledge's words."""
    assert sorted(code for code, _ in STANDING_CONDITIONS) == sorted(CONDITIONS)
    records = (JS / "records" / "words.js").read_text(encoding="utf-8")
    assert 'from "../vocabulary.js"' in records and "VOCABULARY.standingConditions" in records
    every_js = "\n".join(p.read_text(encoding="utf-8") for p in JS.rglob("*.js") if p.name != "vocabulary.js")
    for _, words in STANDING_CONDITIONS:
        assert f'"{words}"' not in every_js, words
