"""Mail trust: participants of a thread, held mails from strangers, verified addresses.

Held mails are mail_threads rows of kind "held" (key: the code the rep types) with what filing needs
(sender name, note, status); a contact whose address came from an unvouched mail is `email_unverified`.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05 23:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("mail_threads") as batch:
        batch.add_column(sa.Column("sender_name", sa.String(length=255), server_default="", nullable=False))
        batch.add_column(sa.Column("note", sa.Text(), server_default="", nullable=False))
        batch.add_column(sa.Column("status", sa.String(length=32), server_default="", nullable=False))
    with op.batch_alter_table("contacts") as batch:
        batch.add_column(sa.Column("email_unverified", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("contacts") as batch:
        batch.drop_column("email_unverified")
    with op.batch_alter_table("mail_threads") as batch:
        batch.drop_column("status")
        batch.drop_column("note")
        batch.drop_column("sender_name")
