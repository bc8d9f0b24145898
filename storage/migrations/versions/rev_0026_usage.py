"""Feedback and usage analytics (issue #16): usage_events (no message text) and feedback.

Revision ID: 0026
Revises: 0021
Create Date: 2026-12-07 07:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision: str = "0026"
down_revision: str | Sequence[str] | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "usage_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("feature", sa.String(64), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("latency_ms", sa.Integer(), nullable=True),
        sa.Column("target", sa.String(16), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_usage_events"),
    )
    op.create_index("ix_usage_events_at", "usage_events", ["at"])
    op.create_index("ix_usage_events_kind_at", "usage_events", ["kind", "at"])
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("conversation_id", sa.String(255), nullable=False),
        sa.Column("is_group", sa.Boolean(), nullable=False),
        sa.Column("locale", sa.String(8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["reps.id"], ondelete="SET NULL", name="fk_feedback_person_id_reps"),
        sa.PrimaryKeyConstraint("id", name="pk_feedback"),
    )
    op.create_index("ix_feedback_at", "feedback", ["at"])
    op.create_index("ix_feedback_person_id", "feedback", ["person_id"])


def downgrade() -> None:
    op.drop_index("ix_feedback_person_id", table_name="feedback")
    op.drop_index("ix_feedback_at", table_name="feedback")
    op.drop_table("feedback")
    op.drop_index("ix_usage_events_kind_at", table_name="usage_events")
    op.drop_index("ix_usage_events_at", table_name="usage_events")
    op.drop_table("usage_events")
