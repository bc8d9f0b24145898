"""Contracts, payment milestones, payments received and invoices."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, Code, Currency, LongText, Ratio, never_reused, parent


class ContractRow(Base):
    __tablename__ = "contracts"
    __table_args__ = never_reused()

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = parent("opportunities.id")
    number: Mapped[str] = mapped_column(String(64), index=True)
    amount: Mapped[Decimal]
    amount_currency: Mapped[Currency]
    signed_on: Mapped[date | None]
    note: Mapped[LongText]
    created_by: Mapped[int | None]
    created_at: Mapped[datetime | None]
    approval: Mapped[Code] = mapped_column(server_default="")  # pending: not signed yet (migration 0019)


class PaymentMilestoneRow(Base):
    __tablename__ = "payment_milestones"
    __table_args__ = never_reused()

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = parent("opportunities.id")
    seq: Mapped[int]
    amount: Mapped[Decimal]
    amount_currency: Mapped[Currency]
    due_on: Mapped[date] = mapped_column(index=True)
    percent: Mapped[Ratio | None]
    note: Mapped[LongText]
    paid: Mapped[Decimal | None]
    paid_currency: Mapped[Currency | None]
    status: Mapped[Code]
    plan: Mapped[int] = mapped_column(server_default="1")
    replaced_at: Mapped[datetime | None]


class PaymentRow(Base):
    __tablename__ = "payments"
    __table_args__ = never_reused()

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = parent("opportunities.id")
    amount: Mapped[Decimal]
    amount_currency: Mapped[Currency]
    received_on: Mapped[date]
    note: Mapped[LongText]
    recorded_by: Mapped[int | None]


class InvoiceRow(Base):
    __tablename__ = "invoices"
    __table_args__ = never_reused()

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = parent("opportunities.id")
    amount: Mapped[Decimal]
    amount_currency: Mapped[Currency]
    status: Mapped[Code]
    number: Mapped[str] = mapped_column(String(64))
    issued_on: Mapped[date | None]
    note: Mapped[LongText]
    reverses_id: Mapped[int | None]
