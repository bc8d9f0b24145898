"""Inbox and outbox as work queues: claims with leases, attempts, dead letters.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05 23:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("inbox") as batch:
        batch.add_column(sa.Column("state", sa.String(length=32), server_default="pending", nullable=False))
        batch.add_column(sa.Column("claimed_by", sa.String(length=255), nullable=True))
        batch.add_column(sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("attempts", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("last_error", sa.Text(), server_default="", nullable=False))
    op.execute("UPDATE inbox SET state = 'done' WHERE processed_at IS NOT NULL")
    op.create_index("ix_inbox_state_next_attempt_at", "inbox", ["state", "next_attempt_at"], unique=False)
    op.create_index("ix_inbox_state_lease_until", "inbox", ["state", "lease_until"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_inbox_state_lease_until", table_name="inbox")
    op.drop_index("ix_inbox_state_next_attempt_at", table_name="inbox")
    with op.batch_alter_table("inbox") as batch:
        for column in ("last_error", "next_attempt_at", "attempts", "lease_until", "claimed_by", "state"):
            batch.drop_column(column)
