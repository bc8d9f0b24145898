"""Approvals (issue #14): the approvals table (a quote, contract, payment plan or handover waiting for a yes),
the approval state of quotes and contracts, and a quote's list price and cost (its discount and margin).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 23:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision: str = "0019"
down_revision: str | Sequence[str] | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AUTOINCREMENT = ("approvals",)  # SQLite: ids people see (A12) are never reused, as in migration 0006
INDEXES = {"ix_approvals_approver_id_status_created_at": ["approver_id", "status", "created_at"],
           "ix_approvals_requester_id_status_created_at": ["requester_id", "status", "created_at"],
           "ix_approvals_status_created_at": ["status", "created_at"],
           "ix_approvals_opportunity_id_status": ["opportunity_id", "status"]}


def upgrade() -> None:
    op.create_table(
        "approvals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("opportunity_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("requester_id", sa.Integer(), nullable=False),
        sa.Column("approver_id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("asked", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=True),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["opportunity_id"], ["opportunities.id"], ondelete="CASCADE",
                                name="fk_approvals_opportunity_id_opportunities"),
        sa.PrimaryKeyConstraint("id", name="pk_approvals"),
        sqlite_autoincrement=True,
    )
    for name, columns in INDEXES.items():
        op.create_index(name, "approvals", columns)
    with op.batch_alter_table("quotes") as batch:
        batch.add_column(sa.Column("list_price", sa.Numeric(18, 2), nullable=True))
        batch.add_column(sa.Column("list_price_currency", sa.String(length=3), nullable=True))
        batch.add_column(sa.Column("cost", sa.Numeric(18, 2), nullable=True))
        batch.add_column(sa.Column("cost_currency", sa.String(length=3), nullable=True))
        batch.add_column(sa.Column("approval", sa.String(length=32), server_default="", nullable=False))
    with op.batch_alter_table("contracts") as batch:
        batch.add_column(sa.Column("approval", sa.String(length=32), server_default="", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("contracts") as batch:
        batch.drop_column("approval")
    with op.batch_alter_table("quotes") as batch:
        for column in ("approval", "cost_currency", "cost", "list_price_currency", "list_price"):
            batch.drop_column(column)
    for name in INDEXES:
        op.drop_index(name, table_name="approvals")
    op.drop_table("approvals")
