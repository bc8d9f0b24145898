"""The SMS sends ledger by payment milestone (issue #16): the customer payment scan asks, every tick, which of
the milestones in its catch-up window were texted already; without this index that read scans the ledger.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07 12:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0027"
down_revision: str | Sequence[str] | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_sms_sends_milestone_id_sent_at", "sms_sends", ["milestone_id", "sent_at"])


def downgrade() -> None:
    op.drop_index("ix_sms_sends_milestone_id_sent_at", table_name="sms_sends")
