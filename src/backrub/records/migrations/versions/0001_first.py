"""The first schema: accounts, recipients, intakes, sessions with events and outcomes, learning
proposals, comfort-care schedules and skin checks.

Revision ID: 0001
Revises:
Create Date: 2026-05-20
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_accounts"),
        sa.UniqueConstraint("username", name="uq_accounts_username"),
    )
    op.create_table(
        "logins",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("expires_at", TZ, nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], ondelete="CASCADE", name="fk_logins_account_id_accounts"
        ),
        sa.PrimaryKeyConstraint("token_hash", name="pk_logins"),
    )
    op.create_index("ix_logins_account_id", "logins", ["account_id"])
    op.create_table(
        "recipients",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("conditions", sa.JSON(), nullable=False),
        sa.Column("cleared_by_clinician", sa.Boolean(), nullable=False),
        sa.Column("spots", sa.JSON(), nullable=False),
        sa.Column("preferences", sa.JSON(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["accounts.id"], ondelete="CASCADE", name="fk_recipients_owner_id_accounts"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_recipients"),
    )
    op.create_index("ix_recipients_owner_id", "recipients", ["owner_id"])
    op.create_table(
        "shares",
        sa.Column("recipient_id", sa.String(32), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], ondelete="CASCADE", name="fk_shares_account_id_accounts"
        ),
        sa.ForeignKeyConstraint(
            ["recipient_id"], ["recipients.id"], ondelete="CASCADE", name="fk_shares_recipient_id_recipients"
        ),
        sa.PrimaryKeyConstraint("recipient_id", "account_id", name="pk_shares"),
    )
    op.create_table(
        "intakes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("recipient_id", sa.String(32), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("intake", sa.Text(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["recipient_id"], ["recipients.id"], ondelete="CASCADE", name="fk_intakes_recipient_id_recipients"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_intakes"),
    )
    op.create_index("ix_intakes_recipient_id", "intakes", ["recipient_id"])
    op.create_table(
        "sessions",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("intake", sa.Text(), nullable=False),
        sa.Column("planned_routine", sa.Text(), nullable=False),
        sa.Column("routine", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("clock_wall", sa.Float(), nullable=False),
        sa.Column("clock_s", sa.Float(), nullable=False),
        sa.Column("running", sa.Boolean(), nullable=False),
        sa.Column("ended_at", TZ, nullable=True),
        sa.Column("recipient_id", sa.String(32), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("intake_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(16), nullable=False, server_default="massage"),
        sa.ForeignKeyConstraint(
            ["intake_id"], ["intakes.id"], ondelete="SET NULL", name="fk_sessions_intake_id_intakes"
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["accounts.id"], ondelete="SET NULL", name="fk_sessions_owner_id_accounts"
        ),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["recipients.id"],
            ondelete="SET NULL",
            name="fk_sessions_recipient_id_recipients",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_sessions"),
    )
    op.create_index("ix_sessions_owner_id", "sessions", ["owner_id"])
    op.create_index("ix_sessions_recipient_id", "sessions", ["recipient_id"])
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("session_id", sa.String(32), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=True),
        sa.Column("at", TZ, nullable=False),
        sa.Column("elapsed_s", sa.Float(), nullable=False),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], ondelete="CASCADE", name="fk_events_session_id_sessions"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_events"),
        sa.UniqueConstraint("session_id", "seq", name="uq_events_session_id"),
    )
    op.create_index("ix_events_session_id", "events", ["session_id"])
    op.create_table(
        "outcomes",
        sa.Column("session_id", sa.String(32), nullable=False),
        sa.Column("relaxation_before", sa.Integer(), nullable=True),
        sa.Column("relaxation_after", sa.Integer(), nullable=True),
        sa.Column("pain_before", sa.Integer(), nullable=True),
        sa.Column("pain_after", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("recorded_at", TZ, nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], ondelete="CASCADE", name="fk_outcomes_session_id_sessions"
        ),
        sa.PrimaryKeyConstraint("session_id", name="pk_outcomes"),
    )
    op.create_table(
        "proposals",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("recipient_id", sa.String(32), nullable=False),
        sa.Column("session_id", sa.String(32), nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("decided_at", TZ, nullable=True),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["recipients.id"],
            ondelete="CASCADE",
            name="fk_proposals_recipient_id_recipients",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], ondelete="SET NULL", name="fk_proposals_session_id_sessions"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_proposals"),
    )
    op.create_index("ix_proposals_recipient_id", "proposals", ["recipient_id"])
    op.create_table(
        "care_schedules",
        sa.Column("recipient_id", sa.String(32), nullable=False),
        sa.Column("every_minutes", sa.Integer(), nullable=False),
        sa.Column("starts_at", TZ, nullable=False),
        sa.Column("rub_minutes", sa.Float(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["recipients.id"],
            ondelete="CASCADE",
            name="fk_care_schedules_recipient_id_recipients",
        ),
        sa.PrimaryKeyConstraint("recipient_id", name="pk_care_schedules"),
    )
    op.create_table(
        "skin_checks",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("recipient_id", sa.String(32), nullable=False),
        sa.Column("checked_at", TZ, nullable=False),
        sa.Column("checked_by", sa.Integer(), nullable=True),
        sa.Column("marks", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("session_id", sa.String(32), nullable=True),
        sa.ForeignKeyConstraint(
            ["checked_by"], ["accounts.id"], ondelete="SET NULL", name="fk_skin_checks_checked_by_accounts"
        ),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["recipients.id"],
            ondelete="CASCADE",
            name="fk_skin_checks_recipient_id_recipients",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], ondelete="SET NULL", name="fk_skin_checks_session_id_sessions"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_skin_checks"),
    )
    op.create_index("ix_skin_checks_recipient_id", "skin_checks", ["recipient_id"])


def downgrade() -> None:
    for table in (
        "skin_checks",
        "care_schedules",
        "proposals",
        "outcomes",
        "events",
        "sessions",
        "intakes",
        "shares",
        "recipients",
        "logins",
        "accounts",
    ):
        op.drop_table(table)
