"""After the signature: the contract, milestones with their state, money received and invoices.

The deal card gets a short summary (`card_section`); `回款 #12` / `payments #12` (bot/handlers/money.py)
list the details (`show_payments`).
States and totals come from domain/receivables.py, per currency, on the day of `ctx.now`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.approval_flow import state_note
from bot.context import Context
from bot.handlers.common import load_deal, money
from bot.reply import CardBuilder, Reply
from domain import invoicing
from domain.approvals import ApprovalKind
from domain.billing import Contract, Invoice, Payment, PaymentMilestone
from domain.opportunity import Opportunity
from domain.payments import remaining
from domain.receivables import MilestoneState, Position, days_overdue, next_due, positions, state_of


@dataclass(frozen=True, slots=True)
class DealMoney:
    """Everything recorded about a deal's money, and its positions per currency on `today`."""

    contract: Contract | None  # the latest one: it caps payments and invoices
    milestones: list[PaymentMilestone]  # the current plan
    payments: list[Payment]
    invoices: list[Invoice]
    positions: list[Position]
    today: date
    plan_held: str = ""  # the pending request (A4) the current plan waits for, if any

    @property
    def empty(self) -> bool:
        return self.contract is None and not (self.milestones or self.payments or self.invoices)


async def deal_money(ctx: Context, opp: Opportunity) -> DealMoney:
    assert opp.id is not None
    contracts = list(await ctx.uow.contracts.for_opportunity(opp.id))
    contract = contracts[-1] if contracts else None
    milestones = list(await ctx.uow.milestones.for_opportunity(opp.id))
    received = list(await ctx.uow.payments.for_opportunity(opp.id))
    invoices = list(await ctx.uow.invoices.for_opportunity(opp.id))
    today = ctx.now.date()
    held = [r.ref for r in await ctx.uow.approvals.pending_for_deal(opp.id)
            if r.kind is ApprovalKind.PLAN and milestones and r.subject_id == milestones[0].plan]
    return DealMoney(contract, milestones, received, invoices,
                     positions(contract.amount if contract else None, milestones, received, invoices, today), today,
                     held[0] if held else "")


def short_day(day: date | None, ctx: Context) -> str:
    """12月15日 / 15 Dec this year; 2027年3月1日 / 1 Mar 2027 otherwise (the card is read on a phone)."""
    if day is None:
        return ""
    if ctx.locale == "en":
        return f"{day.day} {day:%b}" + ("" if day.year == ctx.now.year else f" {day.year}")
    return ("" if day.year == ctx.now.year else f"{day.year}年") + f"{day.month}月{day.day}日"


def contract_text(ctx: Context, contract: Contract | None) -> str:
    if contract is None:
        return ""
    signed = "" if contract.approval.blocks else short_day(contract.signed_on, ctx)
    return f"{contract.number} {money(contract.amount, ctx.locale)}" + (
        ctx.t(f" · {signed}签订", f" · signed {signed}") if signed else "") + state_note(ctx, contract.approval)


def position_text(ctx: Context, position: Position) -> str:
    """已收 30万 / 待收 70万（逾期 10万） — received ¥300,000 / outstanding ¥700,000 (overdue ¥100,000)."""
    zh, en = f"已收 {money(position.received, 'zh')}", f"received {money(position.received, 'en')}"
    if position.outstanding is not None:
        zh += f" / 待收 {money(position.outstanding, 'zh')}"
        en += f" / outstanding {money(position.outstanding, 'en')}"
    if position.overdue.amount > 0:
        zh += f"（逾期 {money(position.overdue, 'zh')}）"
        en += f" (overdue {money(position.overdue, 'en')})"
    return ctx.t(zh, en)


def invoiced_text(ctx: Context, state: DealMoney) -> str:
    return "；".join(money(p.invoiced, ctx.locale) for p in state.positions if p.invoiced.amount != 0)


def card_section(ctx: Context, opp: Opportunity, state: DealMoney, card: CardBuilder) -> str:
    """Add the compact money fields to a deal card; returns the footer pointing at the details ("" if none)."""
    if state.empty:
        return ""
    card.add("合同", "Contract", contract_text(ctx, state.contract))
    card.add("回款", "Payments", "；".join(position_text(ctx, p) for p in state.positions))
    if (coming := next_due(state.milestones, state.today)) is not None:
        card.add("下一笔", "Next due", f"{short_day(coming.due_on, ctx)} {money(remaining(coming), ctx.locale)}"
                 + (ctx.t(f"（计划待审批 {state.plan_held}）", f" (plan awaiting approval, {state.plan_held})")
                    if state.plan_held else ""))
    card.add("已开票", "Invoiced", invoiced_text(ctx, state))
    return ctx.t(f"回款明细：回款 #{opp.id}", f"Payment details: payments #{opp.id}")


def milestone_text(ctx: Context, m: PaymentMilestone, today: date) -> str:
    """2. 2027年3月1日 40万 · 部分回款：已收 10万，待收 30万."""
    state = state_of(m, today)
    head = f"{m.seq}. {short_day(m.due_on, ctx)} {money(m.amount, ctx.locale)} · {state.label(ctx.locale)}"
    if state is MilestoneState.OVERDUE:
        days = days_overdue(m, today)
        head += ctx.t(f" {days} 天", f" by {days} day{'s' if days != 1 else ''}")
    if state in (MilestoneState.PARTIAL, MilestoneState.OVERDUE) and m.paid is not None and m.paid.amount > 0:
        head += ctx.t(f"：已收 {money(m.paid, 'zh')}", f": received {money(m.paid, 'en')}")
    if state in (MilestoneState.PARTIAL, MilestoneState.OVERDUE):
        head += ctx.t(f"，待收 {money(remaining(m), 'zh')}", f", {money(remaining(m), 'en')} to receive")
    return head + (f"（{m.note}）" if m.note else "")


def detail_lines(ctx: Context, state: DealMoney) -> list[str]:
    lines: list[str] = []
    if state.milestones:
        held = state.plan_held
        lines.append(ctx.t(f"回款计划（待审批 {held}）：", f"Payment plan (awaiting approval, {held}):") if held
                     else ctx.t("回款计划：", "Payment plan:"))
        lines += ["  " + milestone_text(ctx, m, state.today) for m in state.milestones]
    if state.payments:
        lines.append(ctx.t("到账：", "Received:"))
        lines += [f"  · {short_day(p.received_on, ctx)} {money(p.amount, ctx.locale)} {p.note}".rstrip()
                  for p in state.payments]
    if state.invoices:
        lines.append(ctx.t("发票：", "Invoices:"))
        lines += ["  · " + " ".join(part for part in (f"F{i.id}", money(i.amount, ctx.locale),
                                                      invoicing.label(i.status, ctx.locale), i.number,
                                                      short_day(i.issued_on, ctx)) if part)
                  for i in state.invoices]
    for p in state.positions:
        invoiced = "" if p.invoiced.amount == 0 else ctx.t(f" / 已开票 {money(p.invoiced, 'zh')}",
                                                           f" / invoiced {money(p.invoiced, 'en')}")
        lines.append(ctx.t("合计：", "Total: ") + position_text(ctx, p) + invoiced)
    return lines


async def show_payments(ctx: Context, ref: int) -> Reply:
    """Contract, plan with each milestone's state, money received, invoices and totals per currency."""
    opp = await load_deal(ctx, ref, edit=False)
    state = await deal_money(ctx, opp)
    if state.empty:
        return Reply.text(ctx.t(
            f"#{opp.id} 还没有合同、回款计划、回款或发票。登记合同：合同 #{opp.id} 96万；"
            f"回款计划：回款计划 #{opp.id} 30% 2026-12-15 70% 2027-03-01；到账：回款 #{opp.id} 30万",
            f"#{opp.id} has no contract, payment plan, payment or invoice yet. Contract: contract #{opp.id} 960000; "
            f"plan: payment plan #{opp.id} 30% 2026-12-15 70% 2027-03-01; received: payment #{opp.id} 300000"))
    card = CardBuilder(ctx.t(f"#{opp.id} {opp.name} 回款明细", f"#{opp.id} {opp.name} payments"), ctx.locale)
    card.add("合同", "Contract", contract_text(ctx, state.contract))
    for line in detail_lines(ctx, state):
        card.line(line)
    return card.build()
