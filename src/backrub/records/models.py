"""The records schema as SQLAlchemy 2 models. Alembic's first revision creates exactly these tables.

`sessions`, `events` and `outcomes` keep the columns the live coach has always stored, so the coach
reads and writes them unchanged; recipients, intakes, learning proposals, comfort care and accounts
sit around them. JSON values that the core reads (intakes, routines) are kept as the text sent.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


def aware(value: datetime) -> datetime:
    """SQLite gives datetimes back without a zone; they were stored in UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


class AccountRow(Base):
    """A caregiver who signs in (needed when the coach is served beyond this computer)."""

    __tablename__ = "accounts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class LoginRow(Base):
    """A signed-in browser: the SHA-256 of its cookie token, never the token itself."""

    __tablename__ = "logins"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RecipientRow(Base):
    """A person who receives massages: what stays true between sessions."""

    __tablename__ = "recipients"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True, nullable=True
    )
    name: Mapped[str] = mapped_column(String(120))
    conditions: Mapped[list[Any]] = mapped_column(default=list)  # condition codes
    cleared_by_clinician: Mapped[bool] = mapped_column(Boolean, default=False)
    spots: Mapped[list[Any]] = mapped_column(default=list)  # standing spots, each with its source
    preferences: Mapped[dict[str, Any]] = mapped_column(default=dict)  # intake fields they like
    reasons: Mapped[dict[str, Any]] = mapped_column(default=dict)  # why a preference is what it is
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ShareRow(Base):
    """A recipient shared by its owner with another account."""

    __tablename__ = "shares"
    recipient_id: Mapped[str] = mapped_column(
        ForeignKey("recipients.id", ondelete="CASCADE"), primary_key=True
    )
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PendingShareRow(Base):
    """A share to a username that has no account yet: it becomes a ShareRow when that account is made.

    Sharing answers the same whether or not a name is an account, so sharing cannot be used to find
    out which usernames exist; the owner's intent is kept instead of being refused."""

    __tablename__ = "pending_shares"
    recipient_id: Mapped[str] = mapped_column(
        ForeignKey("recipients.id", ondelete="CASCADE"), primary_key=True
    )
    username: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class IntakeRow(Base):
    """An intake as built for a recipient, with what changed since the last one and why."""

    __tablename__ = "intakes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    recipient_id: Mapped[str] = mapped_column(ForeignKey("recipients.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    intake: Mapped[str] = mapped_column(Text)  # JSON
    changes: Mapped[list[Any]] = mapped_column(default=list)


class SessionRow(Base):
    """One massage: the intake, the routine as planned and as it stands, and its clock.

    The clock counts massage seconds: `clock_s` at wall time `clock_wall`, moving while running.
    """

    __tablename__ = "sessions"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    intake: Mapped[str] = mapped_column(Text)  # JSON, as given when the session started
    planned_routine: Mapped[str] = mapped_column(Text)  # JSON
    routine: Mapped[str] = mapped_column(Text)  # JSON, the current routine (steps done, then the rest)
    position: Mapped[int] = mapped_column(Integer, default=0)  # step at the last change
    clock_wall: Mapped[float] = mapped_column(Float)
    clock_s: Mapped[float] = mapped_column(Float, default=0.0)
    running: Mapped[bool] = mapped_column(Boolean, default=True)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    recipient_id: Mapped[str | None] = mapped_column(
        ForeignKey("recipients.id", ondelete="SET NULL"), index=True, nullable=True
    )
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), index=True, nullable=True
    )
    intake_id: Mapped[int | None] = mapped_column(
        ForeignKey("intakes.id", ondelete="SET NULL"), nullable=True
    )
    kind: Mapped[str] = mapped_column(String(16), default="massage", server_default="massage")  # or comfort
    # Bumped by every change to the live state: a writer that read an older version lost a race
    # (another worker changed the session first) and applies its change again to what is stored.
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class EventRow(Base):
    """Something that happened in a session; `seq` is the client's number, unique per session."""

    __tablename__ = "events"
    __table_args__ = (UniqueConstraint("session_id", "seq"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int | None] = mapped_column(Integer, nullable=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    elapsed_s: Mapped[float] = mapped_column(Float)
    type: Mapped[str] = mapped_column(String(16))
    payload: Mapped[str] = mapped_column(Text, default="{}")  # JSON


class OutcomeRow(Base):
    """How the receiver felt before and after (0-10), and the giver's notes."""

    __tablename__ = "outcomes"
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True)
    relaxation_before: Mapped[int | None] = mapped_column(Integer, nullable=True)
    relaxation_after: Mapped[int | None] = mapped_column(Integer, nullable=True)
    pain_before: Mapped[int | None] = mapped_column(Integer, nullable=True)
    pain_after: Mapped[int | None] = mapped_column(Integer, nullable=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ProposalRow(Base):
    """Something a session taught (a standing spot, a pressure), waiting for the giver to confirm it."""

    __tablename__ = "proposals"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    recipient_id: Mapped[str] = mapped_column(ForeignKey("recipients.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[str | None] = mapped_column(
        ForeignKey("sessions.id", ondelete="SET NULL"), nullable=True
    )
    kind: Mapped[str] = mapped_column(String(16))  # spot | pressure
    value: Mapped[dict[str, Any]] = mapped_column(default=dict)
    reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default="pending")  # pending | confirmed | dismissed
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class CareScheduleRow(Base):
    """Comfort care for a bed-bound person: a back rub every `every_minutes`, from `starts_at`."""

    __tablename__ = "care_schedules"
    recipient_id: Mapped[str] = mapped_column(
        ForeignKey("recipients.id", ondelete="CASCADE"), primary_key=True
    )
    every_minutes: Mapped[int] = mapped_column(Integer, default=240)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    rub_minutes: Mapped[float] = mapped_column(Float, default=8.0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class SkinCheckRow(Base):
    """A look at the skin before a comfort rub: reddened or broken places marked on the back map."""

    __tablename__ = "skin_checks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    recipient_id: Mapped[str] = mapped_column(ForeignKey("recipients.id", ondelete="CASCADE"), index=True)
    checked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    checked_by: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True
    )
    marks: Mapped[list[Any]] = mapped_column(default=list)
    notes: Mapped[str] = mapped_column(Text, default="")
    session_id: Mapped[str | None] = mapped_column(
        ForeignKey("sessions.id", ondelete="SET NULL"), nullable=True
    )


class SettingRow(Base):
    """A value the app keeps with its records, such as the secret that signs CSRF tokens."""

    __tablename__ = "settings"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


TABLES = tuple(Base.metadata.sorted_tables)


class SignInFailureRow(Base):
    """One failed sign-in (`username` "" counts a client's failures over all names): kept in the
    database so the throttle survives restarts and counts whichever worker answered."""

    __tablename__ = "sign_in_failures"
    __table_args__ = (Index("ix_sign_in_failures_key", "client", "username", "at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64))
    client: Mapped[str] = mapped_column(String(64))
    at: Mapped[float] = mapped_column(Float)  # wall time (seconds): the same on every worker
