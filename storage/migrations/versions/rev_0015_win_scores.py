"""Win probability (issue #13): a deal's id in the system it was imported from (`opportunities.ref`, kept and
searchable, so re-importing a file updates instead of duplicating), where the deal came from
(`opportunities.source`: 招投标, 转介绍, 官网…), and the latest score of every open deal
(`win_scores`: P(won), P(won within 30 days), the score before it, its factors), written by the nightly
scoring job and read by the deal card, `建议 #12` and the manager digest.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 21:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.types import ExactDecimal, UTCDateTime

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("opportunities") as batch:
        batch.add_column(sa.Column("ref", sa.String(length=64), server_default="", nullable=False))
        batch.add_column(sa.Column("source", sa.String(length=100), server_default="", nullable=False))
    op.create_index("ix_opportunities_ref", "opportunities", ["ref"])
    op.create_table(
        "win_scores",
        sa.Column("opportunity_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("p_win", ExactDecimal(9, 4), nullable=False),
        sa.Column("p_win_30d", ExactDecimal(9, 4), nullable=False),
        sa.Column("previous", ExactDecimal(9, 4), nullable=True),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("factors", sa.JSON(), nullable=False),
        sa.Column("scored_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["opportunity_id"], ["opportunities.id"], ondelete="CASCADE",
                                name="fk_win_scores_opportunity_id_opportunities"),
        sa.PrimaryKeyConstraint("opportunity_id", name="pk_win_scores"),
    )
    op.create_index("ix_win_scores_team_id", "win_scores", ["team_id"])


def downgrade() -> None:
    op.drop_index("ix_win_scores_team_id", table_name="win_scores")
    op.drop_table("win_scores")
    op.drop_index("ix_opportunities_ref", table_name="opportunities")
    with op.batch_alter_table("opportunities") as batch:
        batch.drop_column("source")
        batch.drop_column("ref")
