"""Money rules: replaceable payment plans with history, invoice states.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 23:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMNs (nullable, or with a server default): no table rebuild on SQLite.
    with op.batch_alter_table("payment_milestones") as batch:
        batch.add_column(sa.Column("plan", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("invoices") as batch:
        batch.add_column(sa.Column("reverses_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("invoices") as batch:
        batch.drop_column("reverses_id")
    with op.batch_alter_table("payment_milestones") as batch:
        batch.drop_column("replaced_at")
        batch.drop_column("plan")
