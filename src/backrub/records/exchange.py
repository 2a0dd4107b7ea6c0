"""Export, import and backup: JSON that round-trips, CSV for spreadsheets, and consistent copies.

The JSON export nests what belongs together (a session's intake, events and outcome), so it holds
no database-made numbers and imports into any backrub database; records already there (same id)
are left as they are. An import is one transaction: all of it is stored, or none.
"""

from __future__ import annotations

import csv
import errno
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backrub.errors import Problems
from backrub.records.db import Database
from backrub.records.files import private_file
from backrub.records.import_check import FORMAT, check_export
from backrub.records.models import (
    AccountRow,
    CareScheduleRow,
    EventRow,
    IntakeRow,
    OutcomeRow,
    PendingShareRow,
    ProposalRow,
    RecipientRow,
    SessionRow,
    ShareRow,
    SkinCheckRow,
    aware,
    utcnow,
)
from backrub.records.recipients import Viewer, claim_pending_shares, shared_with, visible
from backrub.records.sessions import RATINGS, history, session_visible

SESSION_FIELDS = (
    "id",
    "kind",
    "created_at",
    "ended_at",
    "intake",
    "planned_routine",
    "routine",
    "position",
    "clock",
    "changes",
    "events",
    "outcome",
    "recipient_id",
)


def _iso(value: datetime | None) -> str | None:
    return None if value is None else aware(value).isoformat()


def dump(db: Session, viewer: Viewer, *, everything: bool = False, accounts: bool = False) -> dict[str, Any]:
    """Everything this viewer may see, as one JSON object; `everything` adds who owns and shares each
    record, `accounts` the accounts themselves with their password hashes (only when asked)."""
    recipients = db.scalars(
        select(RecipientRow).where(visible(viewer)).order_by(RecipientRow.created_at, RecipientRow.id)
    ).all()
    owners = {a.id: a.username for a in db.scalars(select(AccountRow))} if everything else {}
    out: dict[str, Any] = {"format": FORMAT, "exported_at": utcnow().isoformat(), "recipients": []}
    for r in recipients:
        item: dict[str, Any] = {
            "id": r.id,
            "name": r.name,
            "conditions": r.conditions,
            "cleared_by_clinician": r.cleared_by_clinician,
            "spots": r.spots,
            "preferences": r.preferences,
            "reasons": r.reasons,
            "notes": r.notes,
            "created_at": _iso(r.created_at),
            "updated_at": _iso(r.updated_at),
        }
        sched = db.get(CareScheduleRow, r.id)
        item["care_schedule"] = (
            None
            if sched is None
            else {
                "every_minutes": sched.every_minutes,
                "starts_at": _iso(sched.starts_at),
                "rub_minutes": sched.rub_minutes,
                "active": sched.active,
            }
        )
        item["skin_checks"] = [
            {"checked_at": _iso(c.checked_at), "marks": c.marks, "notes": c.notes, "session_id": c.session_id}
            for c in db.scalars(
                select(SkinCheckRow)
                .where(SkinCheckRow.recipient_id == r.id)
                .order_by(SkinCheckRow.checked_at, SkinCheckRow.id)
            )
        ]
        item["proposals"] = [
            {
                "session_id": p.session_id,
                "kind": p.kind,
                "value": p.value,
                "reason": p.reason,
                "status": p.status,
                "created_at": _iso(p.created_at),
                "decided_at": _iso(p.decided_at),
            }
            for p in db.scalars(
                select(ProposalRow).where(ProposalRow.recipient_id == r.id).order_by(ProposalRow.id)
            )
        ]
        if everything:
            item["owner"] = owners.get(r.owner_id) if r.owner_id else None
            item["shared_with"] = shared_with(db, r.id)  # names still waiting for an account too
        out["recipients"].append(item)
    sessions = db.scalars(
        select(SessionRow).where(session_visible(viewer)).order_by(SessionRow.created_at, SessionRow.id)
    ).all()
    out["sessions"] = [_session(db, s, owners if everything else None) for s in sessions]
    if accounts:
        out["accounts"] = [
            {"username": a.username, "password_hash": a.password_hash, "created_at": _iso(a.created_at)}
            for a in db.scalars(select(AccountRow).order_by(AccountRow.id))
        ]
    return out


def _session(db: Session, s: SessionRow, owners: dict[int, str] | None) -> dict[str, Any]:
    intake_row = db.get(IntakeRow, s.intake_id) if s.intake_id else None
    outcome = db.get(OutcomeRow, s.id)
    item: dict[str, Any] = {
        "id": s.id,
        "kind": s.kind,
        "recipient_id": s.recipient_id,
        "created_at": _iso(s.created_at),
        "ended_at": _iso(s.ended_at),
        "intake": json.loads(s.intake),
        "planned_routine": json.loads(s.planned_routine),
        "routine": json.loads(s.routine),
        "position": s.position,
        "clock": {"wall": s.clock_wall, "at_s": s.clock_s, "running": s.running},
        "changes": intake_row.changes if intake_row else None,
        "events": [
            {
                "seq": e.seq,
                "at": _iso(e.at),
                "elapsed_s": e.elapsed_s,
                "type": e.type,
                "payload": json.loads(e.payload),
            }
            for e in db.scalars(select(EventRow).where(EventRow.session_id == s.id).order_by(EventRow.id))
        ],
        "outcome": None
        if outcome is None
        else {
            **{k: getattr(outcome, k) for k in RATINGS},
            "notes": outcome.notes,
            "recorded_at": _iso(outcome.recorded_at),
        },
    }
    if owners is not None:
        item["owner"] = owners.get(s.owner_id) if s.owner_id else None
    return item


# -- import ---------------------------------------------------------------------------------------


def load(db: Session, viewer: Viewer, data: Any, *, everything: bool = False,
         accounts_too: bool = False) -> dict[str, int]:
    """Store an export; counts of what was added and what was already there. InputError names every
    bad field (`sessions[2].events[0].seq`, a routine the verifier refuses) and then nothing is stored.
    Accounts (usernames with their password hashes) come in only with `accounts_too`; without it,
    owners and shares name accounts already in this database."""
    problems = Problems()
    check_export(data, problems, accounts=accounts_too)
    problems.raise_if_any()
    counts = {"recipients": 0, "sessions": 0, "events": 0, "skipped": 0, "accounts": 0,
              "accounts_left_out": 0 if accounts_too else len(data.get("accounts") or [])}
    accounts: dict[str, int] = {}
    if everything:
        named = {r.get("owner") for r in [*data["recipients"], *data["sessions"]]}
        named |= {n for r in data["recipients"] for n in r.get("shared_with", [])}
        accounts = {a.username: a.id for a in db.scalars(select(AccountRow).where(
            AccountRow.username.in_([n for n in named if n])))}
    if accounts_too:
        for a in data.get("accounts", []):
            row = db.scalar(select(AccountRow).where(AccountRow.username == a["username"]))
            if row is None:
                row = AccountRow(
                    username=a["username"],
                    password_hash=a["password_hash"],
                    created_at=_time(a["created_at"]),
                )
                db.add(row)
                db.flush()
                claim_pending_shares(db, row.id, row.username)
                counts["accounts"] += 1
            accounts[row.username] = row.id

    def owner(item: dict[str, Any]) -> int | None:
        return accounts.get(item.get("owner") or "") if everything else viewer.account_id

    added: set[str] = set()
    for r in data["recipients"]:
        if db.get(RecipientRow, r["id"]) is not None:
            counts["skipped"] += 1
            continue
        added.add(r["id"])
        db.add(
            RecipientRow(
                id=r["id"],
                owner_id=owner(r),
                name=r["name"],
                conditions=r["conditions"],
                cleared_by_clinician=r["cleared_by_clinician"],
                spots=r["spots"],
                preferences=r["preferences"],
                reasons=r.get("reasons", {}),
                notes=r.get("notes", ""),
                created_at=_time(r["created_at"]),
                updated_at=_time(r["updated_at"]),
            )
        )
        db.flush()
        for name in sorted(set(r.get("shared_with", []))) if everything else []:
            if name in accounts:
                db.add(ShareRow(recipient_id=r["id"], account_id=accounts[name]))
            else:  # kept for the account of that name, as sharing does
                db.add(PendingShareRow(recipient_id=r["id"], username=name))
        if r.get("care_schedule"):
            c = r["care_schedule"]
            db.add(
                CareScheduleRow(
                    recipient_id=r["id"],
                    every_minutes=c["every_minutes"],
                    starts_at=_time(c["starts_at"]),
                    rub_minutes=c["rub_minutes"],
                    active=c["active"],
                )
            )
        counts["recipients"] += 1
    for s in data["sessions"]:
        if db.get(SessionRow, s["id"]) is not None:
            counts["skipped"] += 1
            continue
        intake_id = None
        if s.get("recipient_id") and s.get("changes") is not None:
            intake_row = IntakeRow(
                recipient_id=s["recipient_id"],
                intake=json.dumps(s["intake"]),
                changes=s["changes"],
                created_at=_time(s["created_at"]),
            )
            db.add(intake_row)
            db.flush()
            intake_id = intake_row.id
        clock = s["clock"]
        db.add(
            SessionRow(
                id=s["id"],
                kind=s.get("kind", "massage"),
                recipient_id=s.get("recipient_id"),
                owner_id=owner(s),
                intake_id=intake_id,
                created_at=_time(s["created_at"]),
                ended_at=_time(s["ended_at"]) if s.get("ended_at") else None,
                intake=json.dumps(s["intake"]),
                planned_routine=json.dumps(s["planned_routine"]),
                routine=json.dumps(s["routine"]),
                position=s["position"],
                clock_wall=clock["wall"],
                clock_s=clock["at_s"],
                running=clock["running"],
            )
        )
        db.flush()
        for e in s["events"]:
            db.add(
                EventRow(
                    session_id=s["id"],
                    seq=e["seq"],
                    at=_time(e["at"]),
                    elapsed_s=e["elapsed_s"],
                    type=e["type"],
                    payload=json.dumps(e["payload"]),
                )
            )
        counts["events"] += len(s["events"])
        if s.get("outcome"):
            o = s["outcome"]
            db.add(
                OutcomeRow(
                    session_id=s["id"],
                    **{k: o.get(k) for k in RATINGS},
                    notes=o.get("notes", ""),
                    recorded_at=_time(o["recorded_at"]) if o.get("recorded_at") else utcnow(),
                )
            )
        counts["sessions"] += 1
    db.flush()
    for r in data["recipients"]:  # after the sessions, which checks and proposals may point to
        if r["id"] not in added:
            continue
        for c in r.get("skin_checks", []):
            db.add(
                SkinCheckRow(
                    recipient_id=r["id"],
                    checked_at=_time(c["checked_at"]),
                    marks=c["marks"],
                    notes=c.get("notes", ""),
                    session_id=c.get("session_id"),
                    checked_by=viewer.account_id,
                )
            )
        for p in r.get("proposals", []):
            db.add(
                ProposalRow(
                    recipient_id=r["id"],
                    session_id=p.get("session_id"),
                    kind=p["kind"],
                    value=p["value"],
                    reason=p.get("reason", ""),
                    status=p.get("status", "pending"),
                    created_at=_time(p["created_at"]),
                    decided_at=_time(p["decided_at"]) if p.get("decided_at") else None,
                )
            )
    db.flush()
    return counts


def _time(text: str) -> datetime:
    return aware(datetime.fromisoformat(text))


# -- CSV -------------------------------------------------------------------------------------------


def write_csv(db: Session, viewer: Viewer, folder: Path) -> list[Path]:
    """recipients.csv, sessions.csv, events.csv and skin_checks.csv in `folder`, for spreadsheets."""
    folder.mkdir(mode=0o700, exist_ok=True)
    data = dump(db, viewer)
    names = {r["id"]: r["name"] for r in data["recipients"]}
    written = []

    def table(name: str, header: list[str], rows: list[list[Any]]) -> None:
        path = folder / name
        with private_file(path, "OUT", force=True) as tmp, \
                tmp.open("w", newline="", encoding="utf-8") as handle:
            out = csv.writer(handle)
            out.writerow(header)
            out.writerows(rows)
        written.append(path)

    table(
        "recipients.csv",
        ["id", "name", "conditions", "pressure", "standing_spots", "notes"],
        [
            [
                r["id"],
                r["name"],
                " ".join(r["conditions"]),
                r["preferences"].get("pressure", ""),
                len(r["spots"]),
                r["notes"],
            ]
            for r in data["recipients"]
        ],
    )
    rows = []
    for rid in names:
        for s in history(db, viewer, rid):
            d = s.to_dict()
            rows.append(
                [
                    d["id"],
                    rid,
                    names[rid],
                    d["kind"],
                    d["started_at"],
                    d["ended_at"] or "",
                    d["planned_min"],
                    d["performed_min"],
                    d["pressure_start"],
                    d["pressure_end"],
                    d["softer"],
                    d["firmer"],
                    d["pain"],
                    *[("" if d[k] is None else d[k]) for k in RATINGS],
                    d["notes"],
                ]
            )
    table(
        "sessions.csv",
        [
            "id",
            "recipient_id",
            "recipient",
            "kind",
            "started_at",
            "ended_at",
            "planned_min",
            "performed_min",
            "pressure_start",
            "pressure_end",
            "softer",
            "firmer",
            "pain",
            *RATINGS,
            "notes",
        ],
        rows,
    )
    table(
        "events.csv",
        ["session_id", "seq", "at", "elapsed_s", "type", "kind", "x_cm", "y_cm", "payload"],
        [
            [
                s["id"],
                "" if e["seq"] is None else e["seq"],
                e["at"],
                e["elapsed_s"],
                e["type"],
                e["payload"].get("kind", ""),
                *(_xy(e["payload"])),
                json.dumps(e["payload"]),
            ]
            for s in data["sessions"]
            for e in s["events"]
        ],
    )
    table(
        "skin_checks.csv",
        ["recipient_id", "recipient", "checked_at", "marks", "notes"],
        [
            [r["id"], r["name"], c["checked_at"], json.dumps(c["marks"]), c["notes"]]
            for r in data["recipients"]
            for c in r["skin_checks"]
        ],
    )
    return written


def _xy(payload: dict[str, Any]) -> list[Any]:
    at = payload.get("at")
    return [at["x_cm"], at["y_cm"]] if isinstance(at, dict) else ["", ""]


# -- backup ----------------------------------------------------------------------------------------


def backup(database: Database, dest: Path, *, force: bool = False) -> Path:
    """A consistent copy, readable by its owner only: SQLite's online backup into one file, or a full
    JSON export (with the accounts) for PostgreSQL. Nothing is left behind when it fails."""
    with private_file(dest, "DEST", force=force) as tmp:
        if database.dialect == "sqlite":
            import sqlite3

            raw = database.engine.raw_connection()
            try:
                target = sqlite3.connect(tmp)
                try:
                    raw.driver_connection.backup(target)  # type: ignore[union-attr]
                    target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
                except sqlite3.Error as err:  # a full disk, mostly: said as the OSError it is
                    full = "full" in str(err)
                    raise OSError(errno.ENOSPC if full else errno.EIO, "the disk is full" if full
                                  else str(err)) from None
                finally:
                    target.close()
            finally:
                raw.close()
        else:
            with (
                database.engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn,
                Session(bind=conn) as db,
            ):
                data = dump(db, Viewer(), everything=True, accounts=True)
            tmp.write_text(json.dumps(data), encoding="utf-8")
    return dest
