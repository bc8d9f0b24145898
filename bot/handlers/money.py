"""Quotes (versioned), contracts and payments received. Plans: plans.py; invoices: invoices.py."""

from __future__ import annotations

from datetime import date, datetime

from bot import approval_flow, values
from bot.approval_supersede import supersede
from bot.args import Args
from bot.context import Context
from bot.handlers import esign
from bot.handlers.common import load_deal, money, when
from bot.handlers.receivables import show_payments
from bot.i18n import Text
from bot.registry import command
from bot.reply import CardBuilder, Reply
from domain import approvals, horizon, payments, quoting
from domain.approval_state import ApprovalState
from domain.billing import Contract, Payment
from domain.money import Money
from domain.opportunity import Opportunity
from domain.quote import Quote


def day_of(value: date | datetime | None, fallback: datetime) -> date:
    if value is None:
        return fallback.date()
    return value.date() if isinstance(value, datetime) else value


PRICE_OPTIONS = {"原价": "list", "标价": "list", "list": "list", "成本": "cost", "cost": "cost"}


@command("报价", "quote", section="money",
         help_zh="新增报价版本（v1、v2…，不会覆盖旧版本；可带原价、成本，用于折扣和毛利审批）",
         help_en="Add a quote version (v1, v2…; never overwritten; list price and cost, if given, drive approvals)",
         usage_zh="报价 #12 52.8万 [原价 60万] [成本 35万] 含三年运维",
         usage_en="quote #12 528000 [list 600000] [cost 350000] incl. 3 years support")
async def add_quote(ctx: Context, args: Args) -> Reply:
    opp = await load_deal(ctx, args.opportunity())
    prices = {field: _price(args, value) for field, value in args.options(PRICE_OPTIONS).items()}
    amount = args.amount()
    assert amount is not None
    return await quote_deal(ctx, opp, amount, args.rest(), prices.get("list"), prices.get("cost"))


def _price(args: Args, value: str) -> Money:
    found = values.to_money(value) if values.looks_like_amount(value) else None
    if found is None or found.amount <= 0:
        raise args.fail(f"原价或成本「{value}」看不懂，请写成 60万 或 600000",
                        f"cannot read the list price or cost '{value}'; write it like 600000")
    return found


async def quote_deal(ctx: Context, opp: Opportunity, amount: Money, note: str, list_price: Money | None = None,
                     cost: Money | None = None) -> Reply:
    """A new quote version (new_quote_version), as chat answers it."""
    return (await new_quote_version(ctx, opp, amount, note, list_price, cost))[1]


async def new_quote_version(ctx: Context, opp: Opportunity, amount: Money, note: str,
                            list_price: Money | None = None, cost: Money | None = None) -> tuple[Quote, Reply]:
    """A new quote version and its card; list price and cost default to the previous version's. A quote an
    approval rule catches is stored pending and sent to the approver."""
    assert opp.id is not None
    opp.require_not_lost("报价", "quote")
    await ctx.uow.opportunities.lock(opp.id)  # another process quoting this deal now: one numbers after the other
    existing = list(await ctx.uow.quotes.for_opportunity(opp.id))
    quote = quoting.new_quote(opp.id, amount, existing, note=note, created_by=ctx.rep.id, at=ctx.now)
    quote.list_price = list_price or (existing[-1].list_price if existing else None)
    quote.cost = cost or (existing[-1].cost if existing else None)
    findings = approvals.quote_findings(ctx.settings.approvals, amount, quote.list_price, quote.cost)
    approver = approval_flow.approver_needed(ctx, findings)
    quote.approval = ApprovalState.PENDING if approver is not None else ApprovalState.NONE
    quote = await ctx.uow.quotes.add(quote)
    await ctx.audit("quote", quote.id, "create", version=quote.version)
    if approver is None:  # a held quote changes the deal amount only once approved (bot.approval_decisions)
        opp.amount, opp.updated_at = amount, ctx.now
        await ctx.update("opportunity", opp)
    card = CardBuilder(ctx.t(f"#{opp.id} 报价 v{quote.version}", f"#{opp.id} quote v{quote.version}"), ctx.locale)
    card.add("金额", "Amount", money(amount, ctx.locale)).add("说明", "Note", quote.note)
    if existing:
        card.line(quoting.quote_diff(existing[-1], quote).describe(ctx.locale))
    for older in await supersede(ctx, quote):
        card.line(ctx.t(f"{older.ref} 已撤回（{older.reason}），并通知了审批人。",
                        f"{older.ref} withdrawn ({older.reason}); the approver was told."))
    if approver is not None:
        what = Text(f"{approval_flow.deal_label(opp)} 报价 v{quote.version} {money(amount, 'zh')}",
                    f"{approval_flow.deal_label(opp)} quote v{quote.version} {money(amount, 'en')}")
        request = await approval_flow.submit(ctx, opp, findings, approver, what, quote.id, version=quote.version)
        card.line(approval_flow.submitted(ctx, request, approver))
    return quote, card.build()


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
        line += approval_flow.state_note(ctx, quote.approval)
        if prev is not None:
            line += f"\n    {quoting.quote_diff(prev, quote).describe(ctx.locale)}"
        lines.append(line)
    return Reply.card(ctx.t(f"#{opp.id} {opp.name} 报价历史", f"#{opp.id} {opp.name} quote history"), lines=lines)


@command("合同", "contract", section="money",
         help_zh="登记合同；合同 C3 查看合同与电子签署进度，合同 C3 签署 发起电子签署，合同 C3 撤回签署",
         help_en="Record the contract; contract C3 shows it and its e-signature, contract C3 sign sends it for "
                 "e-signature, contract C3 withdraw withdraws that",
         usage_zh="合同 #12 96万 [编号 HT-2026-001] [2026-12-01 签订日期] [备注] ／ "
                  "合同 C3 签署 [签署人 何总 13800138000]",
         usage_en="contract #12 960000 [no HT-2026-001] [2026-12-01 signed on] [note] / "
                  "contract C3 sign [signer Mr He 13800138000]")
async def add_contract(ctx: Context, args: Args) -> Reply:
    if (contract_id := esign.contract_number(args)) is not None:  # 合同 C3 …: its e-signature (issue #16)
        return await esign.contract_action(ctx, args, contract_id)
    opp = await load_deal(ctx, args.opportunity())
    opp.require_not_lost("合同", "contract")
    number = args.options({"编号": "no", "no": "no", "number": "no"}).get("no", "")
    amount = args.amount(required=False) or opp.amount
    if amount is None:
        raise args.fail("缺少合同金额", "missing the contract amount")
    return (await sign_contract(ctx, opp, amount, number, day_of(args.when(), ctx.now), args.rest()))[1]


async def sign_contract(ctx: Context, opp: Opportunity, amount: Money, number: str, signed: date,
                        note: str) -> tuple[Contract, Reply]:
    """Record the deal's contract (`合同`, the API's POST /contracts); held for approval when a rule catches it."""
    opp.require_not_lost("合同", "contract")
    horizon.check(signed, ctx.now.date(), horizon.SIGNING, "签订", "signing")
    assert opp.id is not None
    findings = approvals.contract_findings(ctx.settings.approvals, amount)
    approver = approval_flow.approver_needed(ctx, findings)
    contract = await ctx.uow.contracts.add(Contract(
        opportunity_id=opp.id, number=number or f"HT-{opp.id}-{signed:%Y%m%d}", amount=amount, signed_on=signed,
        note=note, created_by=ctx.rep.id, created_at=ctx.now,
        approval=ApprovalState.PENDING if approver is not None else ApprovalState.NONE))
    await ctx.audit("contract", contract.id, "create", number=contract.number)
    card = CardBuilder(ctx.t(f"#{opp.id} 已登记合同 {contract.number}", f"#{opp.id} contract {contract.number}"),
                       ctx.locale)
    card.add("金额", "Amount", money(amount, ctx.locale)).add("签订", "Signed", when(signed, ctx))
    if approver is not None:
        what = Text(f"{approval_flow.deal_label(opp)} 合同 {contract.number} {money(amount, 'zh')}",
                    f"{approval_flow.deal_label(opp)} contract {contract.number} {money(amount, 'en')}")
        request = await approval_flow.submit(ctx, opp, findings, approver, what, contract.id)
        card.line(approval_flow.submitted(ctx, request, approver, approval_flow.CONTRACT_HELD))
    elif ctx.settings.esign is not None:  # issue #16: how to send it for signature
        card.line(ctx.t(f"电子签署：合同 C{contract.id} 签署 签署人 姓名 手机号",
                        f"E-signature: contract C{contract.id} sign signer <name> <mobile>"))
    return contract, card.build()


@command("回款", "payment", "paid", "收款", section="money",
         help_zh="登记回款（只写商机号则查看回款明细）",
         help_en="Record a payment received (with only the deal number: show the payment details)",
         usage_zh="回款 #12 30万 [2026-12-15]", usage_en="payment #12 300000 [2026-12-15]")
async def record_payment(ctx: Context, args: Args) -> Reply:
    ref = args.opportunity()
    if not args.tokens:  # `回款 #12`: what was received and what is still due
        return await show_payments(ctx, ref)
    opp = await load_deal(ctx, ref)
    amount = args.amount(required=False)
    if amount is None:
        words = " ".join(args.tokens)
        raise args.fail(f"「{words}」里没有金额（只写商机号则查看回款明细：回款 #{ref}）",
                        f"no amount in '{words}' (with only the deal number it shows the details: payments #{ref})")
    return await take_payment(ctx, opp, amount, day_of(args.when(), ctx.now), args.rest())


@command("回款明细", "payments", "回款情况", "payment status", section="money", writes=False,
         help_zh="查看合同、回款节点状态（已回款/部分回款/待回款/已逾期）、到账、待收和发票（也可以发：回款 #12）",
         help_en="Show the contract, each milestone's state (paid / partly paid / due / overdue), money received, "
                 "outstanding and invoices",
         usage_zh="回款明细 #12（或 回款 #12）", usage_en="payments #12")
async def list_payments(ctx: Context, args: Args) -> Reply:
    ref = args.opportunity()
    if extra := args.rest():
        raise args.fail(f"多余的内容「{extra}」", f"unexpected '{extra}'")
    return await show_payments(ctx, ref)


async def contract_amount(ctx: Context, opp: Opportunity) -> tuple[Money | None, tuple[str, str]]:
    """What caps money on a deal: the latest contract's amount, else the deal amount; and its name."""
    assert opp.id is not None
    contracts = await ctx.uow.contracts.for_opportunity(opp.id)
    if contracts:
        return contracts[-1].amount, ("合同金额", "contract amount")
    return opp.amount, ("商机金额", "deal amount")


async def take_payment(ctx: Context, opp: Opportunity, amount: Money, received: date, note: str) -> Reply:
    """Record money received: within the money date horizon and capped by the contract, plan or not."""
    assert opp.id is not None
    opp.require_not_lost("回款", "payment")
    horizon.check(received, ctx.now.date(), horizon.MONEY, "到账", "payment")
    cap, basis = await contract_amount(ctx, opp)
    payments.check_payment(amount, cap, await ctx.uow.payments.for_opportunity(opp.id), basis)
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
    paid = payments.received_total(await ctx.uow.payments.for_opportunity(opp.id), amount.currency)
    card = CardBuilder(ctx.t(f"#{opp.id} 已登记回款", f"#{opp.id} payment recorded"), ctx.locale)
    card.add("本次", "This payment", money(amount, ctx.locale))
    card.add("累计", "Total received", money(paid, ctx.locale))
    if milestones:
        card.add("待回款", "Outstanding", money(payments.outstanding(milestones), ctx.locale))
    return card.build()
