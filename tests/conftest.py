"""Shared fixtures: a planned routine for the example intake, and helpers to plan from raw dicts."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_INTAKE = ROOT / "examples" / "intake.json"

# Property tests draw the same examples on every run by default, so a known planner bug
# (marked xfail) fails every time rather than now and then. `BACKRUB_PROPERTY_SCALE=10`
# runs ten times as many examples, drawn afresh each run (a soak for new bugs).
_SOAK = float(os.environ.get("BACKRUB_PROPERTY_SCALE", "1")) != 1
settings.register_profile(
    "backrub", deadline=None, derandomize=not _SOAK, database=None if not _SOAK else settings().database,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile("backrub")


def property_examples(n: int) -> int:
    """How many examples a property test draws: `n`, scaled by BACKRUB_PROPERTY_SCALE."""
    return max(1, int(n * float(os.environ.get("BACKRUB_PROPERTY_SCALE", "1"))))


@pytest.fixture(scope="session")
def example_raw() -> dict[str, Any]:
    return json.loads(EXAMPLE_INTAKE.read_text())


@pytest.fixture(scope="session")
def pg_server() -> Iterator[Any]:
    """A PostgreSQL server for the records and web tests (started once per run; see tests/records/pg.py)."""
    from tests.records.pg import postgres

    with postgres() as server:
        yield server
