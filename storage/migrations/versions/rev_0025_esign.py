"""E-signature of contracts (issue #16): one row per request to sign a contract through the provider, with
the signer, the provider's flow id, the state, when it was sent and ended, why, and the signed file.

Revision ID: 0025
Revises: 0021
Create Date: 2026-12-07 06:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision: str = "0025"
down_revision: str | Sequence[str] | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "contract_signatures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("signer_name", sa.String(64), nullable=False),
        sa.Column("signer_mobile", sa.String(20), nullable=False),
        sa.Column("requested_at", UTCDateTime(), nullable=False),
        sa.Column("requested_by", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("flow_id", sa.String(64), nullable=True),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("signed_file", sa.String(64), server_default="", nullable=False),
        sa.ForeignKeyConstraint(["contract_id"], ["contracts.id"], ondelete="CASCADE",
                                name="fk_contract_signatures_contract_id_contracts"),
        sa.PrimaryKeyConstraint("id", name="pk_contract_signatures"),
        sa.UniqueConstraint("flow_id", name="uq_contract_signatures_flow_id"),
    )
    op.create_index("ix_contract_signatures_contract_id_id", "contract_signatures", ["contract_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_contract_signatures_contract_id_id", table_name="contract_signatures")
    op.drop_table("contract_signatures")
