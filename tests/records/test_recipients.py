"""Recipients: stored with their standing conditions, spots and preferences; every bad field named;
one account never sees another's recipients unless they were shared."""

from __future__ import annotations

import pytest

from backrub.errors import InputError
from backrub.records.accounts import create_account
from backrub.records.db import Database
from backrub.records.errors import NotFound
from backrub.records.recipients import (
    LOCAL,
    MAX_SHARES,
    Viewer,
    get_recipient,
    list_recipients,
    share_recipient,
    shared_with,
    unshare_recipient,
    update_recipient,
)
from tests.records.helpers import recipient


def test_recipient_round_trips_with_its_standing_record(db: Database) -> None:
    with db.session() as s:
        made = recipient(
            s,
            conditions=["blood_thinners"],
            preferences={"pressure": "light", "focus": ["shoulders"]},
            spots=[{"kind": "pain", "zone": "lumbar_left", "note": "old strain"}],
            notes="likes warm oil",
        )
    with db.session() as s:
        got = get_recipient(s, LOCAL, made.id)
    assert got.name == "Ann" and got.conditions == ("blood_thinners",)
    assert got.preferences == {"pressure": "light", "focus": ["shoulders"]}
    assert got.spots[0].spot.zone == "lumbar_left" and got.spots[0].note == "old strain"
    assert got.notes == "likes warm oil"


def test_every_bad_field_is_named(db: Database) -> None:
    with db.session() as s, pytest.raises(InputError) as err:
        recipient(
            s,
            name=" ",
            conditions=["flu"],
            preferences={"pressure": "hard", "colour": "red"},
            spots=[{"kind": "pain", "zone": "lumbar"}, {"kind": "pain", "at": {"x_cm": 5}}],
        )
    paths = {p.path for p in err.value.problems}
    assert paths >= {
        "name",
        "conditions[0]",
        "preferences.pressure",
        "preferences.colour",
        "spots[0].zone",
        "spots[1].at.y_cm",
    }
    lumbar = next(p for p in err.value.problems if p.path == "spots[0].zone")
    assert "lumbar_left or lumbar_right" in lumbar.message
    with db.session() as s:
        assert list_recipients(s, LOCAL) == []  # nothing half-stored


def test_changing_a_preference_by_hand_says_so(db: Database) -> None:
    with db.session() as s:
        rid = recipient(s, preferences={"pressure": "medium"}).id
        changed = update_recipient(s, LOCAL, rid, {"preferences": {"pressure": "light"}})
    assert changed.preferences["pressure"] == "light" and changed.reasons["pressure"] == "set by hand"
    with db.session() as s, pytest.raises(InputError) as err:
        update_recipient(s, LOCAL, rid, {"preferences": {"minutes": 500}})
    assert [p.path for p in err.value.problems] == ["preferences.minutes"]


def test_null_unsets_a_preference_and_forgets_its_reason(db: Database) -> None:
    with db.session() as s:
        rid = recipient(s, preferences={"pressure": "medium", "minutes": 20}).id
        update_recipient(s, LOCAL, rid, {"preferences": {"pressure": "light"}})
        changed = update_recipient(s, LOCAL, rid, {"preferences": {"pressure": None}})
    assert changed.preferences == {"minutes": 20} and "pressure" not in changed.reasons


def test_accounts_see_only_their_own_recipients_unless_shared(db: Database) -> None:
    with db.session() as s:
        alice = Viewer(account_id=create_account(s, "alice", "correct horse battery").id)
        bob = Viewer(account_id=create_account(s, "bob", "another long password").id)
        a_rid = recipient(s, alice, name="Alice's mother").id
        recipient(s, bob, name="Bob's father")
    with db.session() as s:
        assert [r.name for r in list_recipients(s, alice)] == ["Alice's mother"]
        assert [r.name for r in list_recipients(s, bob)] == ["Bob's father"]
        with pytest.raises(NotFound):
            get_recipient(s, bob, a_rid)
        with pytest.raises(NotFound):
            update_recipient(s, bob, a_rid, {"notes": "mine now"})
        with pytest.raises(NotFound):  # only the owner shares
            share_recipient(s, bob, a_rid, "bob")
        share_recipient(s, alice, a_rid, "bob")
    with db.session() as s:
        shared = get_recipient(s, bob, a_rid)
        assert shared.shared and shared.name == "Alice's mother"
        assert len(list_recipients(s, LOCAL)) == 2  # the local user of a loopback coach sees everything
        unshare_recipient(s, alice, a_rid, "bob")
    with db.session() as s, pytest.raises(NotFound):
        get_recipient(s, bob, a_rid)


def test_sharing_with_a_name_without_an_account_waits_for_that_account(db: Database) -> None:
    with db.session() as s:
        alice = Viewer(account_id=create_account(s, "alice", "correct horse battery").id)
        rid = recipient(s, alice).id
        share_recipient(s, alice, rid, "Nobody ")  # not an account yet: kept, not refused
        with pytest.raises(InputError) as err:  # a name no account could have is refused by its form
            share_recipient(s, alice, rid, "no body")
        assert err.value.problems[0].path == "username"
        assert shared_with(s, rid) == ["nobody"]
    with db.session() as s:
        nobody = Viewer(account_id=create_account(s, "nobody", "a long enough password").id)
    with db.session() as s:
        assert get_recipient(s, nobody, rid).shared  # the share took effect when the account was made
        assert shared_with(s, rid) == ["nobody"]
        unshare_recipient(s, alice, rid, "nobody")
    with db.session() as s, pytest.raises(NotFound):
        get_recipient(s, nobody, rid)


def test_a_pending_share_can_be_withdrawn_before_the_account_exists(db: Database) -> None:
    with db.session() as s:
        alice = Viewer(account_id=create_account(s, "alice", "correct horse battery").id)
        rid = recipient(s, alice).id
        share_recipient(s, alice, rid, "carer.two")
        unshare_recipient(s, alice, rid, "carer.two")
        assert shared_with(s, rid) == []
    with db.session() as s:
        late = Viewer(account_id=create_account(s, "carer.two", "a long enough password").id)
        with pytest.raises(NotFound):
            get_recipient(s, late, rid)


def test_one_record_is_shared_with_at_most_so_many_names(db: Database) -> None:
    with db.session() as s:
        alice = Viewer(account_id=create_account(s, "alice", "correct horse battery").id)
        rid = recipient(s, alice).id
        for i in range(MAX_SHARES):
            share_recipient(s, alice, rid, f"carer{i:02}")
        share_recipient(s, alice, rid, "carer00")  # again: nothing new, no refusal
        with pytest.raises(InputError) as err:
            share_recipient(s, alice, rid, "one.too.many")
    assert "at most" in err.value.problems[0].message
