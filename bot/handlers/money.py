"""Quotes (versioned), contracts, payment plans, payments and invoices."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal

from bot.args import Args
from bot.context import Context
from bot.handlers.common import load_deal, money, when
from bot.registry import command
from bot.reply import CardBuilder, Reply
from domain import payments, quoting
from domain.billing import Contract, Invoice, InvoiceStatus, Payment
from domain.money import Money
from domain.opportunity import Opportunity

_PERCENT = re.compile(r"^(\d{1,3}(?:\.\d+)?)%$")
INVOICE_WORDS = {"已开": InvoiceStatus.ISSUED, "issued": InvoiceStatus.ISSUED, "申请": InvoiceStatus.REQUESTED,
                 "requested": InvoiceStatus.REQUESTED, "作废": InvoiceStatus.VOID, "void": InvoiceStatus.VOID}
INVOICE_LABELS = {InvoiceStatus.ISSUED: ("已开", "issued"), InvoiceStatus.REQUESTED: ("申请", "requested"),
                  InvoiceStatus.VOID: ("作废", "void")}


def day_of(value: date | datetime | None, fallback: datetime) -> date:
    if value is None:
        return fallback.date()
    return value.date() if isinstance(value, datetime) else value


@command("报价", "quote", section="money",
         help_zh="新增报价版本（v1、v2…，不会覆盖旧版本）", help_en="Add a quote version (v1, v2…; never overwritten)",
         usage_zh="报价 #12 52.8万 含三年运维", usage_en="quote #12 528000 incl. 3 years support")
async def add_quote(ctx: Context, args: Args) -> Reply:
    opp = await load_deal(ctx, args.opportunity())
    amount = args.amount()
    assert amount is not None
    return await quote_deal(ctx, opp, amount, args.rest())


async def quote_deal(ctx: Context, opp: Opportunity, amount: Money, note: str) -> Reply:
    assert opp.id is not None
    opp.require_not_lost("报价", "quote")
    existing = list(await ctx.uow.quotes.for_opportunity(opp.id))
    quote = quoting.new_quote(opp.id, amount, existing, note=note, created_by=ctx.rep.id, at=ctx.now)
    quote = await ctx.uow.quotes.add(quote)
    await ctx.audit("quote", quote.id, "create", version=quote.version)
    opp.amount, opp.updated_at = amount, ctx.now
    await ctx.update("opportunity", opp)
    card = CardBuilder(ctx.t(f"#{opp.id} 报价 v{quote.version}", f"#{opp.id} quote v{quote.version}"), ctx.locale)
    card.add("金额", "Amount", money(amount, ctx.locale)).add("说明", "Note", quote.note)
    if existing:
        card.line(quoting.quote_diff(existing[-1], quote).describe(ctx.locale))
    return card.build()


@command("报价历史", "quotes", "quote history", section="money", writes=False,
         help_zh="查看报价各版本及差异", help_en="List quote versions with their differences",
         usage_zh="报价历史 #12", usage_en="quotes #12")
async def quote_history(ctx: Context, args: Args) -> Reply:
    opp = await load_deal(ctx, args.opportunity(), edit=False)
    assert opp.id is not None
    quotes = list(await ctx.uow.quotes.for_opportunity(opp.id))
    if not quotes:
        return Reply.text(ctx.t(f"#{opp.id} 还没有报价。", f"#{opp.id} has no quotes yet."))
    lines = []
    for prev, quote in zip([None, *quotes], quotes, strict=False):
        stamp = when(quote.created_at, ctx, date_only=True)
        line = f"v{quote.version} {money(quote.amount, ctx.locale)} {stamp} {quote.note}".rstrip()
        if prev is not None:
            line += f"\n    {quoting.quote_diff(prev, quote).describe(ctx.locale)}"
        lines.append(line)
    return Reply.card(ctx.t(f"#{opp.id} {opp.name} 报价历史", f"#{opp.id} {opp.name} quote history"), lines=lines)


@command("合同", "contract", section="money",
         help_zh="登记合同", help_en="Record the contract",
         usage_zh="合同 #12 96万 [编号 HT-2026-001] [2026-12-01 签订日期] [备注]",
         usage_en="contract #12 960000 [no HT-2026-001] [2026-12-01 signed on] [note]")
async def add_contract(ctx: Context, args: Args) -> Reply:
    opp = await load_deal(ctx, args.opportunity())
    opp.require_not_lost("合同", "contract")
    number = args.options({"编号": "no", "no": "no", "number": "no"}).get("no", "")
    amount = args.amount(required=False) or opp.amount
    if amount is None:
        raise args.fail("缺少合同金额", "missing the contract amount")
    signed = day_of(args.when(), ctx.now)
    if not timedelta(days=-3650) <= signed - ctx.now.date() <= timedelta(days=366):
        raise args.fail(f"签订日期 {signed} 不合理（应在过去十年到未来一年之间）",
                        f"signing date {signed} is implausible (expected within the last ten years or the next year)")
    assert opp.id is not None
    contract = await ctx.uow.contracts.add(Contract(
        opportunity_id=opp.id, number=number or f"HT-{opp.id}-{signed:%Y%m%d}", amount=amount, signed_on=signed,
        note=args.rest(), created_by=ctx.rep.id, created_at=ctx.now))
    await ctx.audit("contract", contract.id, "create", number=contract.number)
    card = CardBuilder(ctx.t(f"#{opp.id} 已登记合同 {contract.number}", f"#{opp.id} contract {contract.number}"),
                       ctx.locale)
    return card.add("金额", "Amount", money(amount, ctx.locale)).add("签订", "Signed", when(signed, ctx)).build()


def plan_parts(args: Args, now: datetime) -> list[tuple[Decimal | Money, date, str]]:
    parts: list[tuple[Decimal | Money, date, str]] = []
    while args.tokens:
        token = args.tokens.pop(0)
        pct = _PERCENT.match(token)
        share: Decimal | Money | None = Decimal(pct.group(1)) if pct else None
        if share is None:
            args.tokens.insert(0, token)
            share = args.amount(required=False)
            if share is None:
                raise args.fail(f"「{token}」不是比例或金额", f"'{token}' is not a share or an amount")
        due = args.when(required=True)
        parts.append((share, day_of(due, now), ""))
    if not parts:
        raise args.fail("缺少回款节点", "missing payment milestones")
    return parts


@command("回款计划", "payment plan", "plan", section="money",
         help_zh="设置回款节点（比例或金额 + 日期）", help_en="Set payment milestones (share or amount + date)",
         usage_zh="回款计划 #12 30% 2026-12-15 40% 2027-03-01 30% 2027-06-30",
         usage_en="payment plan #12 30% 2026-12-15 40% 2027-03-01 30% 2027-06-30")
async def plan_payments(ctx: Context, args: Args) -> Reply:
    opp = await load_deal(ctx, args.opportunity())
    opp.require_not_lost("回款计划", "payment plan")
    assert opp.id is not None
    contracts = await ctx.uow.contracts.for_opportunity(opp.id)
    total = contracts[-1].amount if contracts else opp.amount
    if total is None:
        raise args.fail("请先登记合同或商机金额", "record the contract or deal amount first")
    existing = list(await ctx.uow.milestones.for_opportunity(opp.id))
    planned = payments.plan_milestones(opp.id, total, plan_parts(args, ctx.now), existing)
    lines = []
    for milestone in planned:
        saved = await ctx.uow.milestones.add(milestone)
        await ctx.audit("milestone", saved.id, "create")
        lines.append(f"{saved.seq}. {when(saved.due_on, ctx)} {money(saved.amount, ctx.locale)}")
    return Reply.card(ctx.t(f"#{opp.id} 回款计划", f"#{opp.id} payment plan"), lines=lines)


@command("回款", "payment", "paid", "收款", section="money",
         help_zh="登记回款", help_en="Record a payment received",
         usage_zh="回款 #12 30万 [2026-12-15]", usage_en="payment #12 300000 [2026-12-15]")
async def record_payment(ctx: Context, args: Args) -> Reply:
    opp = await load_deal(ctx, args.opportunity())
    amount = args.amount()
    assert amount is not None
    return await take_payment(ctx, opp, amount, day_of(args.when(), ctx.now), args.rest())


async def take_payment(ctx: Context, opp: Opportunity, amount: Money, received: date, note: str) -> Reply:
    assert opp.id is not None
    opp.require_not_lost("回款", "payment")
    milestones = list(await ctx.uow.milestones.for_opportunity(opp.id))
    payment = Payment(opportunity_id=opp.id, amount=amount, received_on=received, note=note,
                      recorded_by=ctx.rep.id)
    for milestone in milestones:
        ctx.remember("milestone", milestone)
    updated = {m.id: m for m in payments.apply_payment(milestones, payment)}
    for milestone in updated.values():
        await ctx.update("milestone", milestone)
    milestones = [updated.get(m.id, m) for m in milestones]
    payment = await ctx.uow.payments.add(payment)
    await ctx.audit("payment", payment.id, "create", amount=str(amount.amount))
    paid = sum((p.amount.amount for p in await ctx.uow.payments.for_opportunity(opp.id)), Decimal(0))
    card = CardBuilder(ctx.t(f"#{opp.id} 已登记回款", f"#{opp.id} payment recorded"), ctx.locale)
    card.add("本次", "This payment", money(amount, ctx.locale))
    card.add("累计", "Total received", money(Money(paid, amount.currency), ctx.locale))
    if milestones:
        card.add("待回款", "Outstanding", money(payments.outstanding(milestones), ctx.locale))
    return card.build()


@command("发票", "invoice", section="money",
         help_zh="登记发票", help_en="Record an invoice",
         usage_zh="发票 #12 已开 30万 [号码 12345678]", usage_en="invoice #12 issued 300000 [no 12345678]")
async def record_invoice(ctx: Context, args: Args) -> Reply:
    opp = await load_deal(ctx, args.opportunity())
    opp.require_not_lost("发票", "invoice")
    number = args.options({"号码": "no", "编号": "no", "no": "no", "number": "no"}).get("no", "")
    status = next((INVOICE_WORDS[t.casefold()] for t in args.tokens if t.casefold() in INVOICE_WORDS),
                  InvoiceStatus.ISSUED)
    args.tokens = [t for t in args.tokens if t.casefold() not in INVOICE_WORDS]
    amount = args.amount()
    assert amount is not None and opp.id is not None
    existing = list(await ctx.uow.invoices.for_opportunity(opp.id))
    contracts = await ctx.uow.contracts.for_opportunity(opp.id)
    invoice = Invoice(opportunity_id=opp.id, amount=amount, status=status, number=number,
                      issued_on=ctx.now.date(), note=args.rest())
    ceiling = contracts[-1].amount if contracts else opp.amount
    if ceiling is not None and status is not InvoiceStatus.VOID:
        payments.check_invoice(amount, ceiling, existing)
    invoice = await ctx.uow.invoices.add(invoice)
    await ctx.audit("invoice", invoice.id, "create")
    zh, en = INVOICE_LABELS.get(status, (status.value, status.value))
    return Reply.text(ctx.t(f"#{opp.id} 发票已登记：{money(amount, 'zh')}（{zh}）{number}",
                            f"#{opp.id} invoice recorded: {money(amount, 'en')} ({en}) {number}").rstrip())
