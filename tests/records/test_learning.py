"""Learning: pain reported in a session becomes a standing spot once confirmed, repeated softer or
firmer moves the pressure preference, and the next intake starts from both and says why."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest

from backrub.planner import plan_routine
from backrub.records import learning
from backrub.records.db import Database
from backrub.records.errors import Conflict
from backrub.records.learning import Feedback, SessionFacts
from backrub.records.recipients import LOCAL, get_recipient
from backrub.records.sessions import decide_proposal, learn_from_session, next_intake, pending_proposals
from tests.records.helpers import recipient, session_with

PAIN = {"x_cm": 7.0, "y_cm": 22.0}


def _facts(day: int, pressure: str, *kinds: str) -> SessionFacts:
    return SessionFacts(
        id=f"s{day}",
        started_at=datetime(2026, 5, day, tzinfo=UTC),
        pressure=pressure,
        feedback=tuple(Feedback(kind=k) for k in kinds),
    )


def _who(pressure: str = "medium", conditions: tuple[str, ...] = ()) -> learning.Recipient:
    from backrub.records.recipients import Recipient

    now = datetime(2026, 5, 1, tzinfo=UTC)
    return Recipient(
        id="r",
        name="Ann",
        owner_id=None,
        conditions=conditions,
        cleared_by_clinician=False,
        spots=(),
        preferences={"pressure": pressure},
        reasons={},
        notes="",
        created_at=now,
        updated_at=now,
    )


@pytest.mark.parametrize(
    ("sessions", "expected"),
    [
        ([("medium", "softer"), ("medium", "softer")], "light"),
        ([("medium", "firmer", "firmer"), ("medium", "firmer")], "firm"),
        ([("medium", "softer", "softer", "softer")], None),  # one session is not a habit
        ([("medium", "softer"), ("medium", "firmer")], None),  # no clear direction
        ([("firm", "softer"), ("firm", "softer"), ("medium",)], None),  # asked before the preference changed
        ([("light", "softer"), ("light", "softer")], None),  # nothing softer than light
    ],
)
def test_pressure_moves_only_on_repeated_requests(
    sessions: list[tuple[str, ...]], expected: str | None
) -> None:
    facts = [_facts(i + 1, p, *kinds) for i, (p, *kinds) in enumerate(sessions)]
    proposal = learning.pressure_proposal(_who(), facts)
    assert (proposal.value["pressure"] if proposal else None) == expected
    if proposal:
        assert "2 sessions" in proposal.reason and "medium →" in proposal.reason


def test_firmer_is_never_proposed_beyond_what_screening_allows() -> None:
    facts = [_facts(1, "light", "firmer", "firmer"), _facts(2, "light", "firmer")]
    assert learning.pressure_proposal(_who("light", ("osteoporosis",)), facts) is None


def test_pain_is_proposed_once_and_not_where_a_spot_already_is() -> None:
    facts = SessionFacts(
        id="s",
        started_at=datetime(2026, 5, 3, tzinfo=UTC),
        pressure="medium",
        feedback=(
            Feedback(kind="pain", at=(7.0, 22.0), elapsed_s=130),
            Feedback(kind="pain", at=(8.0, 23.0)),
            Feedback(kind="pain", at=(-10.0, 35.0)),
        ),
    )
    proposals = learning.spot_proposals(_who(), facts)
    assert [p.value["at"] for p in proposals] == [{"x_cm": 7.0, "y_cm": 22.0}, {"x_cm": -10.0, "y_cm": 35.0}]
    assert "2 min into the session of 3 May 2026" in proposals[0].reason


def test_a_confirmed_pain_spot_is_kept_clear_in_the_next_plan(db: Database) -> None:
    with db.session() as s:
        rid = recipient(s).id
        sid = session_with(s, rid, [("pain", PAIN)])
    with db.session() as s:
        pending = learn_from_session(s, LOCAL, sid)
        assert [p["kind"] for p in pending] == ["spot"]
        _, before = next_intake(s, LOCAL, rid)
        assert not any(c.field == "spots" for c in before)  # proposed only; nothing changes yet
        decide_proposal(s, LOCAL, pending[0]["id"], confirm=True)
    with db.session() as s:
        intake, changes = next_intake(s, LOCAL, rid)
        assert pending_proposals(s, LOCAL, rid) == []
        with pytest.raises(Conflict):
            decide_proposal(s, LOCAL, pending[0]["id"], confirm=False)
    spot = next(c for c in changes if c.field == "spots")
    assert "pain, right middle back" in spot.what and "'Pain here'" in spot.why
    # What the giver notices: the plan's hands stay off that place (more than the 3 cm radius).
    routine = plan_routine(intake)
    pressed = [p for st in routine.steps for path in st.hand_paths() for p in path]
    assert min(math.dist(p, (PAIN["x_cm"], PAIN["y_cm"])) for p in pressed) > 3.0


def test_a_dismissed_proposal_changes_nothing(db: Database) -> None:
    with db.session() as s:
        rid = recipient(s).id
        sid = session_with(s, rid, [("pain", PAIN)])
        pid = learn_from_session(s, LOCAL, sid)[0]["id"]
        decide_proposal(s, LOCAL, pid, confirm=False)
        assert get_recipient(s, LOCAL, rid).spots == ()


def test_softer_twice_over_two_sessions_lightens_the_next_intake(db: Database) -> None:
    with db.session() as s:
        rid = recipient(s, preferences={"pressure": "medium"}).id
        session_with(s, rid, [("softer", None)])
        second = session_with(s, rid, [("softer", None), ("softer", None)])
        pending = learn_from_session(s, LOCAL, second)
        assert [(p["kind"], p["value"]["pressure"]) for p in pending] == [("pressure", "light")]
        decide_proposal(s, LOCAL, pending[0]["id"], confirm=True)
    with db.session() as s:
        intake, changes = next_intake(s, LOCAL, rid)
    assert intake.pressure == "light"
    change = next(c for c in changes if c.field == "pressure")
    assert (
        change.what == "pressure: medium → light" and "Asked for softer 3 times in 2 sessions" in change.why
    )
    assert {st.pressure for st in plan_routine(intake).steps} == {"light"}


def test_the_first_intake_says_where_each_setting_comes_from(db: Database) -> None:
    with db.session() as s:
        rid = recipient(
            s,
            conditions=["fragile_skin"],
            preferences={"minutes": 20},
            spots=[{"kind": "bruise", "at": {"x_cm": -9, "y_cm": 18}, "source": "fell on 2 May"}],
        ).id
        intake, changes = next_intake(s, LOCAL, rid, today={"focus": ["shoulders"]})
    assert intake.minutes == 20 and intake.focus == ("shoulders",)
    whys = {c.what: c.why for c in changes}
    assert whys["minutes: 20"] == "the recipient's preference"
    assert whys["condition: fragile skin"] == "a standing condition on the recipient's record"
    assert whys["new spot: bruise, left kidney area"] == "fell on 2 May"


def test_todays_choices_are_read_strictly_every_problem_at_once(db: Database) -> None:
    from backrub.errors import InputError
    from backrub.records.sessions import next_session

    with db.session() as s:
        rid = recipient(s, preferences={"pressure": "light"}).id
        with pytest.raises(InputError) as err:
            next_session(s, LOCAL, rid, {"presure": "firm", "minutes": 500, "body": {}})
        assert {p.path for p in err.value.problems} == {"presure", "minutes", "body"}
        with pytest.raises(InputError):
            next_session(s, LOCAL, rid, ["firm"])
        upcoming = next_session(s, LOCAL, rid, {"pressure": "firm"})
        assert upcoming.intake.pressure == "firm" and upcoming.kind == "massage"
        assert {"field": "pressure", "what": "pressure: firm", "why": "chosen for today"} in [
            c.to_dict() for c in upcoming.changes
        ]
