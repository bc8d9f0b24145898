"""Retention and housekeeping: indexes that pruning needs.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 00:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain CREATE INDEX on both engines (no table copy). Each serves one pruning query, walked in index order
# (equality on the state, range on the time): the chunks cost the same however many rows are kept.
INDEXES = (
    ("ix_inbox_state_processed_at", "inbox", ["state", "processed_at"]),
    ("ix_audit_at", "audit", ["at"]),
    ("ix_outbox_status_sent_at", "outbox", ["status", "sent_at"]),
    ("ix_outbox_status_created_at", "outbox", ["status", "created_at"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
