from datetime import date
from decimal import Decimal

import pytest

from domain.billing import Invoice, InvoiceStatus, MilestoneStatus, Payment, PaymentMilestone
from domain.errors import InvalidValue
from domain.money import USD, Money
from domain.payments import (
    InvoiceExceedsContract,
    MilestonesExceedTotal,
    Overpayment,
    PercentOver100,
    apply_payment,
    check_invoice,
    due_within,
    invoiced_total,
    outstanding,
    overdue,
    plan_milestones,
    remaining,
)

TODAY = date(2024, 5, 6)


def cny(amount: str) -> Money:
    return Money(Decimal(amount))


def plan_30_60_10() -> list[PaymentMilestone]:
    parts = [(Decimal(30), date(2024, 5, 1), "预付款"), (Decimal(60), date(2024, 6, 1), "验收款"),
             (Decimal(10), date(2025, 6, 1), "质保金")]
    milestones = plan_milestones(5, cny("1000000"), parts)
    for i, m in enumerate(milestones, start=1):
        m.id = i
    return milestones


def test_percent_plan_splits_the_total() -> None:
    plan = plan_30_60_10()
    assert [(m.seq, m.amount, m.percent, m.note) for m in plan] == [
        (1, cny("300000"), Decimal(30), "预付款"), (2, cny("600000"), Decimal(60), "验收款"),
        (3, cny("100000"), Decimal(10), "质保金")]
    assert all(m.status is MilestoneStatus.PLANNED and m.paid is None for m in plan)


def test_last_milestone_absorbs_rounding_so_thirds_add_up_to_the_total() -> None:
    third = Decimal("33.33")
    parts = [(third, date(2024, 6, 1), ""), (third, date(2024, 7, 1), ""),
             (Decimal("33.34"), date(2024, 8, 1), "")]
    plan = plan_milestones(5, cny("100000.01"), parts)
    assert sum(m.amount.amount for m in plan) == Decimal("100000.01")


def test_amount_parts_and_existing_milestones_continue_the_sequence() -> None:
    existing = plan_milestones(5, cny("500000"), [(cny("200000"), date(2024, 6, 1), "")])
    more = plan_milestones(5, cny("500000"), [(cny("300000"), date(2024, 9, 1), "尾款")], existing)
    assert [m.seq for m in more] == [2] and more[0].percent is None


def test_percents_over_100_are_refused_in_both_languages() -> None:
    with pytest.raises(PercentOver100) as raised:
        plan_milestones(5, cny("100"), [(Decimal(70), TODAY, ""), (Decimal("30.5"), TODAY, "")])
    assert raised.value.message("zh") == "回款比例合计 100.5%，超过了 100%"
    assert "100.5%" in raised.value.message("en")


def test_existing_percents_count_towards_100() -> None:
    existing = plan_milestones(5, cny("100"), [(Decimal(80), TODAY, "")])
    with pytest.raises(PercentOver100):
        plan_milestones(5, cny("100"), [(Decimal(30), TODAY, "")], existing)


def test_amounts_over_the_total_are_refused() -> None:
    with pytest.raises(MilestonesExceedTotal) as raised:
        plan_milestones(5, cny("500000"), [(cny("300000"), TODAY, ""), (Decimal(50), TODAY, "")])
    assert raised.value.message("zh") == "回款计划合计 55万，超过了总金额 50万"
    assert "¥550,000" in raised.value.message("en")


@pytest.mark.parametrize("part", [Decimal(0), Decimal(-5), Decimal(101), Money(Decimal(0)),
                                  Money(Decimal(10), USD)])
def test_bad_parts_are_invalid(part: Decimal | Money) -> None:
    with pytest.raises(InvalidValue):
        plan_milestones(5, cny("100"), [(part, TODAY, "")])


def pay(amount: str) -> Payment:
    return Payment(opportunity_id=5, amount=cny(amount), received_on=TODAY)


def test_payment_goes_to_the_oldest_due_milestone_first() -> None:
    plan = plan_30_60_10()
    updated = apply_payment(list(reversed(plan)), pay("400000"))
    assert [(m.seq, m.paid, m.status) for m in updated] == [
        (1, cny("300000"), MilestoneStatus.PAID), (2, cny("100000"), MilestoneStatus.PARTIAL)]
    assert plan[0].paid is None, "inputs are not changed"
    assert updated[0].id == plan[0].id


def test_successive_payments_complete_a_partial_milestone() -> None:
    plan = plan_30_60_10()
    plan = [*apply_payment(plan, pay("100000")), *plan[1:]]
    updated = apply_payment(plan, pay("250000"))
    assert [(m.seq, m.paid, m.status) for m in updated] == [
        (1, cny("300000"), MilestoneStatus.PAID), (2, cny("50000"), MilestoneStatus.PARTIAL)]


def test_paying_more_than_remains_due_is_refused() -> None:
    plan = plan_30_60_10()
    with pytest.raises(Overpayment):
        apply_payment(plan, pay("1000000.01"))
    with pytest.raises(Overpayment) as raised:
        apply_payment(plan, pay("1200000"))
    assert raised.value.message("zh") == "到账 120万 超过了待回款 100万，请核对金额"
    assert "¥1,200,000" in raised.value.message("en")
    assert apply_payment(plan, pay("1000000"))[-1].status is MilestoneStatus.PAID


def test_payment_without_a_plan_is_simply_recorded() -> None:
    assert apply_payment([], pay("5000000")) == []


def test_payment_must_be_positive_and_in_the_plan_currency() -> None:
    with pytest.raises(InvalidValue):
        apply_payment(plan_30_60_10(), pay("0"))
    with pytest.raises(InvalidValue):
        apply_payment(plan_30_60_10(), Payment(5, Money(Decimal(1), USD), TODAY))


def test_outstanding_sums_what_is_left() -> None:
    plan = plan_30_60_10()
    plan = [*apply_payment(plan, pay("350000")), plan[2]]
    assert outstanding(plan) == cny("650000")
    assert remaining(plan[0]) == cny("0") and remaining(plan[1]) == cny("550000")
    assert outstanding([]) == cny("0") and outstanding([], USD) == Money(Decimal(0), USD)


def test_overdue_lists_unpaid_milestones_past_their_due_date() -> None:
    plan = plan_30_60_10()
    assert [m.seq for m in overdue(plan, TODAY)] == [1]
    paid_first = apply_payment(plan, pay("300000"))
    assert overdue([*paid_first, *plan[1:]], TODAY) == []


def test_due_within_includes_both_ends_of_the_window() -> None:
    plan = plan_30_60_10()
    assert [m.seq for m in due_within(plan, TODAY, 26)] == [2]
    assert due_within(plan, TODAY, 25) == []
    assert [m.seq for m in due_within(plan, date(2024, 6, 1), 0)] == [2]


def invoice(amount: str, status: InvoiceStatus = InvoiceStatus.ISSUED) -> Invoice:
    return Invoice(opportunity_id=5, amount=cny(amount), status=status)


def test_void_invoices_do_not_count() -> None:
    invoices = [invoice("100000"), invoice("50000", InvoiceStatus.REQUESTED),
                invoice("80000", InvoiceStatus.VOID)]
    assert invoiced_total(invoices) == cny("150000")


def test_invoice_beyond_the_contract_amount_is_refused() -> None:
    invoices = [invoice("400000"), invoice("100000", InvoiceStatus.VOID)]
    check_invoice(cny("100000"), cny("500000"), invoices)
    with pytest.raises(InvoiceExceedsContract) as raised:
        check_invoice(cny("100000.01"), cny("500000"), invoices)
    assert "合同金额 50万" in raised.value.message("zh")
    assert "¥500,000" in raised.value.message("en")


def test_invoice_amount_must_be_positive() -> None:
    with pytest.raises(InvalidValue):
        check_invoice(cny("0"), cny("500000"), [])


def test_invoices_in_another_currency_are_not_added_to_the_total() -> None:
    invoices = [invoice("100000"), Invoice(5, Money(Decimal("20000"), USD))]
    assert invoiced_total(invoices) == cny("100000")
    assert invoiced_total(invoices, USD) == Money(Decimal("20000"), USD)


def test_an_invoice_in_another_currency_than_the_contract_is_refused() -> None:
    with pytest.raises(InvalidValue) as raised:
        check_invoice(cny("30000"), Money(Decimal("100000"), USD), [])
    assert "CNY 与 USD 不一致" in raised.value.message("zh") and "does not match" in raised.value.message("en")
