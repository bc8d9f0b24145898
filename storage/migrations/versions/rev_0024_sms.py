"""SMS as a reminder channel (issue #16): people's mobiles and opt-in, customers who said stop, the ledger of
SMS the provider accepted (the throttle counts it, owners read it).

Revision ID: 0024
Revises: 0021
Create Date: 2026-12-07 07:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision: str = "0024"
down_revision: str | Sequence[str] | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sms_subscriptions",
        sa.Column("rep_id", sa.Integer(), nullable=False),
        sa.Column("mobile", sa.String(20), nullable=False),
        sa.Column("enabled", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["rep_id"], ["reps.id"], name=op.f("fk_sms_subscriptions_rep_id_reps"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("rep_id", name=op.f("pk_sms_subscriptions")),
    )
    op.create_table(
        "sms_optouts",
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("stopped_at", UTCDateTime(), nullable=False),
        sa.Column("stopped_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], name=op.f("fk_sms_optouts_customer_id_customers"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["stopped_by"], ["reps.id"], name=op.f("fk_sms_optouts_stopped_by_reps"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("customer_id", name=op.f("pk_sms_optouts")),
    )
    op.create_table(
        "sms_sends",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=False),
        sa.Column("delivery_key", sa.String(64), nullable=True),
        sa.Column("template_id", sa.String(64), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("milestone_id", sa.Integer(), nullable=True),
        sa.Column("serial_no", sa.String(128), server_default="", nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], name=op.f("fk_sms_sends_customer_id_customers"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["milestone_id"], ["payment_milestones.id"],
                                name=op.f("fk_sms_sends_milestone_id_payment_milestones"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sms_sends")),
        sa.UniqueConstraint("delivery_key", name=op.f("uq_sms_sends_delivery_key")),
    )
    op.create_index("ix_sms_sends_phone_sent_at", "sms_sends", ["phone", "sent_at"])
    op.create_index("ix_sms_sends_customer_id", "sms_sends", ["customer_id"])


def downgrade() -> None:
    op.drop_index("ix_sms_sends_customer_id", table_name="sms_sends")
    op.drop_index("ix_sms_sends_phone_sent_at", table_name="sms_sends")
    op.drop_table("sms_sends")
    op.drop_table("sms_optouts")
    op.drop_table("sms_subscriptions")
