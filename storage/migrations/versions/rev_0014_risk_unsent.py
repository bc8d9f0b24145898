"""The risk ledger's unsent warnings by an index of their own (issue #11): the ledger keeps every warning
ever stored, so each delivery (hourly) counted and marked unsent warnings by reading every row of a
recipient, sent or not. A partial index holds only the unsent rows, in the order delivery reads them
(team, recipient, rule, id); a row leaves it when it is marked sent.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 12:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNSENT = sa.text("sent_at IS NULL")


def upgrade() -> None:
    op.create_index("ix_risk_alerts_unsent", "risk_alerts", ["team_id", "rep_id", "rule", "id"],
                    sqlite_where=UNSENT, postgresql_where=UNSENT)


def downgrade() -> None:
    op.drop_index("ix_risk_alerts_unsent", table_name="risk_alerts")
