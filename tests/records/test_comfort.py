"""Comfort care: rubs due at set times, a due-now list, and a skin check before each rub whose
marked places become no-touch spots."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta

import pytest

from backrub.errors import InputError
from backrub.planner import plan_routine
from backrub.records import comfort
from backrub.records.accounts import create_account
from backrub.records.db import Database
from backrub.records.recipients import LOCAL, Viewer
from backrub.records.sessions import next_intake
from tests.records.helpers import recipient, session_with

T0 = datetime(2026, 5, 20, 8, 0, tzinfo=UTC)


def test_rubs_fall_due_every_four_hours_by_default() -> None:
    sched = comfort.parse_schedule({"starts_at": "2026-05-20T08:00:00+00:00"}, T0)
    assert sched.every == timedelta(hours=4)
    assert comfort.due(sched, None, T0 - timedelta(hours=1)) is None  # not yet
    assert comfort.due(sched, None, T0 - timedelta(minutes=10)) == T0  # a little early is fine
    assert comfort.due(sched, T0, T0 + timedelta(hours=1)) is None  # done for this slot
    assert comfort.due(sched, T0, T0 + timedelta(hours=4, minutes=30)) == T0 + timedelta(hours=4)
    assert comfort.next_due(sched, T0 + timedelta(hours=4), T0 + timedelta(hours=5)) == T0 + timedelta(
        hours=8
    )


def test_schedule_form_errors_name_the_field() -> None:
    with pytest.raises(InputError) as err:
        comfort.parse_schedule({"every_hours": 0, "rub_minutes": 30, "starts_at": "tomorrow", "when": 1}, T0)
    assert {p.path for p in err.value.problems} == {"every_hours", "rub_minutes", "starts_at", "when"}


def test_due_now_lists_the_longest_overdue_first(db: Database) -> None:
    with db.session() as s:
        a = recipient(s, name="A").id
        b = recipient(s, name="B").id
        c = recipient(s, name="C").id
        comfort.set_schedule(s, LOCAL, a, {"starts_at": "2026-05-20T06:00:00+00:00"}, now=T0)
        comfort.set_schedule(
            s, LOCAL, b, {"starts_at": "2026-05-20T04:00:00+00:00", "every_hours": 2}, now=T0
        )
        comfort.set_schedule(s, LOCAL, c, {"starts_at": "2026-05-20T10:00:00+00:00"}, now=T0)
        due = comfort.due_now(s, LOCAL, now=T0 + timedelta(minutes=30))
    assert [(d.name, d.overdue_min) for d in due] == [("A", 150), ("B", 30)]


def test_a_rub_clears_its_slot_from_the_due_list(db: Database) -> None:
    with db.session() as s:
        rid = recipient(s).id
        comfort.set_schedule(
            s, LOCAL, rid, {"starts_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat()}
        )
        assert [d.recipient_id for d in comfort.due_now(s, LOCAL)] == [rid]
        comfort.record_skin_check(s, LOCAL, rid, {"marks": []})
        session_with(s, rid, [], kind="comfort", today={"goal": "comfort_care", "giver": "caregiver"})
        assert comfort.due_now(s, LOCAL) == []


def test_marked_skin_becomes_no_touch_for_the_rub(db: Database) -> None:
    with db.session() as s:
        rid = recipient(s).id
        comfort.record_skin_check(
            s,
            LOCAL,
            rid,
            {
                "marks": [
                    {"kind": "redness", "at": {"x_cm": 0, "y_cm": 4}, "radius_cm": 4},
                    {"kind": "broken", "at": {"x_cm": 9, "y_cm": 30}, "radius_cm": 2},
                ],
                "notes": "sacrum red",
            },
        )
        check = comfort.fresh_check(s, LOCAL, rid)
        marks = comfort.marks_of(check)
        intake, changes = next_intake(
            s,
            LOCAL,
            rid,
            today={"goal": "comfort_care", "giver": "caregiver"},
            skin_marks=marks,
            skin_checked="08:00",
        )
    assert [m.kind for m in marks] == ["redness", "wound"]
    assert sum("marked at the skin check of 08:00" in c.why for c in changes) == 2
    routine = plan_routine(intake)
    points = [p for st in routine.steps for path in st.hand_paths() for p in path]
    assert min(math.dist(p, (9, 30)) for p in points) > 2 + 2  # radius and the margin
    assert min(math.dist(p, (0, 4)) for p in points) > 4


def test_no_rub_without_a_recent_skin_check(db: Database) -> None:
    with db.session() as s:
        rid = recipient(s).id
        with pytest.raises(InputError) as err:
            comfort.fresh_check(s, LOCAL, rid)
        assert err.value.problems[0].path == "skin_check"
        comfort.record_skin_check(s, LOCAL, rid, {"marks": []}, now=datetime.now(UTC) - timedelta(hours=2))
        with pytest.raises(InputError, match="the last one was at"):
            comfort.fresh_check(s, LOCAL, rid)


def test_skin_check_errors_name_the_mark_and_field(db: Database) -> None:
    with db.session() as s:
        rid = recipient(s).id
        with pytest.raises(InputError) as err:
            comfort.record_skin_check(
                s,
                LOCAL,
                rid,
                {
                    "marks": [
                        {"kind": "redness", "at": {"x_cm": "left", "y_cm": 3}},
                        {"kind": "scratch", "zone": "lumbar_left"},
                    ],
                    "note": "typo",
                },
            )
        assert {p.path for p in err.value.problems} == {"marks[0].at.x_cm", "marks[1].kind", "note"}
        assert comfort.skin_checks(s, LOCAL, rid) == []


def test_check_history_is_newest_first_and_private(db: Database) -> None:
    with db.session() as s:
        alice = Viewer(account_id=create_account(s, "alice", "correct horse battery").id)
        bob = Viewer(account_id=create_account(s, "bob", "another long password").id)
        rid = recipient(s, alice).id
        for hours, note in ((1, "first"), (2, "second"), (3, "third")):
            comfort.record_skin_check(s, alice, rid, {"notes": note}, now=T0 + timedelta(hours=hours))
        assert [c["notes"] for c in comfort.skin_checks(s, alice, rid)] == ["third", "second", "first"]
        comfort.set_schedule(s, alice, rid, {"starts_at": T0.isoformat()})
        assert comfort.due_now(s, bob, now=T0) == []
        with pytest.raises(Exception, match="no such recipient"):
            comfort.skin_checks(s, bob, rid)


def test_schedule_start_stays_within_dates_a_slot_can_hold() -> None:
    for starts in ("1999-12-31T23:00:00+00:00", "9999-12-31T23:59:59"):
        with pytest.raises(InputError) as err:
            comfort.parse_schedule({"starts_at": starts}, T0)
        assert [p.path for p in err.value.problems] == ["starts_at"]


def test_the_schedule_view_says_when_the_next_rub_is_due(db: Database) -> None:
    with db.session() as s:
        rid = recipient(s).id
        assert comfort.schedule_view(s, LOCAL, rid) is None
        comfort.set_schedule(s, LOCAL, rid, {"starts_at": T0.isoformat(), "every_hours": 2}, now=T0)
        view = comfort.schedule_view(s, LOCAL, rid, now=T0 + timedelta(hours=3))
        assert view is not None
        assert view["next_due"] == (T0 + timedelta(hours=2)).isoformat()  # due, and not given yet
        assert (view["every_hours"], view["rub_minutes"], view["active"]) == (2.0, 8.0, True)


def test_a_comfort_rub_needs_a_fresh_check_and_takes_its_marks(db: Database) -> None:
    from backrub.records.sessions import next_session, session_view, start_session

    today = {"goal": "comfort_care", "giver": "caregiver"}
    with db.session() as s:
        rid = recipient(s).id
        preview = next_session(s, LOCAL, rid, today)
        assert (preview.kind, preview.skin_check_needed, preview.skin_check) == ("comfort", True, None)
        with pytest.raises(InputError) as err:
            next_session(s, LOCAL, rid, {**today, "pressure": "hard"}, require_check=True)
        assert {p.path for p in err.value.problems} == {"skin_check", "pressure"}
        comfort.record_skin_check(
            s, LOCAL, rid, {"marks": [{"kind": "redness", "at": {"x_cm": 6, "y_cm": 30}, "radius_cm": 3}]}
        )
        upcoming = next_session(s, LOCAL, rid, today, require_check=True)
        assert upcoming.skin_check is not None and not upcoming.skin_check_needed
        assert [(m.kind, m.at) for m in upcoming.intake.spots] == [("redness", (6.0, 30.0))]
        assert any("marked at the skin check" in c.why for c in upcoming.changes)
        sid = start_session(
            s,
            LOCAL,
            intake=upcoming.intake,
            routine_json=json.dumps(plan_routine(upcoming.intake).to_dict()),
            recipient_id=rid,
            kind=upcoming.kind,
            skin_check_id=upcoming.skin_check["id"],
        )
        assert session_view(s, LOCAL, sid)["kind"] == "comfort"
        assert comfort.skin_checks(s, LOCAL, rid)[0]["session_id"] == sid


def test_a_comfort_rub_lasts_as_long_as_its_schedule_says(db: Database) -> None:
    from backrub.records.sessions import next_session

    with db.session() as s:
        rid = recipient(s, preferences={"minutes": 45}).id
        comfort.set_schedule(s, LOCAL, rid, {"rub_minutes": 5})
        upcoming = next_session(s, LOCAL, rid, {"goal": "comfort_care"})
        assert upcoming.intake.minutes == 5
        minutes = [c for c in upcoming.changes if c.field == "minutes"]
        assert minutes[0].why == "the rub length of the comfort-care schedule"
        assert next_session(s, LOCAL, rid, {"goal": "comfort_care", "minutes": 7}).intake.minutes == 7
        assert next_session(s, LOCAL, rid, {}).intake.minutes == 45  # not a comfort rub
