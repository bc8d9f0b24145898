"""The bot speaks first (issue #11): reminders with actions and escalation, quiet hours, risk warnings
sent once per state, sales targets, daily reports; indexes for a period's closed, new and moved deals.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 08:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    ("ix_opportunities_closed_at_stage", "opportunities", ["closed_at", "stage"]),
    ("ix_opportunities_created_at", "opportunities", ["created_at"]),
    ("ix_stage_changes_at", "stage_changes", ["at"]),
    ("ix_leads_created_at", "leads", ["created_at"]),
)
REMINDER_TIMES = ("sent_at", "done_at", "escalated_at")


def upgrade() -> None:
    op.add_column("reps", sa.Column("quiet_hours", sa.String(255), server_default="", nullable=False))
    op.add_column("reminders", sa.Column("kind", sa.String(32), server_default="next_step", nullable=False))
    for name in REMINDER_TIMES:
        op.add_column("reminders", sa.Column(name, sa.DateTime(timezone=True), nullable=True))
    _create_tables()
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def _create_tables() -> None:
    op.create_table(
        "risk_alerts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("rule", sa.String(32), nullable=False),
        sa.Column("subject_kind", sa.String(32), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(255), nullable=False),
        sa.Column("rep_id", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_risk_alerts"),
        sa.UniqueConstraint("rule", "subject_kind", "subject_id", "state",
                            name="uq_risk_alerts_rule_subject_kind_subject_id_state"))
    op.create_index("ix_risk_alerts_rep_id_created_at", "risk_alerts", ["rep_id", "created_at"])
    op.create_table(
        "targets",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("scope_kind", sa.String(32), nullable=False),
        sa.Column("scope_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(32), nullable=False),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("amount_currency", sa.String(3), nullable=False),
        sa.Column("set_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_targets"),
        sa.UniqueConstraint("scope_kind", "scope_id", "period", name="uq_targets_scope_kind_scope_id_period"))
    op.create_table(
        "daily_reports",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("rep_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.Column("plan", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_daily_reports"),
        sa.UniqueConstraint("rep_id", "day", name="uq_daily_reports_rep_id_day"))
    op.create_index("ix_daily_reports_day_status", "daily_reports", ["day", "status"])


def downgrade() -> None:
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
    op.drop_index("ix_daily_reports_day_status", table_name="daily_reports")
    op.drop_table("daily_reports")
    op.drop_table("targets")
    op.drop_index("ix_risk_alerts_rep_id_created_at", table_name="risk_alerts")
    op.drop_table("risk_alerts")
    with op.batch_alter_table("reminders") as batch:
        for name in ("kind", *REMINDER_TIMES):
            batch.drop_column(name)
    with op.batch_alter_table("reps") as batch:
        batch.drop_column("quiet_hours")
