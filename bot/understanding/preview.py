"""What a held sentence would record, as a card: read from the stored fields, nothing is written."""

from __future__ import annotations

from datetime import timedelta

from bot.context import Context
from bot.handlers.common import load_deal, money
from bot.nlp import ParseResult, describe_when
from bot.reply import CardBuilder, Reply
from bot.understanding.subjects import Subjects, WhichCustomer, customer_of, open_deal_of
from bot.understanding.visit import next_moment
from domain.money import CNY, Money
from domain.opportunity import Stage

KINDS: dict[str, tuple[str, str]] = {
    "follow_up": ("跟进记录", "follow-up note"), "new_lead": ("新线索", "new lead"),
    "stage_change": ("阶段变更", "stage change"), "quote": ("报价", "quote"), "payment": ("回款", "payment"),
    "reminder": ("提醒", "reminder"),
}
CREATES = ("follow_up", "new_lead")  # may create the customer (and a deal for a visit)
NOTED = ("follow_up", "quote", "payment", "reminder")  # the sentence itself is kept as the note


async def preview_card(ctx: Context, result: ParseResult, text: str, expiry: timedelta) -> Reply:
    zh, en = KINDS.get(result.intent, (result.intent, result.intent))
    card = CardBuilder(ctx.t(f"请确认 · {zh}", f"Please confirm · {en}"), ctx.locale)
    await _subject(ctx, result, card)
    card.add("联系人", "Contact", result.contact).add("电话", "Phone", result.phone).add("邮箱", "Email", result.email)
    if result.amount is not None:
        card.add("金额", "Amount", money(Money(result.amount, result.currency or CNY), ctx.locale))
    if result.stage:
        card.add("阶段", "Stage", Stage(result.stage).label(ctx.locale))
    if (due := next_moment(result, ctx.now)) is not None:  # the reminder's time, as the write will set it
        card.add("下一步", "Next step", describe_when(due, ctx.now, ctx.locale) + ctx.t(" 提醒", " reminder"))
    if result.intent in NOTED:
        card.add("内容", "Note", text)
    card.line(ctx.t("这句话我没有十足把握，还没有记录。",
                    "I am not sure I read this right, so nothing is recorded yet."))
    for problem in result.problems:
        if problem.severity != "info":
            card.line("⚠️ " + problem.message(ctx.locale))
    minutes = int(expiry.total_seconds() // 60)
    return card.build(ctx.t(f"回复「确认」按以上内容记录，回复「取消」放弃（{minutes} 分钟内有效）。",
                            f"Reply 'confirm' to record exactly this, or 'cancel' to drop it "
                            f"(valid for {minutes} minutes)."))


async def _subject(ctx: Context, result: ParseResult, card: CardBuilder) -> None:
    """The deal (by number, or the customer's one open deal) and the customer, new ones marked. What the
    write would refuse (a deal one may not see, a customer with several open deals or none to quote on)
    is refused here already."""
    if result.opportunity is not None:
        opp = await load_deal(ctx, result.opportunity)
        owner = await ctx.uow.customers.get(opp.customer_id)
        card.add("客户", "Customer", owner.name).add("商机", "Deal", f"#{opp.id} {opp.name}")
        return
    if result.intent == "reminder":
        return  # a reminder without a deal number is the rep's own
    creates = result.intent in CREATES
    customer = await customer_of(ctx, result, Subjects(), create=False)
    if customer is None:
        if not creates or not result.company:
            raise WhichCustomer()
        card.add("客户", "Customer", result.company + ctx.t("（新）", " (new)"))
        return
    card.add("客户", "Customer", customer.name)
    if result.intent != "new_lead":
        deal = await open_deal_of(ctx, customer)
        if deal is None and not creates:
            raise WhichCustomer()
        card.add("商机", "Deal", f"#{deal.id} {deal.name}" if deal else ctx.t("新商机", "new deal"))
