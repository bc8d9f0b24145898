"""A team's deals walked most urgent first: the team index orders by stage, next step, creation time
(storage.repositories.deal_lists walks each team, stage and band with a limit); the owner column it held
served the team totals, which the deal_totals summary answers now. The owner index carries the team, so
a manager's list finds the members' deals outside the team from the index alone.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 05:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from storage.search_schema import analyze_in_migration

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_opportunities_team_id_stage_owner_id", table_name="opportunities")
    op.create_index("ix_opportunities_team_id_stage_next_at_created_at", "opportunities",
                    ["team_id", "stage", "next_at", "created_at"])
    op.drop_index("ix_opportunities_owner_id_stage_next_at", table_name="opportunities")
    op.create_index("ix_opportunities_owner_id_stage_next_at_team_id", "opportunities",
                    ["owner_id", "stage", "next_at", "team_id"])
    analyze_in_migration(op.get_bind(), "opportunities")  # the planner weighs the new indexes


def downgrade() -> None:
    op.drop_index("ix_opportunities_owner_id_stage_next_at_team_id", table_name="opportunities")
    op.create_index("ix_opportunities_owner_id_stage_next_at", "opportunities", ["owner_id", "stage", "next_at"])
    op.drop_index("ix_opportunities_team_id_stage_next_at_created_at", table_name="opportunities")
    op.create_index("ix_opportunities_team_id_stage_owner_id", "opportunities", ["team_id", "stage", "owner_id"])
