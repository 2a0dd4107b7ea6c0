"""Table rows: keyword fields with defaults, read-only once built, copied with changes."""

from __future__ import annotations

from dataclasses import FrozenInstanceError

import pytest

from backrub.knowledge.method import METHOD, Slot
from backrub.knowledge.rules import RULES
from backrub.knowledge.techniques import TECHNIQUES
from backrub.rows import Row


class Shelf(Row):
    """A row for these tests."""

    name: str
    height_cm: float = 30.0
    tags: tuple[str, ...] = ()


def test_a_row_takes_its_fields_by_name_and_fills_the_defaults() -> None:
    shelf = Shelf(name="top", tags=("oil",))
    assert (shelf.name, shelf.height_cm, shelf.tags) == ("top", 30.0, ("oil",))


def test_a_missing_or_unknown_field_is_named() -> None:
    with pytest.raises(TypeError, match="Shelf: 'name' is required"):
        Shelf(height_cm=10.0)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="Shelf: no field 'colour'"):
        Shelf(name="top", colour="red")  # type: ignore[call-arg]


def test_rows_are_read_only() -> None:
    shelf = Shelf(name="top")
    with pytest.raises(FrozenInstanceError):
        shelf.height_cm = 99.0  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        del shelf.name
    assert shelf.height_cm == 30.0


def test_the_tables_cannot_be_changed_by_accident() -> None:
    # A long-running coach plans from these tables for every client: none may be altered in place.
    with pytest.raises(FrozenInstanceError):
        TECHNIQUES["stroking"].pressure_max = "firm"  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        RULES["spine-pressure"].safety = False  # type: ignore[misc]
    assert TECHNIQUES["stroking"].pressure_max != "firm"


def test_with_changes_copies_and_leaves_the_row_alone() -> None:
    shelf = Shelf(name="top", tags=("oil",))
    lower = shelf.with_changes(height_cm=12.5)
    assert (lower.name, lower.height_cm, lower.tags) == ("top", 12.5, ("oil",))
    assert shelf.height_cm == 30.0
    with pytest.raises(TypeError, match="no field 'width'"):
        shelf.with_changes(width=3)


def test_rows_are_the_same_row_or_not() -> None:
    assert Shelf(name="top") != Shelf(name="top")
    assert len({Shelf(name="top"), Shelf(name="top")}) == 2


def test_a_script_variant_is_a_copy() -> None:
    gentler = METHOD.replaced("knead_mid", wanted="light")
    assert [s.wanted for s in gentler.slots() if s.key == "knead_mid"] == ["light"]
    assert [s.wanted for s in METHOD.slots() if s.key == "knead_mid"] == ["firm"]
    assert all(isinstance(s, Slot) for s in gentler.slots())
