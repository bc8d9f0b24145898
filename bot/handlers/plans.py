"""Payment plans: set or replace a deal's plan (the old one kept as history), and view the history.

A plan that falls short of the contract is not saved: the bot says what is missing and asks for the rest
(bot/plan_question.py keeps the question open for the next message).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from bot import approval_flow, plan_question, values
from bot.args import Args
from bot.context import Context
from bot.handlers.common import load_deal, money, when
from bot.handlers.money import contract_amount, day_of
from bot.i18n import Text
from bot.registry import command
from bot.reply import Reply
from domain import approvals, horizon, payments, plans
from domain.billing import PaymentMilestone
from domain.errors import DomainError
from domain.money import Money
from domain.opportunity import Opportunity
from domain.payments import PlanPart

PLAN_HELD = Text("计划已保存，审批结果会通知你。", "The plan is saved; you will be told the decision.")
PERCENT = re.compile(r"^(\d{1,3}(?:\.\d+)?)%$")


class NoPlanTotal(DomainError):
    zh = "#{deal} 还没有合同或商机金额，无法按比例排回款计划。请先登记合同：合同 #{deal} 96万"
    en = "#{deal} has no contract or deal amount to plan against. Record the contract first: contract #{deal} 960000"


def plan_parts(args: Args, now: datetime) -> list[PlanPart]:
    """`30% 2026-12-15 40万 2027-03-01 …`: shares or amounts, each followed by its due date (money horizon)."""
    parts: list[PlanPart] = []
    while args.tokens:
        token = args.tokens.pop(0)
        pct = PERCENT.match(token)
        share: Decimal | Money | None = Decimal(pct.group(1)) if pct else None
        if share is None:
            args.tokens.insert(0, token)
            share = args.amount(required=False)
            if share is None:
                raise args.fail(f"「{token}」不是比例或金额", f"'{token}' is not a share or an amount")
        due = day_of(args.when(required=True), now)
        horizon.check(due, now.date(), horizon.MONEY, "回款节点", "milestone")
        parts.append((share, due, ""))
    if not parts:
        raise args.fail("缺少回款节点", "missing payment milestones")
    return parts


@command("回款计划", "payment plan", "plan", section="money",
         help_zh="设置或替换回款计划（比例或金额 + 日期，合计须等于合同金额；旧计划保留在历史中）",
         help_en="Set or replace the payment plan (share or amount + date, adding up to the contract; "
                 "the old plan stays in the history)",
         usage_zh="回款计划 #12 30% 2026-12-15 40% 2027-03-01 30% 2027-06-30",
         usage_en="payment plan #12 30% 2026-12-15 40% 2027-03-01 30% 2027-06-30")
async def plan_payments(ctx: Context, args: Args) -> Reply:
    opp = await load_deal(ctx, args.opportunity())
    return await propose_plan(ctx, opp, plan_parts(args, ctx.now), confirmed=False)


async def propose_plan(ctx: Context, opp: Opportunity, parts: Sequence[PlanPart], *, confirmed: bool) -> Reply:
    """Save the plan when it adds up (or the rep confirmed a short one); else keep it open and ask."""
    assert opp.id is not None
    opp.require_not_lost("回款计划", "payment plan")
    total, _ = await contract_amount(ctx, opp)
    if total is None:
        raise NoPlanTotal(deal=opp.id)
    shortfall = plans.gap(total, payments.plan_milestones(opp.id, total, parts))  # raises when over
    if shortfall is not None and not confirmed:
        await plan_question.ask(ctx, opp.id, parts)
        return plan_question.question(ctx, opp.id, total, shortfall)
    await plan_question.close(ctx)
    return await save_plan(ctx, opp, total, parts)


async def save_plan(ctx: Context, opp: Opportunity, total: Money, parts: Sequence[PlanPart]) -> Reply:
    """The new plan replaces the current one (kept as history); money received is applied to it."""
    assert opp.id is not None
    history = list(await ctx.uow.milestones.history(opp.id))
    received = payments.received_total(await ctx.uow.payments.for_opportunity(opp.id), total.currency)
    latest = max((m.plan for m in history), default=0)
    new = plans.replan(opp.id, total, parts, latest_plan=latest, received=received, today=ctx.now.date())
    findings = approvals.plan_findings(ctx.settings.approvals, total, new)
    approver = approval_flow.approver_needed(ctx, findings)
    old = plans.current(history)
    for milestone in old:
        ctx.remember("milestone", milestone)
    for retired in plans.retire(old, ctx.now):
        await ctx.update("milestone", retired, replaced_at=str(ctx.now))
    lines = []
    for milestone in new:
        saved = await ctx.uow.milestones.add(milestone)
        await ctx.audit("milestone", saved.id, "create", plan=saved.plan)
        lines.append(milestone_line(ctx, saved))
    if old:
        lines.append(ctx.t(f"已替换计划 {latest}（保留在历史中：回款计划历史 #{opp.id}）",
                           f"Replaced plan {latest} (kept in the history: plan history #{opp.id})"))
    if (short := plans.gap(total, new)) is not None:
        lines.append(ctx.t(f"⚠️ 按你的确认保存；距合同金额还差 {short.describe('zh')}",
                           f"⚠️ Saved as you confirmed; {short.describe('en')} short of the contract"))
    if approver is not None:
        what = Text(f"{approval_flow.deal_label(opp)} 回款计划 {latest + 1}（合计 {money(total, 'zh')}）",
                    f"{approval_flow.deal_label(opp)} payment plan {latest + 1} (total {money(total, 'en')})")
        request = await approval_flow.submit(ctx, opp, findings, approver, what, latest + 1)
        lines.append(approval_flow.submitted(ctx, request, approver, PLAN_HELD))
    title = ctx.t(f"#{opp.id} 回款计划 {latest + 1}", f"#{opp.id} payment plan {latest + 1}")
    return Reply.card(title, lines=lines)


def milestone_line(ctx: Context, m: PaymentMilestone) -> str:
    line = f"{m.seq}. {when(m.due_on, ctx)} {money(m.amount, ctx.locale)}"
    if m.paid is not None and m.paid.amount > 0:
        line += ctx.t(f"（已收 {money(m.paid, 'zh')}）", f" (received {money(m.paid, 'en')})")
    return line


@command("回款计划历史", "plan history", "payment plan history", section="money", writes=False,
         help_zh="查看回款计划的各个版本（含被替换的）",
         help_en="List every version of the payment plan (replaced ones too)",
         usage_zh="回款计划历史 #12", usage_en="plan history #12")
async def plan_history(ctx: Context, args: Args) -> Reply:
    opp = await load_deal(ctx, args.opportunity(), edit=False)
    assert opp.id is not None
    history = list(await ctx.uow.milestones.history(opp.id))
    if not history:
        return Reply.text(ctx.t(f"#{opp.id} 还没有回款计划。", f"#{opp.id} has no payment plan yet."))
    lines: list[str] = []
    for number in sorted({m.plan for m in history}, reverse=True):
        version = [m for m in history if m.plan == number]
        replaced = version[0].replaced_at
        state = (ctx.t(f"{when(replaced, ctx)} 被替换", f"replaced {when(replaced, ctx)}") if replaced
                 else ctx.t("当前", "current"))
        lines.append(ctx.t(f"计划 {number}（{state}）", f"Plan {number} ({state})"))
        lines += ["  " + milestone_line(ctx, m) for m in version]
    return Reply.card(ctx.t(f"#{opp.id} {opp.name} 回款计划历史", f"#{opp.id} {opp.name} payment plan history"),
                      lines=lines)


async def answer_plan_question(ctx: Context, text: str) -> Reply | None:
    """The router's hook: completes, confirms or drops an open plan; None when `text` is not an answer."""
    record = await plan_question.pending(ctx)
    if record is None:
        return None
    word, deal = text.strip().casefold(), int(record["deal"])
    if word in plan_question.CANCEL:
        await plan_question.close(ctx)
        return Reply.text(ctx.t(f"已放弃 #{deal} 的回款计划，没有保存。",
                                f"Dropped the payment plan of #{deal}; nothing was saved."))
    more = [] if word in plan_question.CONFIRM else _answer_parts(ctx, text)
    if more is None:
        return None
    opp = await load_deal(ctx, deal)
    parts = plan_question.parts(record) + more
    return await propose_plan(ctx, opp, parts, confirmed=word in plan_question.CONFIRM)


def _answer_parts(ctx: Context, text: str) -> list[PlanPart] | None:
    """The milestones a reply adds, or None when the reply is not shaped like milestones."""
    first = text.split(" ", 1)[0]
    if not (PERCENT.match(first) or values.looks_like_amount(first)):
        return None
    return plan_parts(Args(text, plan_question.USAGE, ctx.now), ctx.now)
