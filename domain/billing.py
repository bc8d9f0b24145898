"""Contracts, payment milestones, payments received and invoices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from domain.approval_state import ApprovalState
from domain.money import Money


@dataclass(slots=True)
class Contract:
    opportunity_id: int
    number: str
    amount: Money
    signed_on: date | None = None
    note: str = ""
    created_by: int | None = None
    created_at: datetime | None = None
    id: int | None = None
    approval: ApprovalState = ApprovalState.NONE  # pending: not signed (nor mailed) until approved


class MilestoneStatus(StrEnum):
    PLANNED = "planned"
    PARTIAL = "partial"
    PAID = "paid"


@dataclass(slots=True)
class PaymentMilestone:
    opportunity_id: int
    seq: int
    amount: Money
    due_on: date
    percent: Decimal | None = None
    note: str = ""
    paid: Money | None = None
    status: MilestoneStatus = MilestoneStatus.PLANNED
    id: int | None = None
    plan: int = 1  # which version of the deal's payment plan (1, 2, …); a replacement adds the next one
    replaced_at: datetime | None = None  # set when a newer plan replaced this one (kept as history)


@dataclass(slots=True)
class Payment:
    opportunity_id: int
    amount: Money
    received_on: date
    note: str = ""
    recorded_by: int | None = None
    id: int | None = None


class InvoiceStatus(StrEnum):
    REQUESTED = "requested"  # 申请开票
    ISSUED = "issued"  # 已开
    VOID = "void"  # 作废 (does not count)
    REVERSED = "reversed"  # 已红冲: the original of a red reversal (counts, offset by its red record)
    RED = "red"  # 红字发票: the negative record of a red reversal


@dataclass(slots=True)
class Invoice:
    opportunity_id: int
    amount: Money
    status: InvoiceStatus = InvoiceStatus.ISSUED
    number: str = ""
    issued_on: date | None = None
    note: str = ""
    id: int | None = None
    reverses_id: int | None = None  # on a red record: the invoice it reverses
