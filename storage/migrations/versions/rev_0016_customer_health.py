"""Customer health (issue #13): a customer's follow-ups and mails by time, so that the health facts of a
customer (last contact, contacts and mails of the last 90 days, the first answer after each of our mails)
read only that customer's recent rows. The single-column follow-up index gives way to the wider one.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 22:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from storage.search_schema import analyze_in_migration

revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    ("ix_followups_customer_id_at", "followups", ["customer_id", "at"]),
    ("ix_mail_threads_customer_id_at", "mail_threads", ["customer_id", "at"]),
)
REPLACED = (("ix_followups_customer_id", "followups", ["customer_id"]),)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)
    for name, table, _columns in REPLACED:
        op.drop_index(name, table_name=table)
    analyze_in_migration(op.get_bind())


def downgrade() -> None:
    for name, table, columns in REPLACED:
        op.create_index(name, table, columns)
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
