"""Mail threads: Message-IDs, reply tokens and senders mapped to customers, contacts, leads and deals.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 20:57:38.286473
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "mail_threads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("lead_id", sa.Integer(), nullable=True),
        sa.Column("opportunity_id", sa.Integer(), nullable=True),
        sa.Column("sender", sa.String(length=255), nullable=False),
        sa.Column("outbound", sa.Boolean(), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_threads")),
        sa.UniqueConstraint("key", "kind", name=op.f("uq_mail_threads_key_kind")),
    )
    op.create_index("ix_mail_threads_lead_id_at", "mail_threads", ["lead_id", "at"], unique=False)
    op.create_index("ix_mail_threads_opportunity_id_at", "mail_threads", ["opportunity_id", "at"], unique=False)
    op.create_index("ix_mail_threads_sender_at", "mail_threads", ["sender", "at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_mail_threads_sender_at", table_name="mail_threads")
    op.drop_index("ix_mail_threads_opportunity_id_at", table_name="mail_threads")
    op.drop_index("ix_mail_threads_lead_id_at", table_name="mail_threads")
    op.drop_table("mail_threads")
