"""Mail capture that never wedges: quarantined mails, over-long values kept safely.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05 23:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "mail_quarantine",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mailbox", sa.String(length=255), nullable=False),
        sa.Column("uidvalidity", sa.BigInteger(), nullable=False),
        sa.Column("uid", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.String(length=255), nullable=False),
        sa.Column("sender", sa.String(length=255), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_quarantine")),
        sa.UniqueConstraint("mailbox", "uidvalidity", "uid", name=op.f("uq_mail_quarantine_mailbox_uidvalidity_uid")),
    )
    op.create_index("ix_mail_quarantine_at", "mail_quarantine", ["at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_mail_quarantine_at", table_name="mail_quarantine")
    op.drop_table("mail_quarantine")
