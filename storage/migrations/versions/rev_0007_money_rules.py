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
    # Plain ADD COLUMN / DROP COLUMN (SQLite >= 3.35) on both engines: no table copy, so SQLite keeps the
    # tables as revision 0006 made them (AUTOINCREMENT).
    op.add_column("payment_milestones", sa.Column("plan", sa.Integer(), nullable=False, server_default="1"))
    op.add_column("payment_milestones", sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("invoices", sa.Column("reverses_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column("invoices", "reverses_id")
    op.drop_column("payment_milestones", "replaced_at")
    op.drop_column("payment_milestones", "plan")
