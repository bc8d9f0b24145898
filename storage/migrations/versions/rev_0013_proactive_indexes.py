"""Indexes the proactive jobs read by (issue #11): a person's outbox line by status, a rep's day in the
audit trail and follow-ups, a person's open reminders by time, sent reminders not yet escalated, and
open deals by expected close (forecasts). Two single-column indexes give way to the wider ones that
begin with the same column.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 09:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from storage.search_schema import analyze_in_migration

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    ("ix_outbox_channel_recipient_status_id", "outbox", ["channel", "recipient", "status", "id"]),
    ("ix_audit_actor_id_at", "audit", ["actor_id", "at"]),
    ("ix_followups_rep_id_at", "followups", ["rep_id", "at"]),
    ("ix_reminders_rep_id_status_due_at", "reminders", ["rep_id", "status", "due_at"]),
    ("ix_reminders_status_escalated_at_due_at", "reminders", ["status", "escalated_at", "due_at"]),
    ("ix_opportunities_expected_close_stage", "opportunities", ["expected_close", "stage"]),
)
REPLACED = (  # (index, table, columns): each is the first column of a wider index above
    ("ix_outbox_channel_recipient", "outbox", ["channel", "recipient"]),
    ("ix_followups_rep_id", "followups", ["rep_id"]),
    ("ix_reminders_rep_id", "reminders", ["rep_id"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)
    for name, table, _columns in REPLACED:
        op.drop_index(name, table_name=table)
    analyze_in_migration(op.get_bind())  # the planner weighs the new indexes


def downgrade() -> None:
    for name, table, columns in REPLACED:
        op.create_index(name, table, columns)
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
