"""Recipients: who receives massages, what stays true about them, and who may see them.

A recipient's standing conditions, standing spots and preferences are intake fields kept between
sessions; they are read with the intake's own reader, so every problem names its field.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, exists, or_, select, true
from sqlalchemy.orm import Session

from backrub.errors import InputError, Problem, Problems, describe, suggest
from backrub.intake.model import MAX_SPOTS, Spot, parse_intake
from backrub.records.accounts import USERNAME, USERNAME_FORM
from backrub.records.errors import Conflict, NotFound
from backrub.records.models import AccountRow, PendingShareRow, RecipientRow, ShareRow, aware, utcnow

PREFERENCE_FIELDS = (
    "minutes",
    "goal",
    "giver",
    "pressure",
    "position",
    "style",
    "breaths_per_minute",
    "focus",
    "body",
)
FIELDS = ("name", "conditions", "cleared_by_clinician", "spots", "preferences", "notes")
SPOT_EXTRA = ("note", "source")
NAME_MAX, NOTES_MAX = 120, 5000


@dataclass(frozen=True, slots=True, kw_only=True)
class Viewer:
    """Who is asking. `account_id=None` is the one local user of a coach served on loopback."""

    account_id: int | None = None

    @property
    def local(self) -> bool:
        return self.account_id is None


LOCAL = Viewer()


@dataclass(frozen=True, slots=True, kw_only=True)
class StandingSpot:
    """A place that stays marked between sessions, with where it came from."""

    spot: Spot
    note: str = ""
    source: str = ""

    def to_dict(self) -> dict[str, Any]:
        out = self.spot.to_dict()
        if self.note:
            out["note"] = self.note
        if self.source:
            out["source"] = self.source
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class Recipient:
    id: str
    name: str
    owner_id: int | None
    conditions: tuple[str, ...]
    cleared_by_clinician: bool
    spots: tuple[StandingSpot, ...]
    preferences: dict[str, Any]
    reasons: dict[str, str]
    notes: str
    created_at: datetime
    updated_at: datetime
    shared: bool = False  # seen by someone it was shared with, not its owner

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "conditions": list(self.conditions),
            "cleared_by_clinician": self.cleared_by_clinician,
            "spots": [s.to_dict() for s in self.spots],
            "preferences": dict(self.preferences),
            "reasons": dict(self.reasons),
            "notes": self.notes,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
        }


def parse_recipient(raw: Any, *, partial: bool = False) -> dict[str, Any]:
    """The validated fields of a recipient form or JSON body; InputError names every bad field."""
    problems = Problems()
    if not isinstance(raw, dict):
        problems.add("", f"expected an object with {', '.join(FIELDS)} (got {describe(raw)})")
        problems.raise_if_any()
    problems.unknown_keys(raw, FIELDS)
    out: dict[str, Any] = {}
    if "name" in raw or not partial:
        name = raw.get("name")
        if not isinstance(name, str) or not name.strip():
            problems.add("name", f"expected a name or alias (got {describe(name)})")
        elif len(name.strip()) > NAME_MAX:
            problems.add("name", f"expected at most {NAME_MAX} characters (got {len(name.strip())})")
        else:
            out["name"] = name.strip()
    if "notes" in raw:
        notes = raw["notes"]
        if not isinstance(notes, str) or len(notes) > NOTES_MAX:
            problems.add("notes", f"expected text of at most {NOTES_MAX} characters (got {describe(notes)})")
        else:
            out["notes"] = notes
    prefs = raw.get("preferences", {})
    if not isinstance(prefs, dict):
        problems.add("preferences", f"expected an object of intake fields (got {describe(prefs)})")
        prefs = {}
    for key in prefs:
        if key not in PREFERENCE_FIELDS:
            problems.add(f"preferences.{key}", f"not a preference; {suggest(key, PREFERENCE_FIELDS)}")
    # null un-sets a preference (the coach's default applies again)
    unset = [k for k, v in prefs.items() if k in PREFERENCE_FIELDS and v is None]
    prefs = {k: v for k, v in prefs.items() if k in PREFERENCE_FIELDS and v is not None}
    raw_spots = raw.get("spots", [])
    notes_of: list[tuple[str, str]] = []
    if not isinstance(raw_spots, list) or len(raw_spots) > MAX_SPOTS:
        got = f"{len(raw_spots)} spots" if isinstance(raw_spots, list) else describe(raw_spots)
        problems.add("spots", f"expected a list of at most {MAX_SPOTS} spots (got {got})")
        raw_spots = []
    plain_spots = []
    for i, item in enumerate(raw_spots):
        if isinstance(item, dict):
            note, source = item.get("note", ""), item.get("source", "")
            for key, value in (("note", note), ("source", source)):
                if not isinstance(value, str) or len(value) > 500:
                    problems.add(
                        f"spots[{i}].{key}",
                        f"expected text of at most 500 characters (got {describe(value)})",
                    )
            notes_of.append((str(note), str(source)))
            plain_spots.append({k: v for k, v in item.items() if k not in SPOT_EXTRA})
        else:
            notes_of.append(("", ""))
            plain_spots.append(item)
    if not isinstance(raw.get("cleared_by_clinician", False), bool):
        # A standing record keeps a yes/no; a list naming conditions belongs to one intake.
        got = describe(raw["cleared_by_clinician"])
        problems.add("cleared_by_clinician", f"expected true or false (got {got})")
    as_intake = {
        **prefs,
        "spots": plain_spots,
        "conditions": raw.get("conditions", []),
        "cleared_by_clinician": raw.get("cleared_by_clinician", False),
    }
    try:
        intake = parse_intake(as_intake)
    except InputError as err:
        for p in err.problems:
            top = p.path.split(".")[0].split("[")[0]
            problems.add(f"preferences.{p.path}" if top in PREFERENCE_FIELDS else p.path, p.message)
        problems.raise_if_any()
    problems.raise_if_any()
    if "conditions" in raw or not partial:
        out["conditions"] = list(intake.conditions)
    if "cleared_by_clinician" in raw or not partial:
        out["cleared_by_clinician"] = intake.cleared_by_clinician
    if "spots" in raw or not partial:
        out["spots"] = [
            StandingSpot(spot=s, note=n, source=src).to_dict()
            for s, (n, src) in zip(intake.spots, notes_of, strict=True)
        ]
    if "preferences" in raw or not partial:
        full = intake.to_dict()
        out["preferences"] = {k: full[k] for k in prefs}
        out["unset_preferences"] = unset
    return out


def visible(viewer: Viewer) -> ColumnElement[bool]:
    """The recipients a viewer may see: all for the local user; owned or shared for an account."""
    if viewer.local:
        return true()
    shared = exists().where(
        ShareRow.recipient_id == RecipientRow.id, ShareRow.account_id == viewer.account_id
    )
    return or_(RecipientRow.owner_id == viewer.account_id, shared)


def recipient_from_row(row: RecipientRow, viewer: Viewer = LOCAL) -> Recipient:
    spots = []
    for item in row.spots or []:
        plain = {k: v for k, v in item.items() if k not in SPOT_EXTRA}
        spot = parse_intake({"spots": [plain]}).spots[0]
        spots.append(StandingSpot(spot=spot, note=item.get("note", ""), source=item.get("source", "")))
    return Recipient(
        id=row.id,
        name=row.name,
        owner_id=row.owner_id,
        conditions=tuple(row.conditions or ()),
        cleared_by_clinician=row.cleared_by_clinician,
        spots=tuple(spots),
        preferences=dict(row.preferences or {}),
        reasons=dict(row.reasons or {}),
        notes=row.notes,
        created_at=aware(row.created_at),
        updated_at=aware(row.updated_at),
        shared=not viewer.local and row.owner_id != viewer.account_id,
    )


def create_recipient(db: Session, viewer: Viewer, raw: Any) -> Recipient:
    fields = parse_recipient(raw)
    row = RecipientRow(
        id=uuid.uuid4().hex,
        owner_id=viewer.account_id,
        name=fields["name"],
        conditions=fields["conditions"],
        cleared_by_clinician=fields["cleared_by_clinician"],
        spots=fields["spots"],
        preferences=fields["preferences"],
        reasons={},
        notes=fields.get("notes", ""),
    )
    db.add(row)
    db.flush()
    return recipient_from_row(row, viewer)


def recipient_row(db: Session, viewer: Viewer, rid: str, *, owner_only: bool = False) -> RecipientRow:
    """The row, if this viewer may see it (or own it); NotFound otherwise, never a hint it exists."""
    row = db.scalar(select(RecipientRow).where(RecipientRow.id == rid, visible(viewer)))
    if row is None or (owner_only and not viewer.local and row.owner_id != viewer.account_id):
        raise NotFound("recipient", rid)
    return row


def get_recipient(db: Session, viewer: Viewer, rid: str) -> Recipient:
    return recipient_from_row(recipient_row(db, viewer, rid), viewer)


def list_recipients(db: Session, viewer: Viewer) -> list[Recipient]:
    rows = db.scalars(select(RecipientRow).where(visible(viewer)).order_by(RecipientRow.name)).all()
    return [recipient_from_row(r, viewer) for r in rows]


def update_recipient(db: Session, viewer: Viewer, rid: str, raw: Any) -> Recipient:
    """Change some fields (a partial form); a changed preference forgets the reason it had."""
    row = recipient_row(db, viewer, rid)
    fields = parse_recipient(raw, partial=True)
    if "preferences" in fields:
        reasons = dict(row.reasons or {})
        for key, value in fields["preferences"].items():
            if (row.preferences or {}).get(key) != value:
                reasons[key] = "set by hand"
        kept = {k: v for k, v in (row.preferences or {}).items() if k not in fields["unset_preferences"]}
        row.reasons = {k: v for k, v in reasons.items() if k not in fields["unset_preferences"]}
        fields["preferences"] = {**kept, **fields["preferences"]}
    fields.pop("unset_preferences", None)
    for key, value in fields.items():
        setattr(row, key, value)
    row.updated_at = utcnow()
    db.flush()
    return recipient_from_row(row, viewer)


def delete_recipient(db: Session, viewer: Viewer, rid: str) -> None:
    db.delete(recipient_row(db, viewer, rid, owner_only=True))
    db.flush()


MAX_SHARES = 32  # caregivers one record is shared with, accounts and names waiting for one together


def _share_name(username: str) -> str:
    """The username as accounts store it; a name no account could ever have is refused by its form
    alone, so the answer never depends on which accounts exist."""
    name = username.strip().lower()
    if not USERNAME.match(name):
        raise InputError([Problem(path="username", message=USERNAME_FORM)])
    return name


def share_recipient(db: Session, viewer: Viewer, rid: str, username: str) -> None:
    """Let another caregiver see and work with this recipient (only its owner may share it).

    The answer is the same whether or not `username` is an account: a name without one is kept as a
    pending share that takes effect when that account is made (`claim_pending_shares`). Telling the
    two apart would let any account list the coach's usernames."""
    row = recipient_row(db, viewer, rid, owner_only=True)
    name = _share_name(username)
    account = db.scalar(select(AccountRow).where(AccountRow.username == name))
    if account is not None and account.id == row.owner_id:
        raise Conflict("that account already owns this recipient")
    names = shared_with(db, rid)
    if name in names:
        return
    if len(names) >= MAX_SHARES:
        raise InputError([Problem(path="username", message=f"a record is shared with at most {MAX_SHARES} "
                                                           "caregivers; stop sharing with one first")])
    if account is not None:
        db.add(ShareRow(recipient_id=rid, account_id=account.id))
    else:
        db.add(PendingShareRow(recipient_id=rid, username=name))
    db.flush()


def unshare_recipient(db: Session, viewer: Viewer, rid: str, username: str) -> None:
    """Stop sharing with `username`, whether it shares through an account or waits for one."""
    recipient_row(db, viewer, rid, owner_only=True)
    name = username.strip().lower()
    account = db.scalar(select(AccountRow).where(AccountRow.username == name))
    if account is not None:
        share = db.get(ShareRow, (rid, account.id))
        if share is not None:
            db.delete(share)
    pending = db.get(PendingShareRow, (rid, name))
    if pending is not None:
        db.delete(pending)
    db.flush()


def shared_with(db: Session, rid: str) -> list[str]:
    """Every name this recipient is shared with, sorted; accounts and pending names look the same."""
    accounts = db.scalars(
        select(AccountRow.username).join(ShareRow, ShareRow.account_id == AccountRow.id)
        .where(ShareRow.recipient_id == rid)
    )
    pending = db.scalars(select(PendingShareRow.username).where(PendingShareRow.recipient_id == rid))
    return sorted({*accounts, *pending})


def claim_pending_shares(db: Session, account_id: int, username: str) -> int:
    """A new account receives the shares that were waiting for its name; how many."""
    rows = db.scalars(select(PendingShareRow).where(PendingShareRow.username == username)).all()
    for pending in rows:
        owner = db.scalar(select(RecipientRow.owner_id).where(RecipientRow.id == pending.recipient_id))
        if owner != account_id and db.get(ShareRow, (pending.recipient_id, account_id)) is None:
            db.add(ShareRow(recipient_id=pending.recipient_id, account_id=account_id))
        db.delete(pending)
    db.flush()
    return len(rows)
