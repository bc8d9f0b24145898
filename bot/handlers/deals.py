"""Deals: create, follow up, move through the stage machine, win, lose."""

from __future__ import annotations

from datetime import date, datetime, time

from bot import reminders
from bot.args import Args, after_marker
from bot.capture import followups
from bot.capture.deals import already_open_line, colleagues_open_deals, open_deal, tell_owners
from bot.context import Context
from bot.delivery.create import on_win
from bot.handlers.common import load_deal, money, require_right, when
from bot.handlers.names import customer_and_rest
from bot.nlp.rivals import rival_chosen
from bot.registry import command
from bot.reply import CardBuilder, Reply
from domain.customer import Lifecycle
from domain.money import Money
from domain.opportunity import LostReason, Opportunity, Stage
from domain.permissions import stage_right

LOST_REASONS = {
    "价格": LostReason.PRICE, "price": LostReason.PRICE, "竞品": LostReason.COMPETITOR,
    "competitor": LostReason.COMPETITOR, "竞争对手": LostReason.COMPETITOR, "友商": LostReason.COMPETITOR,
    "别家": LostReason.COMPETITOR, "rival": LostReason.COMPETITOR, "预算": LostReason.BUDGET,
    "budget": LostReason.BUDGET,
    "时机": LostReason.TIMING, "timing": LostReason.TIMING, "需求": LostReason.REQUIREMENTS,
    "requirements": LostReason.REQUIREMENTS, "无决策": LostReason.NO_DECISION,
    "no_decision": LostReason.NO_DECISION, "其他": LostReason.OTHER, "other": LostReason.OTHER,
}
LOST_LABELS = {
    LostReason.PRICE: ("价格", "price"), LostReason.COMPETITOR: ("竞品", "competitor"),
    LostReason.BUDGET: ("预算", "budget"), LostReason.TIMING: ("时机", "timing"),
    LostReason.REQUIREMENTS: ("需求不符", "requirements"), LostReason.NO_DECISION: ("无决策", "no decision"),
    LostReason.OTHER: ("其他", "other"),
}
DEFAULT_REMINDER_TIME = time(9, 0)


def as_datetime(value: date | datetime, now: datetime) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime.combine(value, DEFAULT_REMINDER_TIME, tzinfo=now.tzinfo)


def is_past(value: date | datetime, now: datetime) -> bool:
    """Before now (a moment) or before today (a day: today itself is fine)."""
    return value < now if isinstance(value, datetime) else value < now.date()


async def save_stage(ctx: Context, opp: Opportunity, source: Stage) -> None:
    await ctx.update("opportunity", opp, stage=[source.value, opp.stage.value])


@command("新商机", "deal add", "添加商机", section="deals",
         help_zh="为客户新建商机", help_en="Open a deal for a customer",
         usage_zh="新商机 客户简称 商机名称 [金额 80万]", usage_en="deal add <customer> <deal name> [amount]")
async def create_deal(ctx: Context, args: Args) -> Reply:
    amount = args.amount(required=False)
    customer, name = await customer_and_rest(
        ctx, args.required_rest("缺少客户和商机名称", "missing the customer and deal name"))
    name = name or ctx.t(f"{customer.short_name}项目", f"{customer.name} project")
    others = await colleagues_open_deals(ctx, customer)  # an explicit new deal is made, and said
    opp = await open_deal(ctx, customer, name, amount)
    reply = Reply.text(ctx.t(f"已创建商机 #{opp.id} {customer.name} {name} {money(amount, 'zh')}",
                             f"Deal #{opp.id} created: {customer.name} {name} {money(amount, 'en')}").rstrip())
    if others:
        await tell_owners(ctx, others, customer, opp)
        reply += Reply.text(already_open_line(ctx, others))
    return reply


@command("跟进", "follow", "followup", "follow-up", section="deals", name_en="follow-up",
         help_zh="记录跟进和下一步", help_en="Record a follow-up and the next step",
         usage_zh="跟进 #12 电话沟通了报价 下次 2026-12-01 [下一步内容]",
         usage_en="follow #12 <what happened> next 2026-12-01 [next step]")
async def record_followup(ctx: Context, args: Args) -> Reply:
    opp = await load_deal(ctx, args.opportunity())
    words = args.raw.split()
    marker = next((i for i, w in enumerate(words) if w.casefold() in ("下次", "下一步", "next")), None)
    next_at = None
    next_step = ""
    if marker is not None:
        tail = Args(after_marker(words, marker, ctx.now), args.usage, ctx.now)
        resolved = tail.when(required=True)
        if resolved is not None and is_past(resolved, ctx.now):
            raise args.fail(f"下次时间 {when(resolved, ctx)} 已经过去", f"the next step's time {when(resolved, ctx)} "
                            "is in the past")
        next_at, next_step = as_datetime(resolved, ctx.now) if resolved else None, tail.rest()
        args.tokens = [t for t in words[:marker] if not t.startswith("#")]
    note = args.required_rest("缺少跟进内容", "missing what happened")
    return await save_followup(ctx, opp, note, next_at, next_step)


async def save_followup(ctx: Context, opp: Opportunity, note: str, next_at: datetime | None,
                        next_step: str) -> Reply:
    await followups.record_followup(ctx, opp, note, next_at, next_step)
    card = CardBuilder(ctx.t(f"已记录跟进 · #{opp.id} {opp.name}", f"Follow-up recorded · #{opp.id} {opp.name}"),
                       ctx.locale)
    card.add("内容", "Note", note).add("下一步", "Next step", next_step)
    card.add("提醒时间", "Reminder", when(next_at, ctx))
    return card.build()


@command("阶段", "stage", "推进", section="deals",
         help_zh="推进商机阶段", help_en="Move a deal to another stage",
         usage_zh="阶段 #12 谈判", usage_en="stage #12 negotiation")
async def advance_stage(ctx: Context, args: Args) -> Reply:
    opp = await load_deal(ctx, args.opportunity())
    target = args.stage()
    if target is Stage.WON:
        return await win(ctx, opp, args.amount(required=False))
    if target is Stage.LOST:
        reason, note = lost_reason(args)
        return await lose(ctx, opp, reason, note)
    return await move(ctx, opp, target)


async def move(ctx: Context, opp: Opportunity, target: Stage) -> Reply:
    source = opp.stage
    if target is source:  # nothing to move: say where it is and change nothing
        return Reply.text(ctx.t(f"#{opp.id} {opp.name} 已经在「{source.label('zh')}」阶段，没有更改。",
                                f"#{opp.id} {opp.name} is already at '{source.label('en')}'; nothing was changed."))
    require_right(ctx, opp, stage_right(source, target), "stage")
    opp.advance_to(target, by=ctx.rep.id, at=ctx.now)
    await save_stage(ctx, opp, source)
    return Reply.text(ctx.t(f"#{opp.id} {opp.name}：{source.label('zh')} → {target.label('zh')}",
                            f"#{opp.id} {opp.name}: {source.label('en')} → {target.label('en')}"))


@command("赢单", "won", "win", "成交", section="deals",
         help_zh="标记赢单（可带合同金额；负责人、其经理或管理员）",
         help_en="Mark a deal won, optionally with the final amount (owner, their manager or an admin)",
         usage_zh="赢单 #12 96万", usage_en="won #12 960000")
async def win_deal(ctx: Context, args: Args) -> Reply:
    opp = await load_deal(ctx, args.opportunity())
    return await win(ctx, opp, args.amount(required=False))


async def win(ctx: Context, opp: Opportunity, amount: Money | None) -> Reply:
    source = opp.stage
    require_right(ctx, opp, stage_right(source, Stage.WON), "won")
    opp.win(by=ctx.rep.id, at=ctx.now, amount=amount)
    await save_stage(ctx, opp, source)
    await reminders.cancel_for_closed_deal(ctx, opp)
    customer = await ctx.uow.customers.get(opp.customer_id)
    ctx.remember("customer", customer)
    customer.lifecycle = Lifecycle.CUSTOMER
    await ctx.update("customer", customer)
    text_zh = f"🎉 赢单！#{opp.id} {customer.name} {opp.name} {money(opp.amount, 'zh')}"
    text_en = f"🎉 Won! #{opp.id} {customer.name} {opp.name} {money(opp.amount, 'en')}"
    project = await on_win(ctx, opp)  # the delivery project ([delivery] auto_project, issue #15)
    return Reply.text(ctx.t(text_zh, text_en).rstrip(), *([project] if project else []))


@command("输单", "lost", "lose", "丢单", section="deals",
         help_zh="标记输单并写明原因（负责人、其经理或管理员）",
         help_en="Mark a deal lost, with the reason (owner, their manager or an admin)",
         usage_zh="输单 #12 价格 原因:竞品低价（原因类别：价格/竞品/预算/时机/需求/无决策/其他）",
         usage_en="lost #12 price reason:competitor was cheaper (price/competitor/budget/timing/...)")
async def lose_deal(ctx: Context, args: Args) -> Reply:
    opp = await load_deal(ctx, args.opportunity())
    reason, note = lost_reason(args)
    return await lose(ctx, opp, reason, note)


def lost_reason(args: Args) -> tuple[LostReason, str]:
    note = args.options({"原因": "note", "reason": "note"}).get("note", "")
    found = [t for t in args.tokens if t.casefold() in LOST_REASONS]
    if not found:  # 输单 #12 客户选了华为: the sentence says which category
        rest = args.rest()
        reason = reason_in(rest)
        if reason is LostReason.OTHER:
            raise args.fail("缺少输单原因类别", "missing the reason category")
        return reason, note or rest
    args.tokens.remove(found[0])
    return LOST_REASONS[found[0].casefold()], note or args.rest()


def reason_in(text: str) -> LostReason:
    """The lost-reason category a free sentence mentions (价格, 竞品, ...), else OTHER. A customer who chose
    another vendor (客户选了华为, went with Siemens) is lost to a competitor."""
    if rival_chosen(text) is not None:
        return LostReason.COMPETITOR
    folded = text.casefold()
    return next((reason for word, reason in LOST_REASONS.items() if word in folded), LostReason.OTHER)


async def lose(ctx: Context, opp: Opportunity, reason: LostReason, note: str) -> Reply:
    source = opp.stage
    require_right(ctx, opp, stage_right(source, Stage.LOST), "lost")
    opp.lose(reason, by=ctx.rep.id, at=ctx.now, note=note)
    await save_stage(ctx, opp, source)
    await reminders.cancel_for_closed_deal(ctx, opp)
    label = LOST_LABELS[reason]
    rival = rival_chosen(note) if reason is LostReason.COMPETITOR else None
    return Reply.text(ctx.t(f"已标记输单 #{opp.id} {opp.name}（{label[0]}{f'：{rival}' if rival else ''}）",
                            f"Deal #{opp.id} {opp.name} marked lost ({label[1]}{f': {rival}' if rival else ''})"))
