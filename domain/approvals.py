"""Approvals (审批): which quotes, contracts, payment plans and handovers need a manager's yes first. Pure.

Rules ([approvals] in the config, `ApprovalRules`): a quote more than `max_discount` below its list price, a
quote whose margin over its cost is under `min_margin`, a contract above `contract_amount`, a payment plan
whose first payment is under `min_first_payment` of the total, a deal handed to someone of another team
(`team_transfer`). A caught quote or contract is stored as pending (never mailed, never counted as signed);
a caught handover is not applied until approved. Each request goes to one approver (`approver_for`); it is
decided once (approved, or rejected with a reason), and a decided request never changes again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from domain.approval_state import ApprovalState
from domain.billing import PaymentMilestone
from domain.errors import DomainError
from domain.money import Money
from domain.people import Rep, Role, Team

_HUNDRED = Decimal(100)


class ApprovalKind(StrEnum):
    DISCOUNT = "discount"  # a quote below its list price by more than max_discount
    MARGIN = "margin"  # a quote under min_margin over its cost
    CONTRACT = "contract"  # a contract above contract_amount
    PLAN = "plan"  # a payment plan whose first payment is under min_first_payment
    TRANSFER = "transfer"  # a deal handed to someone of another team


KIND_LABELS = {ApprovalKind.DISCOUNT: ("报价折扣", "quote discount"),
               ApprovalKind.MARGIN: ("报价毛利", "quote margin"),
               ApprovalKind.CONTRACT: ("合同金额", "contract amount"),
               ApprovalKind.PLAN: ("首付款比例", "first payment"),
               ApprovalKind.TRANSFER: ("跨团队转交", "team transfer")}


class ApprovalStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


STATUS_LABELS = {ApprovalStatus.PENDING: ("待审批", "pending"), ApprovalStatus.APPROVED: ("已同意", "approved"),
                 ApprovalStatus.REJECTED: ("已驳回", "rejected"), ApprovalStatus.CANCELLED: ("已撤回", "cancelled")}


APPROVERS = ("manager", "admin")


@dataclass(frozen=True, slots=True)
class ApprovalRules:
    """Thresholds; None turns a rule off. `approver`: "manager" (the requester's team manager, else an admin)
    or "admin". Requests pending longer than `stale_hours` are reminded once a day."""

    enabled: bool = False
    max_discount: Decimal | None = Decimal("0.15")
    min_margin: Decimal | None = Decimal("0.2")
    contract_amount: Decimal | None = Decimal(1000000)
    min_first_payment: Decimal | None = Decimal("0.3")
    team_transfer: bool = True
    approver: str = "manager"
    stale_hours: float = 24.0


@dataclass(slots=True)
class ApprovalRequest:
    """`subject_id`: the quote or contract id, the plan number; None for a handover. `asked`: what was asked,
    as JSON (a handover: {"to": rep id, "from": rep id}; a quote: its figures), applied on approval."""

    opportunity_id: int
    kind: ApprovalKind
    requester_id: int
    approver_id: int
    subject_id: int | None = None
    status: ApprovalStatus = ApprovalStatus.PENDING
    asked: dict[str, Any] = field(default_factory=dict)
    reason: str = ""
    created_at: datetime | None = None
    decided_at: datetime | None = None
    decided_by: int | None = None
    id: int | None = None

    @property
    def ref(self) -> str:
        return f"A{self.id}"

    def is_stale(self, now: datetime, hours: float) -> bool:
        return (self.status is ApprovalStatus.PENDING and self.created_at is not None
                and now - self.created_at >= timedelta(hours=hours))


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule a change breaks: which, and the figures for the card (zh, en)."""

    kind: ApprovalKind
    zh: str
    en: str


class NoApprover(DomainError):
    zh = "这需要审批（{what}），但没有可以审批的人：团队没有经理，也没有管理员。请管理员先设置团队经理。"
    en = ("This needs approval ({what_en}), but nobody can approve it: the team has no manager and there is "
          "no admin. Ask an admin to set the team's manager first.")


class ReasonNeeded(DomainError):
    zh = "驳回需要写明原因：驳回 {ref} 原因"
    en = "A rejection needs a reason: reject {ref} <reason>"


def percent(value: Decimal) -> str:
    return f"{(value * _HUNDRED).quantize(Decimal('0.1'), ROUND_HALF_UP).normalize():f}%"


def quote_findings(rules: ApprovalRules, amount: Money, list_price: Money | None,
                   cost: Money | None) -> list[Finding]:
    """The discount and margin rules on a quote of `amount` (list price and cost in the same currency)."""
    found: list[Finding] = []
    if rules.max_discount is not None and list_price is not None and list_price.amount > 0 \
            and list_price.currency == amount.currency:
        discount = 1 - amount.amount / list_price.amount
        if discount > rules.max_discount:
            found.append(Finding(ApprovalKind.DISCOUNT,
                                 f"折扣 {percent(discount)}，超过 {percent(rules.max_discount)}（原价 "
                                 f"{list_price.format('zh')}）",
                                 f"discount {percent(discount)}, above {percent(rules.max_discount)} (list "
                                 f"price {list_price.format('en')})"))
    if rules.min_margin is not None and cost is not None and amount.amount > 0 and cost.currency == amount.currency:
        margin = (amount.amount - cost.amount) / amount.amount
        if margin < rules.min_margin:
            found.append(Finding(ApprovalKind.MARGIN,
                                 f"毛利 {percent(margin)}，低于 {percent(rules.min_margin)}"
                                 f"（成本 {cost.format('zh')}）",
                                 f"margin {percent(margin)}, under {percent(rules.min_margin)} (cost "
                                 f"{cost.format('en')})"))
    return found


def contract_findings(rules: ApprovalRules, amount: Money) -> list[Finding]:
    limit = rules.contract_amount
    if limit is None or amount.amount <= limit:
        return []
    cap = Money(limit, amount.currency)
    return [Finding(ApprovalKind.CONTRACT, f"合同金额 {amount.format('zh')}，超过 {cap.format('zh')}",
                    f"contract amount {amount.format('en')}, above {cap.format('en')}")]


def plan_findings(rules: ApprovalRules, total: Money, milestones: Sequence[PaymentMilestone]) -> list[Finding]:
    """The first payment (earliest due) of a new plan against the total it plans."""
    if rules.min_first_payment is None or not milestones or total.amount <= 0:
        return []
    first = min(milestones, key=lambda m: (m.due_on, m.seq))
    share = first.amount.amount / total.amount
    if share >= rules.min_first_payment:
        return []
    return [Finding(ApprovalKind.PLAN,
                    f"首付款 {first.amount.format('zh')}（{percent(share)}），低于 {percent(rules.min_first_payment)}",
                    f"first payment {first.amount.format('en')} ({percent(share)}), under "
                    f"{percent(rules.min_first_payment)}")]


def transfer_findings(rules: ApprovalRules, from_team: int | None, to: Rep,
                      team_names: dict[int, str]) -> list[Finding]:
    """A handover to someone of another team than the deal's."""
    if not rules.team_transfer or to.team_id == from_team:
        return []
    source, target = team_names.get(from_team or 0, "-"), team_names.get(to.team_id or 0, "-")
    return [Finding(ApprovalKind.TRANSFER, f"转给其他团队：{source} → {target}（{to.name}）",
                    f"to another team: {source} → {target} ({to.name})")]


def approver_for(rules: ApprovalRules, requester: Rep, reps: Sequence[Rep], teams: Sequence[Team]) -> Rep | None:
    """Who decides a request of `requester`: with approver "manager", the manager of their team (never
    themselves); else, or when there is none, the first active admin other than them. None: nobody."""
    if rules.approver == "manager":
        team = next((t for t in teams if t.id is not None and t.id == requester.team_id), None)
        manager = next((r for r in reps if team is not None and r.id == team.manager_id), None)
        if manager is not None and manager.active and manager.id != requester.id:
            return manager
    return next((r for r in sorted(reps, key=lambda r: r.id or 0)
                 if r.role is Role.ADMIN and r.active and r.id != requester.id), None)


def needs_approval(rules: ApprovalRules, requester: Rep) -> bool:
    """Rules apply when approvals are on, to everyone but admins (who would approve it themselves)."""
    return rules.enabled and requester.role is not Role.ADMIN


def decide(request: ApprovalRequest, by: Rep, approve: bool, reason: str, at: datetime) -> None:
    """Approve, or reject with a reason (ReasonNeeded without one). Only for a pending request."""
    if request.status is not ApprovalStatus.PENDING:
        raise ValueError(f"{request.ref} was already decided: {request.status}")
    if not approve and not reason.strip():
        raise ReasonNeeded(ref=request.ref)
    request.status = ApprovalStatus.APPROVED if approve else ApprovalStatus.REJECTED
    request.reason, request.decided_at, request.decided_by = reason.strip(), at, by.id


def state_after(request: ApprovalRequest) -> ApprovalState:
    """The approval state of the quote or contract the request is about."""
    return {ApprovalStatus.PENDING: ApprovalState.PENDING, ApprovalStatus.APPROVED: ApprovalState.APPROVED,
            ApprovalStatus.REJECTED: ApprovalState.REJECTED}.get(request.status, ApprovalState.NONE)
