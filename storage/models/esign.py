"""E-signature requests of contracts (issue #16, migration 0025): who was asked to sign which contract, the
provider's flow id, the state, and the signed file kept in the file store."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, Code, LongText, parent


class ContractSignatureRow(Base):
    __tablename__ = "contract_signatures"
    __table_args__ = (Index("ix_contract_signatures_contract_id_id", "contract_id", "id"),)  # a contract's latest

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = parent("contracts.id", cascade=True, index=False)
    signer_name: Mapped[str] = mapped_column(String(64))
    signer_mobile: Mapped[str] = mapped_column(String(20))
    requested_at: Mapped[datetime]
    requested_by: Mapped[int | None]
    status: Mapped[Code]
    flow_id: Mapped[str | None] = mapped_column(String(64), unique=True)  # NULL until sent: never a duplicate
    sent_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    reason: Mapped[LongText]
    signed_file: Mapped[str] = mapped_column(String(64), server_default="")
