"""Replacing a deal's payment plan: what a plan is missing, and money already received carried over.

A deal has one current plan (its milestones with `replaced_at` unset); a replacement marks those as
replaced (kept as history, numbered by `plan`) and applies everything received so far to the new milestones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal

from domain.billing import Payment, PaymentMilestone
from domain.errors import DomainError
from domain.money import Money
from domain.payments import PlanPart, apply_payment, plan_milestones

_HUNDRED = Decimal(100)


class PlanCannotHoldPayments(DomainError):
    zh = "无法替换回款计划：新计划合计 {planned}，少于已回款 {received}，已到账的钱放不进新计划。请调整节点金额后重发。"
    en = ("Cannot replace the payment plan: the new plan adds up to {planned_en}, less than the {received_en} "
          "already received, which would not fit into it. Adjust the milestones and send it again.")


@dataclass(frozen=True, slots=True)
class PlanGap:
    """What a plan lacks to reach its total: an amount, and a percent when every part is a percent."""

    missing: Money
    percent: Decimal | None

    def describe(self, locale: str) -> str:
        amount = self.missing.format(locale)
        if self.percent is None:
            return amount
        share = f"{self.percent.normalize():f}%"
        return f"{share}（{amount}）" if locale != "en" else f"{share} ({amount})"


def gap(total: Money, milestones: Sequence[PaymentMilestone]) -> PlanGap | None:
    """None when the milestones reach `total`; else what is missing."""
    planned = sum((m.amount.amount for m in milestones), Decimal(0))
    if planned >= total.amount:
        return None
    percents = [m.percent for m in milestones]
    percent = None
    if milestones and all(p is not None for p in percents):
        percent = _HUNDRED - sum((p for p in percents if p is not None), Decimal(0))
    return PlanGap(Money(total.amount - planned, total.currency), percent)


def current(milestones: Sequence[PaymentMilestone]) -> list[PaymentMilestone]:
    """The milestones of the plan in force (not replaced)."""
    return [m for m in milestones if m.replaced_at is None]


def replan(opportunity_id: int, total: Money, parts: Sequence[PlanPart], *, latest_plan: int,
           received: Money, today: date) -> list[PaymentMilestone]:
    """The new plan's milestones (plan number `latest_plan + 1`), with `received` applied oldest due first.

    Raises PlanCannotHoldPayments when the new plan is smaller than what was already received, and what
    plan_milestones raises for bad parts.
    """
    new = [replace(m, plan=latest_plan + 1) for m in plan_milestones(opportunity_id, total, parts)]
    if received.amount <= 0:
        return new
    planned = sum((m.amount.amount for m in new), Decimal(0))
    if received.amount > planned:
        raise PlanCannotHoldPayments(planned=Money(planned, total.currency).format("zh"),
                                     planned_en=Money(planned, total.currency).format("en"),
                                     received=received.format("zh"), received_en=received.format("en"))
    paid = {m.seq: m for m in apply_payment(new, Payment(opportunity_id, received, today))}
    return [paid.get(m.seq, m) for m in new]


def retire(milestones: Sequence[PaymentMilestone], at: datetime) -> list[PaymentMilestone]:
    """Copies of the current milestones marked as replaced at `at`."""
    return [replace(m, replaced_at=at) for m in current(milestones)]
