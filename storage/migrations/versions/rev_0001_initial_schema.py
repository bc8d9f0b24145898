"""Initial schema: every table of storage.models.

Revision ID: 0001
Revises:
Create Date: 2026-11-24 20:32:25.574484
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from storage.migrations.initial import delivery, money, people, sales, system

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for part in (system, people, sales, money, delivery):  # each part's tables refer only to earlier ones
        part.create()


def downgrade() -> None:
    for table in (
        "tasks",
        "ratings",
        "milestones",
        "change_requests",
        "stage_changes",
        "reminders",
        "quotes",
        "projects",
        "payments",
        "payment_milestones",
        "opportunity_shares",
        "invoices",
        "identities",
        "followups",
        "contracts",
        "reps",
        "opportunities",
        "leads",
        "contacts",
        "teams",
        "settings",
        "outbox",
        "inbox",
        "customers",
        "audit",
    ):
        op.drop_table(table)
