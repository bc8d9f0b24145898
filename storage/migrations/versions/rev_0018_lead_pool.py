"""The lead pool (公海, issue #14): a customer with no owner is in the pool of `pool_team_id` (NULL: the
company's); `claimed_at` says when its owner took it, `protected` keeps it from the reclaim scan; the
pool_events log holds every claim, release, reclaim, warning and protection change (the daily claim limit,
the cool-down, the digest line and undo read it).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision: str = "0018"
down_revision: str | Sequence[str] | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("customers", sa.Column("claimed_at", UTCDateTime(), nullable=True))
    op.add_column("customers", sa.Column("protected", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column("customers", sa.Column("pool_team_id", sa.Integer(), nullable=True))
    op.create_index("ix_customers_owner_id_pool_team_id_id", "customers", ["owner_id", "pool_team_id", "id"])
    op.create_table(
        "pool_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("rep_id", sa.Integer(), nullable=True),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("lead_id", sa.Integer(), nullable=True),
        sa.Column("by", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], ondelete="CASCADE",
                                name="fk_pool_events_customer_id_customers"),
        sa.ForeignKeyConstraint(["lead_id"], ["leads.id"], ondelete="CASCADE", name="fk_pool_events_lead_id_leads"),
        sa.PrimaryKeyConstraint("id", name="pk_pool_events"),
    )
    op.create_index("ix_pool_events_rep_id_kind_at", "pool_events", ["rep_id", "kind", "at"])
    op.create_index("ix_pool_events_customer_id_kind_at", "pool_events", ["customer_id", "kind", "at"])
    op.create_index("ix_pool_events_kind_at", "pool_events", ["kind", "at"])
    op.create_index("ix_pool_events_lead_id", "pool_events", ["lead_id"])
    op.create_index("ix_followups_lead_id_at", "followups", ["lead_id", "at"])  # a held lead's last follow-up


def downgrade() -> None:
    op.drop_index("ix_followups_lead_id_at", table_name="followups")
    for name in ("ix_pool_events_lead_id", "ix_pool_events_kind_at", "ix_pool_events_customer_id_kind_at",
                 "ix_pool_events_rep_id_kind_at"):
        op.drop_index(name, table_name="pool_events")
    op.drop_table("pool_events")
    op.drop_index("ix_customers_owner_id_pool_team_id_id", table_name="customers")
    with op.batch_alter_table("customers") as batch:
        batch.drop_column("pool_team_id")
        batch.drop_column("protected")
        batch.drop_column("claimed_at")
