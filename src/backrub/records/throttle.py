"""Failed sign-ins, kept in the records: the throttle's memory survives a restart and is the same
for every worker that answers (one row per failure; `username` "" counts a client's failures over
all names, against guessing names)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.orm import Session

from backrub.records.models import SignInFailureRow

__all__ = ["add_failure", "failures_since", "forget", "nth_since", "prune", "take_back_latest"]
MAX_FIELD = 64  # the column's width: a longer username or client is cut (it is only a key)


def _key(username: str, client: str, since: float) -> tuple[ColumnElement[bool], ...]:
    return (SignInFailureRow.client == client[:MAX_FIELD], SignInFailureRow.username == username[:MAX_FIELD],
            SignInFailureRow.at > since)


def failures_since(db: Session, username: str, client: str, since: float) -> int:
    """How many failures of (username, client) are later than `since`."""
    return int(db.scalar(select(func.count()).select_from(SignInFailureRow)
                         .where(*_key(username, client, since))) or 0)


def nth_since(db: Session, username: str, client: str, since: float, n: int) -> float:
    """When the n-th oldest (from 0) of those failures happened."""
    found = db.scalar(select(SignInFailureRow.at).where(*_key(username, client, since))
                      .order_by(SignInFailureRow.at, SignInFailureRow.id).offset(n).limit(1))
    return float(found) if found is not None else since


def add_failure(db: Session, username: str, client: str, at: float) -> None:
    db.add(SignInFailureRow(username=username[:MAX_FIELD], client=client[:MAX_FIELD], at=at))


def forget(db: Session, username: str, client: str) -> None:
    """A right password: the name's failures from that client are forgotten."""
    db.execute(delete(SignInFailureRow).where(SignInFailureRow.client == client[:MAX_FIELD],
                                              SignInFailureRow.username == username[:MAX_FIELD]))


def take_back_latest(db: Session, username: str, client: str) -> None:
    """Remove the newest failure of (username, client): an attempt counted before it turned out right."""
    newest = db.scalar(select(SignInFailureRow.id).where(
        SignInFailureRow.client == client[:MAX_FIELD], SignInFailureRow.username == username[:MAX_FIELD])
        .order_by(SignInFailureRow.at.desc(), SignInFailureRow.id.desc()).limit(1))
    if newest is not None:
        db.execute(delete(SignInFailureRow).where(SignInFailureRow.id == newest))


def prune(db: Session, before: float) -> None:
    """Failures older than the window count for nothing: drop them."""
    db.execute(delete(SignInFailureRow).where(SignInFailureRow.at <= before))
