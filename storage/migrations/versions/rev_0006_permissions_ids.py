"""Ids that are never reused: SQLite AUTOINCREMENT on every table whose ids people see.

Without AUTOINCREMENT SQLite hands out max(id) + 1, so after an undo deleted the newest deal the next deal
got its number again (#402 named two different deals). PostgreSQL sequences never go back: nothing to do
there. SQLite cannot add AUTOINCREMENT to a table, so each table is copied (batch mode, reflected as it is)
into one created with it; storage.migrate runs SQLite migrations with foreign keys off and checks them after.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 23:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Keep in step with the models' __table_args__ (sqlite_autoincrement=True).
TABLES = ("customers", "contacts", "leads", "opportunities", "followups", "reminders", "quotes", "contracts",
          "payment_milestones", "payments", "invoices", "projects", "milestones", "tasks", "change_requests",
          "ratings")


def _recreate(autoincrement: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in TABLES:
        with op.batch_alter_table(table, recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}):
            pass


def upgrade() -> None:
    _recreate(True)


def downgrade() -> None:
    _recreate(False)
