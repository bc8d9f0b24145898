"""The dedupe offer: a visit sentence about a customer a colleague already has an open deal with writes
nothing; it names the owner and offers "记到 #62" (add my note to that deal, the owner is told) or
"新开商机" (open my own deal anyway). The offer is kept per person and conversation for two hours, in the
shared settings, like the payment-plan question (bot.plan_question)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from bot.capture.deals import owner_name
from bot.context import Context
from bot.reply import Reply
from domain.customer import Customer
from domain.opportunity import Opportunity

EXPIRY = timedelta(hours=2)
ADD_TO = re.compile(r"^(?:记到|记在|加到|添加到|追加到|add(?: my note| it)? to)\s*[#＃]?\s*(\d+)\s*(?:上|里)?$",
                    re.IGNORECASE)
NEW_DEAL = re.compile(r"^(?:新开商机|另开商机|新建商机|仍然新建|还是新建|new deal(?: anyway)?|open a new deal)$",
                      re.IGNORECASE)
CANCEL = frozenset({"取消", "算了", "不用了", "cancel", "never mind"})


def key(ctx: Context) -> str:
    return ctx.question_key("offer")


async def pending(ctx: Context) -> dict[str, Any] | None:
    """The open offer of this person in this conversation, None when there is none or it expired."""
    return await ctx.open_question("offer")


async def close(ctx: Context) -> None:
    if await ctx.uow.settings.get(key(ctx)):
        await ctx.uow.settings.put(key(ctx), None)


async def make_offer(ctx: Context, text: str, customer: Customer, deals: list[Opportunity]) -> Reply:
    """Keep the sentence (nothing else is written) and say whose open deals the customer has."""
    record = {"text": text, "at": ctx.now.isoformat(), "deals": [d.id for d in deals],
              "customer": customer.id, "expires": (ctx.now + EXPIRY).isoformat()}
    await ctx.uow.settings.put(key(ctx), record)
    first = deals[0]
    who = owner_name(ctx, first)
    name = customer.short_name or customer.name
    listed = "、".join(f"#{d.id} {d.name}（负责人 {owner_name(ctx, d)}）" for d in deals[:3])
    listed_en = ", ".join(f"#{d.id} {d.name} (owner {owner_name(ctx, d)})" for d in deals[:3])
    return Reply.text(
        ctx.t(f"「{name}」已有同事进行中的商机：{listed}。为避免重复，这条记录还没有保存。",
              f"'{name}' already has an open deal of a colleague: {listed_en}. To avoid a duplicate, "
              "nothing was recorded yet."),
        ctx.t(f"· 回复「记到 #{first.id}」：把你的记录加到 #{first.id}（{who}的商机），并通知{who}",
              f"· Reply 'add to #{first.id}' to add your note to #{first.id} ({who}'s); {who} is notified"),
        ctx.t("· 回复「新开商机」：仍然为你新建一个商机", "· Reply 'new deal' to open a deal of your own anyway"),
        ctx.t("· 回复「取消」：不记录（2 小时内有效）", "· Reply 'cancel' to drop it (the offer lasts 2 hours)"))
