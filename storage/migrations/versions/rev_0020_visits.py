"""Visit check-in (issue #14): a customer's address and coordinates, and the visits reps check in (`签到 明途`
or a shared WeCom location) with where they were and how far that was from the address.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 23:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision: str = "0020"
down_revision: str | Sequence[str] | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("customers", sa.Column("address", sa.String(255), server_default="", nullable=False))
    op.add_column("customers", sa.Column("latitude", sa.Double(), nullable=True))
    op.add_column("customers", sa.Column("longitude", sa.Double(), nullable=True))
    op.create_table(
        "visits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rep_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("opportunity_id", sa.Integer(), nullable=True),
        sa.Column("followup_id", sa.Integer(), nullable=True),
        sa.Column("latitude", sa.Double(), nullable=True),
        sa.Column("longitude", sa.Double(), nullable=True),
        sa.Column("label", sa.String(255), nullable=False),
        sa.Column("distance_m", sa.Integer(), nullable=True),
        sa.Column("far", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(["rep_id"], ["reps.id"], ondelete="CASCADE", name="fk_visits_rep_id_reps"),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], ondelete="CASCADE",
                                name="fk_visits_customer_id_customers"),
        sa.ForeignKeyConstraint(["opportunity_id"], ["opportunities.id"], ondelete="SET NULL",
                                name="fk_visits_opportunity_id_opportunities"),
        sa.ForeignKeyConstraint(["followup_id"], ["followups.id"], ondelete="SET NULL",
                                name="fk_visits_followup_id_followups"),
        sa.PrimaryKeyConstraint("id", name="pk_visits"),
    )
    op.create_index("ix_visits_customer_id", "visits", ["customer_id"])
    op.create_index("ix_visits_opportunity_id", "visits", ["opportunity_id"])
    op.create_index("ix_visits_rep_id_at", "visits", ["rep_id", "at"])
    op.create_index("ix_visits_at", "visits", ["at"])


def downgrade() -> None:
    for name in ("ix_visits_at", "ix_visits_rep_id_at", "ix_visits_opportunity_id", "ix_visits_customer_id"):
        op.drop_index(name, table_name="visits")
    op.drop_table("visits")
    for column in ("longitude", "latitude", "address"):
        op.drop_column("customers", column)
