"""Shares to a username without an account yet, so sharing never tells which usernames exist.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pending_shares",
        sa.Column("recipient_id", sa.String(32), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["recipient_id"], ["recipients.id"], ondelete="CASCADE",
            name="fk_pending_shares_recipient_id_recipients",
        ),
        sa.PrimaryKeyConstraint("recipient_id", "username", name="pk_pending_shares"),
    )
    op.create_index("ix_pending_shares_username", "pending_shares", ["username"])


def downgrade() -> None:
    op.drop_index("ix_pending_shares_username", table_name="pending_shares")
    op.drop_table("pending_shares")
