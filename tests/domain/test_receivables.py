from datetime import date
from decimal import Decimal

import pytest

from domain.billing import Invoice, InvoiceStatus, Payment, PaymentMilestone
from domain.money import CNY, USD, Money
from domain.receivables import MilestoneState, Position, days_overdue, next_due, positions, state_of

TODAY = date(2026, 11, 24)


def cny(amount: str) -> Money:
    return Money(Decimal(amount), CNY)


def usd(amount: str) -> Money:
    return Money(Decimal(amount), USD)


def milestone(amount: Money, due: date, paid: Money | None = None, seq: int = 1) -> PaymentMilestone:
    return PaymentMilestone(1, seq, amount, due, paid=paid)


@pytest.mark.parametrize(("due", "paid", "state"), [
    (date(2026, 12, 15), None, MilestoneState.DUE),
    (TODAY, None, MilestoneState.DUE),  # due today is not overdue yet
    (date(2026, 12, 15), cny("100000"), MilestoneState.PARTIAL),
    (date(2026, 12, 15), cny("300000"), MilestoneState.PAID),
    (date(2026, 11, 1), cny("300000"), MilestoneState.PAID),  # paid in full: never overdue
    (date(2026, 11, 23), None, MilestoneState.OVERDUE),
    (date(2026, 11, 1), cny("100000"), MilestoneState.OVERDUE),  # partly paid and late: overdue
])
def test_a_milestones_state_on_a_day(due: date, paid: Money | None, state: MilestoneState) -> None:
    assert state_of(milestone(cny("300000"), due, paid), TODAY) is state


def test_the_state_follows_the_clock_passed_in() -> None:
    m = milestone(cny("300000"), date(2026, 12, 15), cny("50000"))
    assert state_of(m, date(2026, 12, 15)) is MilestoneState.PARTIAL
    assert state_of(m, date(2026, 12, 16)) is MilestoneState.OVERDUE
    assert days_overdue(m, date(2026, 12, 16)) == 1 and days_overdue(m, date(2026, 12, 15)) == 0


def test_states_are_labelled_in_both_languages() -> None:
    assert [s.label("zh") for s in MilestoneState] == ["已回款", "部分回款", "待回款", "已逾期"]
    assert [s.label("en") for s in MilestoneState] == ["paid", "partly paid", "due", "overdue"]


def test_next_due_skips_paid_and_overdue_milestones() -> None:
    plan = [milestone(cny("300000"), date(2026, 11, 1), seq=1),
            milestone(cny("300000"), date(2026, 11, 20), cny("300000"), seq=2),
            milestone(cny("400000"), date(2027, 3, 1), seq=3),
            milestone(cny("100000"), date(2026, 12, 15), cny("1"), seq=4)]
    found = next_due(plan, TODAY)
    assert found is not None and found.seq == 4
    assert next_due(plan[:2], TODAY) is None


def test_one_currency_adds_up_contract_received_outstanding_overdue_and_invoiced() -> None:
    plan = [milestone(cny("300000"), date(2026, 11, 1), cny("100000"), seq=1),
            milestone(cny("700000"), date(2027, 3, 1), seq=2)]
    invoices = [Invoice(1, cny("300000")), Invoice(1, cny("200000"), status=InvoiceStatus.VOID),
                Invoice(1, cny("100000"), status=InvoiceStatus.REQUESTED)]
    got = positions(cny("1000000"), plan, [Payment(1, cny("100000"), date(2026, 11, 2))], invoices, TODAY)
    assert got == [Position(CNY, cny("1000000"), cny("100000"), cny("900000"), cny("200000"), cny("400000"))]


def test_currencies_are_never_added_together() -> None:
    plan = [milestone(usd("50000"), date(2026, 11, 1), seq=1), milestone(usd("50000"), date(2027, 1, 1), seq=2)]
    received = [Payment(1, usd("20000"), date(2026, 11, 2)), Payment(1, cny("80000"), date(2026, 11, 3))]
    invoices = [Invoice(1, usd("30000")), Invoice(1, cny("80000"))]
    yuan, dollars = positions(usd("100000"), plan, received, invoices, TODAY)
    assert yuan == Position(CNY, None, cny("80000"), None, cny("0"), cny("80000"))
    assert dollars == Position(USD, usd("100000"), usd("20000"), usd("80000"), usd("50000"), usd("30000"))


def test_without_a_contract_the_plan_says_what_is_owed() -> None:
    plan = [milestone(cny("200000"), date(2026, 12, 1), seq=1), milestone(cny("100000"), date(2027, 1, 1), seq=2)]
    (only,) = positions(None, plan, [Payment(1, cny("50000"), TODAY)], [], TODAY)
    assert (only.contract, only.outstanding) == (None, cny("250000"))


def test_money_received_without_a_contract_or_plan_owes_nothing_known() -> None:
    (only,) = positions(None, [], [Payment(1, cny("50000"), TODAY)], [], TODAY)
    assert (only.received, only.outstanding, only.overdue) == (cny("50000"), None, cny("0"))
    assert positions(None, [], [], [], TODAY) == []


def test_a_red_reversal_cancels_what_it_reversed() -> None:
    invoices = [Invoice(1, cny("300000"), status=InvoiceStatus.REVERSED),
                Invoice(1, cny("-300000"), status=InvoiceStatus.RED), Invoice(1, cny("250000"))]
    (only,) = positions(cny("1000000"), [], [], invoices, TODAY)
    assert only.invoiced == cny("250000") and only.outstanding == cny("1000000")
