"""The open question of a payment plan that does not add up (DESIGN.md §6: a question back keeps the
pending capture, per person and conversation, with an expiry).

The rep answers with just the missing parts (`30% 2027-06-30`), `确认` to save the plan as it is, or `取消`;
any other message sets the question aside (it stays open until it expires) and is handled as usual.
The answer itself is read by bot/handlers/plans.answer_plan_question (the router's hook).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from bot.context import Context
from bot.i18n import Text
from bot.reply import Reply
from domain.money import Money
from domain.payments import PlanPart
from domain.plans import PlanGap

EXPIRY = timedelta(hours=2)
CONFIRM = frozenset({"确认", "确定", "就这样", "confirm", "ok", "yes"})
CANCEL = frozenset({"取消", "算了", "放弃", "cancel", "no"})
USAGE = Text("30% 2027-06-30（或 确认 / 取消）", "30% 2027-06-30 (or confirm / cancel)")


def key(ctx: Context) -> str:
    return ctx.question_key("plan")


def _dump(part: PlanPart) -> dict[str, str]:
    share, due, note = part
    if isinstance(share, Money):
        return {"amount": str(share.amount), "currency": share.currency, "due": due.isoformat(), "note": note}
    return {"percent": str(share), "due": due.isoformat(), "note": note}


def _load(item: dict[str, str]) -> PlanPart:
    due = date.fromisoformat(item["due"])
    if "percent" in item:
        return Decimal(item["percent"]), due, item.get("note", "")
    return Money(Decimal(item["amount"]), item["currency"]), due, item.get("note", "")


async def ask(ctx: Context, deal_id: int, parts: Sequence[PlanPart]) -> None:
    """Keep the unfinished plan for this person and conversation."""
    record = {"deal": deal_id, "parts": [_dump(p) for p in parts], "expires": (ctx.now + EXPIRY).isoformat()}
    await ctx.uow.settings.put(key(ctx), record)


async def close(ctx: Context) -> None:
    if await ctx.uow.settings.get(key(ctx)):
        await ctx.uow.settings.put(key(ctx), None)


def question(ctx: Context, deal_id: int, total: Money, shortfall: PlanGap) -> Reply:
    return Reply.text(
        ctx.t(f"#{deal_id} 的回款计划合计不足合同金额 {total.format('zh')}，还差 {shortfall.describe('zh')}，"
              "尚未保存。", f"The payment plan of #{deal_id} falls short of the contract amount "
              f"{total.format('en')} by {shortfall.describe('en')}; nothing was saved yet."),
        ctx.t("请直接回复剩余节点（如「30% 2027-06-30」），或回复「确认」按现有节点保存，「取消」放弃。",
              "Reply with the remaining milestones (like '30% 2027-06-30'), 'confirm' to save it as it is, "
              "or 'cancel' to drop it."))


async def pending(ctx: Context) -> dict[str, Any] | None:
    return await ctx.open_question("plan")


def parts(record: dict[str, Any]) -> list[PlanPart]:
    """The milestones kept in an open question."""
    return [_load(item) for item in record["parts"]]
