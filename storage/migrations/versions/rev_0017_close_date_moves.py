"""Close-date slips (issue #13): each time an open deal's expected close date is moved later (`预计签约 #12
2027-01-15`), when, from what and to what. The win model counts them up to the moment it scores; undo
removes them with the change that made them.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 22:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision: str = "0017"
down_revision: str | Sequence[str] | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "close_date_moves",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("opportunity_id", sa.Integer(), nullable=False),
        sa.Column("before", UTCDateTime(), nullable=False),
        sa.Column("after", UTCDateTime(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["opportunity_id"], ["opportunities.id"], ondelete="CASCADE",
                                name="fk_close_date_moves_opportunity_id_opportunities"),
        sa.PrimaryKeyConstraint("id", name="pk_close_date_moves"),
    )
    op.create_index("ix_close_date_moves_opportunity_id", "close_date_moves", ["opportunity_id"])


def downgrade() -> None:
    op.drop_index("ix_close_date_moves_opportunity_id", table_name="close_date_moves")
    op.drop_table("close_date_moves")
