"""Payment plans (milestones), allocation of money received, and invoice limits."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from domain.billing import Invoice, InvoiceStatus, MilestoneStatus, Payment, PaymentMilestone
from domain.errors import DomainError, InvalidValue
from domain.money import CNY, Money

# One planned payment: a percent of the total (Decimal("30") = 30%) or an amount, its due date, a note.
PlanPart = tuple[Decimal | Money, date, str]

_HUNDRED = Decimal(100)


class PercentOver100(DomainError):
    zh = "回款比例合计 {percent}%，超过了 100%"
    en = "The payment percentages add up to {percent}%, which is over 100%"


class MilestonesExceedTotal(DomainError):
    zh = "回款计划合计 {planned}，超过了总金额 {total}"
    en = "The payment plan adds up to {planned_en}, more than the total of {total_en}"


class Overpayment(DomainError):
    zh = "到账 {amount} 超过了待回款 {remaining}，请核对金额"
    en = "The payment of {amount_en} is more than the {remaining_en} still due; please check the amount"


class PaymentExceedsContract(DomainError):
    zh = "到账 {amount} 超出{basis}：{basis} {contract}，已回款 {received}，还可回款 {left}。请核对金额。"
    en = ("The payment of {amount_en} is more than the {basis_en} allows: {basis_en} {contract_en}, "
          "already received {received_en}, {left_en} left. Please check the amount.")


class InvoiceExceedsContract(DomainError):
    zh = "开票后合计 {invoiced}，将超过合同金额 {contract}"
    en = "Invoicing this would bring the total to {invoiced_en}, more than the contract amount {contract_en}"


def _money_params(**values: Money) -> dict[str, str]:
    params: dict[str, str] = {}
    for key, money in values.items():
        params[key], params[f"{key}_en"] = money.format("zh"), money.format("en")
    return params


def _sum(amounts: Iterable[Money], currency: str) -> Money:
    total = Money(Decimal(0), currency)
    for amount in amounts:
        total += amount
    return total


def _currency_mismatch(got: str, expected: str) -> InvalidValue:
    return InvalidValue("币种", f"{got} 与 {expected} 不一致", field_en="currency",
                        reason_en=f"{got} does not match {expected}")


def remaining(milestone: PaymentMilestone) -> Money:
    """What is still to be received on one milestone (never negative)."""
    paid = milestone.paid.amount if milestone.paid is not None else Decimal(0)
    return Money(max(milestone.amount.amount - paid, Decimal(0)), milestone.amount.currency)


def _status(amount: Money, paid: Money) -> MilestoneStatus:
    if paid.amount >= amount.amount:
        return MilestoneStatus.PAID
    return MilestoneStatus.PARTIAL if paid.amount > 0 else MilestoneStatus.PLANNED


def plan_milestones(
    opportunity_id: int,
    total: Money,
    parts: Sequence[PlanPart],
    existing: Sequence[PaymentMilestone] = (),
) -> list[PaymentMilestone]:
    """New milestones (seq continuing after `existing`) for the parts, in the given order.

    Percent parts are rounded to the cent; when every milestone is percent-based and the percents reach
    exactly 100, the last new one absorbs the rounding so the plan equals `total` to the cent.
    Raises PercentOver100, MilestonesExceedTotal, or InvalidValue for non-positive parts or currency mix.
    """
    checked = [_check_part(part, total) for part in parts]
    amounts = [amount for amount, _ in checked]
    percents = [percent for _, percent in checked]
    percent_sum = sum((p for p in percents if p is not None), Decimal(0))
    percent_sum += sum((m.percent for m in existing if m.percent is not None), Decimal(0))
    if percent_sum > _HUNDRED:
        raise PercentOver100(percent=f"{percent_sum.normalize():f}")
    planned = _sum([m.amount for m in existing] + amounts, total.currency)
    all_percent = all(p is not None for p in percents) and all(m.percent is not None for m in existing)
    if amounts and all_percent and percent_sum == _HUNDRED:
        amounts[-1] += total - planned
        planned = total
    if planned.amount > total.amount:
        raise MilestonesExceedTotal(**_money_params(planned=planned, total=total))
    first_seq = max((m.seq for m in existing), default=0) + 1
    return [
        PaymentMilestone(opportunity_id, first_seq + i, amount, due_on, percent=percent, note=note.strip())
        for i, (amount, percent, (_, due_on, note)) in enumerate(zip(amounts, percents, parts, strict=True))
    ]


def _check_part(part: PlanPart, total: Money) -> tuple[Money, Decimal | None]:
    """The part's amount and percent (None for an amount part); raises InvalidValue for a bad value."""
    value = part[0]
    if isinstance(value, Money):
        if value.currency != total.currency:
            raise _currency_mismatch(value.currency, total.currency)
        if value.amount <= 0:
            raise InvalidValue("回款金额", "必须大于 0",
                               field_en="payment amount", reason_en="must be above 0")
        return value, None
    percent = Decimal(str(value))
    if not Decimal(0) < percent <= _HUNDRED:
        raise InvalidValue("回款比例", "必须在 0 到 100% 之间",
                           field_en="payment percent", reason_en="must be between 0 and 100%")
    return total.scaled(percent / _HUNDRED), percent


def received_total(payments: Iterable[Payment], currency: str) -> Money:
    """What was received so far in `currency`."""
    return _sum((p.amount for p in payments if p.amount.currency == currency), currency)


def check_payment(amount: Money, contract: Money | None, received: Iterable[Payment],
                  basis: tuple[str, str] = ("合同金额", "contract amount")) -> None:
    """Refuse a payment that would take what was received above `contract` (PaymentExceedsContract,
    naming the cap, what was received and what is left). `basis` names the cap (zh, en): the contract,
    or the deal amount when there is no contract. With no cap (`contract` None) only the sign is checked.
    """
    if amount.amount <= 0:
        raise InvalidValue("到账金额", "必须大于 0", field_en="payment amount", reason_en="must be above 0")
    if contract is None:
        return
    if amount.currency != contract.currency:
        raise _currency_mismatch(amount.currency, contract.currency)
    so_far = received_total(received, contract.currency)
    left = Money(max(contract.amount - so_far.amount, Decimal(0)), contract.currency)
    if amount.amount > left.amount:
        raise PaymentExceedsContract(basis=basis[0], basis_en=basis[1],
                                     **_money_params(amount=amount, contract=contract, received=so_far, left=left))


def apply_payment(milestones: Sequence[PaymentMilestone], payment: Payment) -> list[PaymentMilestone]:
    """Allocate `payment` to the opportunity's milestones, oldest due first (then by seq).

    Returns updated copies of the milestones that received money (inputs are not changed). Without
    milestones the payment is simply recorded: []. Raises Overpayment when milestones exist and the
    payment is more than what remains due, InvalidValue for a non-positive amount or other currency.
    """
    if payment.amount.amount <= 0:
        raise InvalidValue("到账金额", "必须大于 0", field_en="payment amount", reason_en="must be above 0")
    mine = sorted((m for m in milestones if m.opportunity_id == payment.opportunity_id),
                  key=lambda m: (m.due_on, m.seq))
    if not mine:
        return []
    if any(m.amount.currency != payment.amount.currency for m in mine):
        raise _currency_mismatch(payment.amount.currency, mine[0].amount.currency)
    due = outstanding(mine)
    if payment.amount.amount > due.amount:
        raise Overpayment(**_money_params(amount=payment.amount, remaining=due))
    left = payment.amount
    updated: list[PaymentMilestone] = []
    for milestone in mine:
        take = min(remaining(milestone).amount, left.amount)
        if take <= 0:
            continue
        paid = (milestone.paid or Money(Decimal(0), left.currency)) + Money(take, left.currency)
        updated.append(replace(milestone, paid=paid, status=_status(milestone.amount, paid)))
        left -= Money(take, left.currency)
        if left.amount <= 0:
            break
    return updated


def outstanding(milestones: Sequence[PaymentMilestone], currency: str = CNY) -> Money:
    """Sum still to be received; `currency` is used only when there are no milestones."""
    if milestones:
        currency = milestones[0].amount.currency
    return _sum((remaining(m) for m in milestones), currency)


def _open(milestones: Iterable[PaymentMilestone]) -> list[PaymentMilestone]:
    return sorted((m for m in milestones if remaining(m).amount > 0), key=lambda m: (m.due_on, m.seq))


def due_within(milestones: Iterable[PaymentMilestone], today: date, days: int) -> list[PaymentMilestone]:
    """Unpaid milestones due from `today` to `today + days` inclusive, soonest first."""
    until = today + timedelta(days=days)
    return [m for m in _open(milestones) if today <= m.due_on <= until]


def overdue(milestones: Iterable[PaymentMilestone], today: date) -> list[PaymentMilestone]:
    """Unpaid milestones whose due date is before `today`, oldest first."""
    return [m for m in _open(milestones) if m.due_on < today]


def invoiced_total(invoices: Iterable[Invoice], currency: str = CNY) -> Money:
    """Requested + issued invoices in `currency`; void ones (and other currencies) do not count."""
    return _sum((i.amount for i in invoices if i.status is not InvoiceStatus.VOID and i.amount.currency == currency),
                currency)


def check_invoice(amount: Money, contract_amount: Money, invoices: Iterable[Invoice]) -> None:
    """Refuse an invoice of `amount` that would take the non-void total above the contract amount."""
    if amount.amount <= 0:
        raise InvalidValue("开票金额", "必须大于 0", field_en="invoice amount", reason_en="must be above 0")
    if amount.currency != contract_amount.currency:
        raise _currency_mismatch(amount.currency, contract_amount.currency)
    after = invoiced_total(invoices, contract_amount.currency) + amount
    if after.amount > contract_amount.amount:
        raise InvoiceExceedsContract(**_money_params(invoiced=after, contract=contract_amount))
