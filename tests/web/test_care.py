"""Comfort care against a real coach: a recipient's schedule, the rubs due now, a skin check before
each rub whose marks the routine keeps away from, and the rub clearing its slot."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from backrub.intake.model import parse_intake
from backrub.routine import parse_routine
from backrub.verifier import check_routine
from tests.web.conftest import Coach
from tests.web.test_recipients import add, locs


@pytest.fixture(scope="module")
def coach(coach_on_each_database: Coach) -> Coach:
    """These tests run on SQLite and on PostgreSQL."""
    return coach_on_each_database


COMFORT = {"goal": "comfort_care", "giver": "caregiver"}
RADIUS = 3.0
RED: dict[str, Any] = {"kind": "redness", "at": {"x_cm": 6.0, "y_cm": 30.0}, "radius_cm": RADIUS}


def due_ids(http: httpx.Client) -> dict[str, dict[str, Any]]:
    got = http.get("/api/care/due")
    assert got.status_code == 200
    return {d["recipient_id"]: d for d in got.json()}


def test_a_schedule_is_read_strictly_and_says_when_the_next_rub_is_due(http: httpx.Client) -> None:
    hal = add(http, name="Hal")
    url = f"/api/recipients/{hal['id']}/schedule"
    bad = http.put(url, json={"every_hours": 0, "rub_minutes": 30, "starts_at": "tea time", "often": 1})
    assert sorted(map(str, locs(bad))) == sorted(map(str, [
        ["body", "every_hours"], ["body", "rub_minutes"], ["body", "starts_at"], ["body", "often"]]))
    assert locs(http.put(url, json={"every_hours": "4"})) == [["body", "every_hours"]]
    later = (datetime.now(UTC) + timedelta(hours=2)).replace(microsecond=0)
    got = http.put(url, json={"starts_at": later.isoformat(), "rub_minutes": 6})
    assert got.status_code == 200
    assert got.json() == {"every_hours": 4.0, "starts_at": later.isoformat(), "rub_minutes": 6.0,
                          "active": True, "next_due": later.isoformat()}
    assert hal["id"] not in due_ids(http)
    assert http.get(f"/api/recipients/{hal['id']}").json()["schedule"] == got.json()
    assert http.put(f"/api/recipients/{'0' * 32}/schedule", json={}).status_code == 404


def test_a_comfort_rub_starts_from_a_fresh_skin_check_and_keeps_off_its_marks(http: httpx.Client) -> None:
    ida = add(http, name="Ida", preferences={"minutes": 30})
    rid = ida["id"]
    an_hour_ago = datetime.now(UTC) - timedelta(hours=1)
    assert http.put(f"/api/recipients/{rid}/schedule", json={"starts_at": an_hour_ago.isoformat(),
                                                             "rub_minutes": 5}).status_code == 200
    due = due_ids(http)[rid]
    assert due["name"] == "Ida" and 55 <= due["overdue_min"] <= 65 and due["last_rub"] is None

    preview = http.post(f"/api/recipients/{rid}/next-intake", json=COMFORT).json()
    assert (preview["kind"], preview["skin_check_needed"], preview["skin_check"]) == ("comfort", True, None)
    refused = http.post(f"/api/recipients/{rid}/sessions", json=COMFORT)
    assert locs(refused) == [["body", "skin_check"]]
    assert "check the skin" in refused.json()["detail"][0]["msg"]

    checks = f"/api/recipients/{rid}/skin-checks"
    bad = http.post(checks, json={"marks": [{**RED, "kind": "sore"}], "note": ""})
    assert locs(bad) == [["body", "note"], ["body", "marks", 0, "kind"]]
    made = http.post(checks, json={"marks": [RED], "notes": "red over the ribs"})
    assert made.status_code == 201, made.text
    check = made.json()
    assert (check["marks"], check["notes"], check["session_id"]) == ([RED], "red over the ribs", None)

    preview = http.post(f"/api/recipients/{rid}/next-intake", json=COMFORT).json()
    assert preview["skin_check"] == check and preview["skin_check_needed"] is False
    started = http.post(f"/api/recipients/{rid}/sessions", json=COMFORT)
    assert started.status_code == 201, started.text
    rub = started.json()
    assert rub["intake"]["minutes"] == 5 and RED in rub["intake"]["spots"]
    assert any(c["what"] == "new spot: redness, right middle back" and "skin check" in c["why"]
               for c in rub["changes"])
    routine = parse_routine(rub["routine"])
    assert check_routine(routine, parse_intake(rub["intake"])).ok
    points = [p for step in routine.steps for path in step.hand_paths() for p in path]
    assert points and min(math.dist(p, (6.0, 30.0)) for p in points) > RADIUS
    for step in rub["routine"]["steps"]:  # the stroke lines themselves, segment by segment
        for a, b in zip(step["path"], step["path"][1:], strict=False):
            assert _distance(a, b, (6.0, 30.0)) > RADIUS

    assert rid not in due_ids(http)  # the rub took its slot
    record = http.get(f"/api/recipients/{rid}").json()
    assert record["sessions"][-1]["kind"] == "comfort"
    assert record["skin_checks"][0]["session_id"] == rub["id"]
    assert datetime.fromisoformat(record["schedule"]["next_due"]) > datetime.now(UTC)


def test_skin_checks_are_listed_newest_first(http: httpx.Client) -> None:
    jo = add(http, name="Jo")
    for notes in ("first", "second"):
        assert http.post(f"/api/recipients/{jo['id']}/skin-checks", json={"notes": notes}).status_code == 201
    got = http.get(f"/api/recipients/{jo['id']}/skin-checks")
    assert [c["notes"] for c in got.json()] == ["second", "first"]
    assert [c["notes"] for c in http.get(f"/api/recipients/{jo['id']}").json()["skin_checks"]] == \
        ["second", "first"]
    assert http.get(f"/api/recipients/{'0' * 32}/skin-checks").status_code == 404


def _distance(a: list[float], b: list[float], p: tuple[float, float]) -> float:
    """From point p to the segment a-b."""
    (ax, ay), (bx, by) = a, b
    dx, dy = bx - ax, by - ay
    along = ((p[0] - ax) * dx + (p[1] - ay) * dy) / (dx * dx + dy * dy) if dx or dy else 0.0
    t = max(0.0, min(1.0, along))
    return math.dist(p, (ax + t * dx, ay + t * dy))
