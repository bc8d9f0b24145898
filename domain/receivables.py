"""What is owed on a deal after the signature, seen on one day.

Each payment milestone has a state on `today` (paid, partly paid, due, overdue); a deal's money is summed
per currency (contract, received, outstanding, overdue, invoiced). Different currencies are never added
together: a deal with yuan and dollars gets one position per currency.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from domain.billing import Invoice, InvoiceStatus, Payment, PaymentMilestone
from domain.money import CNY, Money
from domain.payments import remaining


class MilestoneState(StrEnum):
    PAID = "paid"  # fully received
    PARTIAL = "partial"  # some received, the due date not passed yet
    DUE = "due"  # nothing received, the due date not passed yet (today counts as not passed)
    OVERDUE = "overdue"  # the due date passed and something is still to be received

    def label(self, locale: str) -> str:
        zh, en = STATE_LABELS[self]
        return en if locale == "en" else zh


STATE_LABELS: dict[MilestoneState, tuple[str, str]] = {
    MilestoneState.PAID: ("已回款", "paid"),
    MilestoneState.PARTIAL: ("部分回款", "partly paid"),
    MilestoneState.DUE: ("待回款", "due"),
    MilestoneState.OVERDUE: ("已逾期", "overdue"),
}


def state_of(milestone: PaymentMilestone, today: date) -> MilestoneState:
    """The milestone's state on `today`: paid in full beats everything; past its due date it is overdue."""
    if remaining(milestone).amount <= 0:
        return MilestoneState.PAID
    if milestone.due_on < today:
        return MilestoneState.OVERDUE
    if milestone.paid is not None and milestone.paid.amount > 0:
        return MilestoneState.PARTIAL
    return MilestoneState.DUE


def days_overdue(milestone: PaymentMilestone, today: date) -> int:
    """Days since the due date of an overdue milestone; 0 for any other state."""
    if state_of(milestone, today) is not MilestoneState.OVERDUE:
        return 0
    return (today - milestone.due_on).days


def next_due(milestones: Iterable[PaymentMilestone], today: date) -> PaymentMilestone | None:
    """The soonest milestone still to be received that is not overdue yet."""
    waiting = [m for m in milestones if state_of(m, today) in (MilestoneState.DUE, MilestoneState.PARTIAL)]
    return min(waiting, key=lambda m: (m.due_on, m.seq), default=None)


@dataclass(frozen=True, slots=True)
class Position:
    """A deal's money in one currency. `outstanding` is None when nothing says what is owed (no contract
    and no plan in this currency)."""

    currency: str
    contract: Money | None
    received: Money
    outstanding: Money | None
    overdue: Money
    invoiced: Money


def _total(amounts: Iterable[Money], currency: str) -> Money:
    return Money(sum((a.amount for a in amounts if a.currency == currency), Decimal(0)), currency)


def _currencies(*groups: Iterable[Money]) -> list[str]:
    found = {money.currency for group in groups for money in group}
    return sorted(found, key=lambda c: (c != CNY, c))


def positions(contract: Money | None, milestones: Sequence[PaymentMilestone], received: Sequence[Payment],
              invoices: Sequence[Invoice], today: date) -> list[Position]:
    """One position per currency met (yuan first). What is owed is the contract amount in its currency,
    else the current plan's total; outstanding = owed − received, never negative. Overdue sums what is
    left on overdue milestones. Invoiced counts every invoice except void ones (red records negatively)."""
    counted = [i for i in invoices if i.status is not InvoiceStatus.VOID]
    currencies = _currencies([contract] if contract else [], (m.amount for m in milestones),
                             (p.amount for p in received), (i.amount for i in counted))
    result = []
    for currency in currencies:
        mine = [m for m in milestones if m.amount.currency == currency]
        got = _total((p.amount for p in received), currency)
        signed = contract if contract is not None and contract.currency == currency else None
        owed = signed if signed is not None or not mine else _total((m.amount for m in mine), currency)
        left = None if owed is None else Money(max(owed.amount - got.amount, Decimal(0)), currency)
        late = _total((remaining(m) for m in mine if state_of(m, today) is MilestoneState.OVERDUE), currency)
        result.append(Position(currency, signed, got, left, late,
                               _total((i.amount for i in counted), currency)))
    return result
