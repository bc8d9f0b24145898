"""The risk ledger read by index (issue #11). The ledger keeps every warning ever stored (~760,000 after a
first scan of a 1M-deal company), so each delivery (hourly) counted and marked unsent warnings by reading
every row of a recipient, sent or not: a partial index holds only the unsent rows, in the order delivery
reads them (team, recipient, rule, id); a row leaves it when it is marked sent. `风险` reads the newest
warnings of everyone, of some recipients or of some teams: newest-first indexes for everyone and per team
(per recipient there is one already).

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


NEWEST = (("ix_risk_alerts_created_at_id", ["created_at", "id"]),
          ("ix_risk_alerts_team_id_created_at_id", ["team_id", "created_at", "id"]))


def upgrade() -> None:
    op.create_index("ix_risk_alerts_unsent", "risk_alerts", ["team_id", "rep_id", "rule", "id"],
                    sqlite_where=UNSENT, postgresql_where=UNSENT)
    for name, columns in NEWEST:
        op.create_index(name, "risk_alerts", columns)


def downgrade() -> None:
    for name, _columns in NEWEST:
        op.drop_index(name, table_name="risk_alerts")
    op.drop_index("ix_risk_alerts_unsent", table_name="risk_alerts")
