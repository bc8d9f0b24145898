"""Money rules: the date horizon, the contract cap on payments, plan replacement, invoice states."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from domain import horizon, invoicing, plans
from domain.billing import Invoice, InvoiceStatus, MilestoneStatus, Payment
from domain.errors import InvalidValue
from domain.money import USD, Money
from domain.payments import PaymentExceedsContract, check_invoice, check_payment, invoiced_total, plan_milestones

TODAY = date(2026, 11, 24)


def cny(amount: str) -> Money:
    return Money(Decimal(amount))


def paid(*amounts: str) -> list[Payment]:
    return [Payment(1, cny(a), TODAY) for a in amounts]


# The horizon: one rule for money dates, signing dates and reminders.

@pytest.mark.parametrize(("day", "rule"), [
    (date(9999, 1, 1), horizon.MONEY), (date(2016, 11, 23), horizon.MONEY), (date(2031, 11, 25), horizon.MONEY),
    (date(2028, 11, 25), horizon.REMINDER), (date(2026, 11, 23), horizon.REMINDER),
    (date(2027, 11, 25), horizon.SIGNING),
])
def test_dates_beyond_the_horizon_are_refused_naming_the_window(day: date, rule: horizon.Horizon) -> None:
    with pytest.raises(horizon.DateOutOfRange) as refused:
        horizon.check(day, TODAY, rule, "到账", "payment")
    assert day.isoformat() in refused.value.message("zh") and rule.zh in refused.value.message("zh")
    assert rule.en in refused.value.message("en") and "payment date" in refused.value.message("en")


@pytest.mark.parametrize(("day", "rule"), [
    (date(2016, 11, 24), horizon.MONEY), (date(2031, 11, 24), horizon.MONEY), (TODAY, horizon.REMINDER),
    (date(2028, 11, 24), horizon.REMINDER),
])
def test_dates_on_the_edge_of_the_horizon_are_accepted(day: date, rule: horizon.Horizon) -> None:
    horizon.check(day, TODAY, rule, "到账", "payment")


def test_a_moment_is_judged_by_its_day_and_29_february_shifts_to_28() -> None:
    horizon.check(datetime(2028, 11, 24, 23, 0, tzinfo=UTC), TODAY, horizon.REMINDER, "提醒", "reminder")
    assert horizon.window(horizon.REMINDER, date(2028, 2, 29)) == (date(2028, 2, 29), date(2030, 2, 28))


# Payments capped by the contract, with or without a plan.

def test_a_payment_above_the_contract_is_refused_with_contract_received_and_left() -> None:
    with pytest.raises(PaymentExceedsContract) as refused:
        check_payment(cny("500000"), cny("1000000"), paid("600000"))
    zh, en = refused.value.message("zh"), refused.value.message("en")
    assert "合同金额 100万" in zh and "已回款 60万" in zh and "还可回款 40万" in zh and "50万" in zh
    assert "¥1,000,000" in en and "already received ¥600,000" in en and "¥400,000 left" in en


def test_a_payment_up_to_what_is_left_is_accepted() -> None:
    check_payment(cny("400000"), cny("1000000"), paid("600000"))
    check_payment(cny("1000000"), cny("1000000"), [])


def test_without_a_cap_only_the_sign_is_checked() -> None:
    check_payment(cny("5000000"), None, [])
    with pytest.raises(InvalidValue):
        check_payment(cny("0"), None, [])


def test_a_payment_in_another_currency_than_the_contract_is_refused() -> None:
    with pytest.raises(InvalidValue):
        check_payment(Money(Decimal(100), USD), cny("1000000"), [])


# Plans: what is missing, replacement with money already received.

def test_a_plan_of_70_percent_lacks_30_percent_of_the_total() -> None:
    short = plans.gap(cny("1000000"), plan_milestones(1, cny("1000000"), [(Decimal(30), TODAY, ""),
                                                                           (Decimal(40), TODAY, "")]))
    assert short is not None and short.missing == cny("300000") and short.percent == Decimal(30)
    assert short.describe("zh") == "30%（30万）" and short.describe("en") == "30% (¥300,000)"


def test_a_plan_by_amounts_lacks_an_amount_and_a_full_plan_lacks_nothing() -> None:
    short = plans.gap(cny("1000000"), plan_milestones(1, cny("1000000"), [(cny("600000"), TODAY, "")]))
    assert short is not None and short.missing == cny("400000") and short.percent is None
    assert plans.gap(cny("1000000"), plan_milestones(1, cny("1000000"), [(Decimal(100), TODAY, "")])) is None


def test_a_replacement_takes_the_next_plan_number_and_carries_the_money_received() -> None:
    parts = [(Decimal(50), date(2026, 12, 1), ""), (Decimal(50), date(2027, 3, 1), "")]
    new = plans.replan(1, cny("1000000"), parts, latest_plan=1, received=cny("600000"), today=TODAY)
    assert [m.plan for m in new] == [2, 2]
    assert [m.paid for m in new] == [cny("500000"), cny("100000")]
    assert [m.status for m in new] == [MilestoneStatus.PAID, MilestoneStatus.PARTIAL]


def test_a_replacement_that_cannot_hold_the_money_received_is_refused() -> None:
    with pytest.raises(plans.PlanCannotHoldPayments) as refused:
        plans.replan(1, cny("1000000"), [(Decimal(30), TODAY, "")], latest_plan=1, received=cny("600000"),
                     today=TODAY)
    assert "30万" in refused.value.message("zh") and "60万" in refused.value.message("zh")


def test_retire_marks_only_the_current_plan() -> None:
    old = plan_milestones(1, cny("100"), [(Decimal(100), TODAY, "")])
    at = datetime(2026, 11, 24, 2, tzinfo=UTC)
    retired = plans.retire(old, at)
    assert [m.replaced_at for m in retired] == [at] and old[0].replaced_at is None
    assert plans.retire(retired, at) == [] and plans.current(retired) == []


# Invoice states.

def issued(amount: str = "300000", status: InvoiceStatus = InvoiceStatus.ISSUED) -> Invoice:
    return Invoice(1, cny(amount), status, number="12345678", id=3)


def test_a_red_reversal_adds_a_negative_record_and_frees_the_amount() -> None:
    original, red = invoicing.red_reverse(issued(), TODAY)
    assert original.status is InvoiceStatus.REVERSED and original.id == 3
    assert red.amount == cny("-300000") and red.status is InvoiceStatus.RED and red.reverses_id == 3
    assert invoiced_total([original, red]) == cny("0")
    check_invoice(cny("1000000"), cny("1000000"), [original, red])  # the whole contract can be invoiced again


@pytest.mark.parametrize("status", [InvoiceStatus.REQUESTED, InvoiceStatus.REVERSED, InvoiceStatus.RED,
                                    InvoiceStatus.VOID])
def test_only_an_issued_invoice_can_be_red_reversed(status: InvoiceStatus) -> None:
    with pytest.raises(invoicing.InvoiceStateError) as refused:
        invoicing.red_reverse(issued(status=status), TODAY)
    assert "F3" in refused.value.message("zh") and "red-reversed" in refused.value.message("en")


@pytest.mark.parametrize("status", [InvoiceStatus.REVERSED, InvoiceStatus.RED, InvoiceStatus.VOID])
def test_void_is_refused_for_reversed_red_and_void_invoices(status: InvoiceStatus) -> None:
    with pytest.raises(invoicing.InvoiceStateError):
        invoicing.void(issued(status=status))


def test_a_void_invoice_no_longer_counts() -> None:
    voided = invoicing.void(issued())
    assert voided.status is InvoiceStatus.VOID and invoiced_total([voided]) == cny("0")
    assert invoicing.void(issued(status=InvoiceStatus.REQUESTED)).status is InvoiceStatus.VOID
