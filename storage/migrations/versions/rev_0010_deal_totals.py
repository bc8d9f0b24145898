"""Deal totals: the `deal_totals` summary kept by triggers, counted once from the deals already there; the
index for everyone's totals makes way for one that walks each stage's deals most urgent first.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 02:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage import deal_totals
from storage.search_schema import analyze_in_migration

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "deal_totals",
        sa.Column("team_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("owner_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("stage", sa.String(length=32), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("deals", sa.BigInteger(), nullable=False),
        sa.Column("priced", sa.BigInteger(), nullable=False),
        sa.Column("cents", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("team_id", "owner_id", "stage", "currency", name="pk_deal_totals"),
    )
    op.create_index("ix_deal_totals_owner_id_stage", "deal_totals", ["owner_id", "stage"])
    deal_totals.refill(op.get_bind())
    deal_totals.create_triggers(op.get_bind())
    op.drop_index("ix_opportunities_stage_amount_currency_amount", table_name="opportunities")
    op.create_index("ix_opportunities_stage_next_at_created_at", "opportunities", ["stage", "next_at", "created_at"])
    # the planner picks the new index (SQLite has no statistics before)
    analyze_in_migration(op.get_bind(), "opportunities")
    analyze_in_migration(op.get_bind(), "deal_totals")


def downgrade() -> None:
    op.drop_index("ix_opportunities_stage_next_at_created_at", table_name="opportunities")
    op.create_index("ix_opportunities_stage_amount_currency_amount", "opportunities",
                    ["stage", "amount_currency", "amount"])
    deal_totals.drop_triggers(op.get_bind())
    op.drop_index("ix_deal_totals_owner_id_stage", table_name="deal_totals")
    op.drop_table("deal_totals")
