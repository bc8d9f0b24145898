"""Invoices: record one (issued or requested), red-reverse (红冲) or void (作废) an existing one, list them.

Totals and the contract cap count every invoice except void ones, red records negatively
(domain/invoicing.py), so a red reversal frees the amount it reversed.
"""

from __future__ import annotations

import re

from bot.args import Args
from bot.context import Context
from bot.handlers.common import load_deal, money, when
from bot.handlers.money import contract_amount
from bot.registry import command
from bot.reply import CardBuilder, Reply
from domain import invoicing, payments
from domain.billing import Invoice, InvoiceStatus
from domain.money import CNY, Money
from domain.opportunity import Opportunity

NEW_STATES = {"已开": InvoiceStatus.ISSUED, "issued": InvoiceStatus.ISSUED, "申请": InvoiceStatus.REQUESTED,
              "requested": InvoiceStatus.REQUESTED}
STATE_COMMANDS = {"作废": "作废发票 #12 F3", "void": "void invoice #12 F3", "红冲": "红冲 #12 F3",
                  "red": "red reverse #12 F3"}
_ID = re.compile(r"^[Ff](\d{1,9})$")


@command("发票", "invoice", section="money",
         help_zh="登记发票（已开 / 申请）", help_en="Record an invoice (issued / requested)",
         usage_zh="发票 #12 已开 30万 [号码 12345678]", usage_en="invoice #12 issued 300000 [no 12345678]")
async def record_invoice(ctx: Context, args: Args) -> Reply:
    opp = await load_deal(ctx, args.opportunity())
    opp.require_not_lost("发票", "invoice")
    number = args.options({"号码": "no", "编号": "no", "no": "no", "number": "no"}).get("no", "")
    if moved := next((STATE_COMMANDS[t.casefold()] for t in args.tokens if t.casefold() in STATE_COMMANDS), None):
        raise args.fail(f"作废和红冲针对已有发票，请用：{moved}", f"void and red reversal act on an existing "
                        f"invoice; use: {moved}")
    status = next((NEW_STATES[t.casefold()] for t in args.tokens if t.casefold() in NEW_STATES),
                  InvoiceStatus.ISSUED)
    args.tokens = [t for t in args.tokens if t.casefold() not in NEW_STATES]
    amount = args.amount()
    assert amount is not None
    invoice = await issue_invoice(ctx, opp, amount, status, number, args.rest())
    return Reply.text(ctx.t(
        f"#{opp.id} 发票已登记 F{invoice.id}：{money(amount, 'zh')}（{invoicing.label(status, 'zh')}）{number}",
        f"#{opp.id} invoice recorded F{invoice.id}: {money(amount, 'en')} ({invoicing.label(status, 'en')}) "
        f"{number}").rstrip())


async def issue_invoice(ctx: Context, opp: Opportunity, amount: Money, status: InvoiceStatus, number: str,
                        note: str) -> Invoice:
    """Record an issued or requested invoice (`发票`, the API's POST /invoices), capped by the contract."""
    assert opp.id is not None
    opp.require_not_lost("发票", "invoice")
    ceiling, _ = await contract_amount(ctx, opp)
    if ceiling is not None:
        payments.check_invoice(amount, ceiling, await ctx.uow.invoices.for_opportunity(opp.id))
    invoice = await ctx.uow.invoices.add(Invoice(opportunity_id=opp.id, amount=amount, status=status,
                                                 number=number, issued_on=ctx.now.date(), note=note))
    await ctx.audit("invoice", invoice.id, "create")
    return invoice


async def find_invoice(ctx: Context, args: Args, opp: Opportunity) -> Invoice:
    """The deal's invoice named by `F3` (its id) or by its number; refused (listing the deal's invoices) otherwise."""
    assert opp.id is not None
    invoices = list(await ctx.uow.invoices.for_opportunity(opp.id))
    token = args.tokens.pop(0) if args.tokens else ""
    found = None
    if match := _ID.match(token):
        found = next((i for i in invoices if i.id == int(match.group(1))), None)
    elif token:
        found = next((i for i in invoices if i.number == token and i.status is not InvoiceStatus.RED), None)
    if found is None:
        listed = "、".join(f"F{i.id}" + (f"({i.number})" if i.number else "") for i in invoices) or "—"
        raise args.fail(f"#{opp.id} 没有发票「{token}」（现有：{listed}）",
                        f"#{opp.id} has no invoice '{token}' (there are: {listed})")
    return found


@command("红冲", "red reverse", "reverse invoice", section="money",
         help_zh="红冲一张已开发票：生成负数红字发票，释放已开票额度",
         help_en="Red-reverse an issued invoice: adds the negative red record and frees the invoiced amount",
         usage_zh="红冲 #12 F3 [原因]（F3 为发票编号，也可写发票号码）",
         usage_en="red reverse #12 F3 [reason] (F3 is the invoice id; the invoice number works too)")
async def red_reverse_invoice(ctx: Context, args: Args) -> Reply:
    opp = await load_deal(ctx, args.opportunity())
    original = await find_invoice(ctx, args, opp)
    red = await reverse_invoice(ctx, original, args.rest())
    return await invoice_summary(ctx, opp, ctx.t(f"#{opp.id} 发票 F{original.id} 已红冲，红字发票 F{red.id}",
                                                 f"#{opp.id} invoice F{original.id} red-reversed (red F{red.id})"))


@command("作废发票", "void invoice", section="money",
         help_zh="作废一张尚未红冲的发票（不再计入开票合计）",
         help_en="Void an invoice that was not red-reversed (it no longer counts)",
         usage_zh="作废发票 #12 F3", usage_en="void invoice #12 F3")
async def void_invoice(ctx: Context, args: Args) -> Reply:
    opp = await load_deal(ctx, args.opportunity())
    original = await find_invoice(ctx, args, opp)
    await void_one(ctx, original)
    return await invoice_summary(ctx, opp, ctx.t(f"#{opp.id} 发票 F{original.id} 已作废",
                                                 f"#{opp.id} invoice F{original.id} voided"))


async def reverse_invoice(ctx: Context, original: Invoice, note: str) -> Invoice:
    """Red-reverse an issued invoice (`红冲`, the API's POST /invoices/{id}/red_reverse); the red record."""
    ctx.remember("invoice", original)
    reversed_, red = invoicing.red_reverse(original, ctx.now.date(), note)
    await ctx.update("invoice", reversed_, status=[original.status.value, reversed_.status.value])
    red = await ctx.uow.invoices.add(red)
    await ctx.audit("invoice", red.id, "create", reverses=original.id)
    return red


async def void_one(ctx: Context, original: Invoice) -> Invoice:
    """Void an invoice (`作废发票`, the API's POST /invoices/{id}/void)."""
    ctx.remember("invoice", original)
    voided = invoicing.void(original)
    await ctx.update("invoice", voided, status=[original.status.value, voided.status.value])
    return voided


@command("发票列表", "invoices", section="money", writes=False,
         help_zh="查看商机的发票及状态、开票合计", help_en="List a deal's invoices, their states and the total",
         usage_zh="发票列表 #12", usage_en="invoices #12")
async def list_invoices(ctx: Context, args: Args) -> Reply:
    opp = await load_deal(ctx, args.opportunity(), edit=False)
    return await invoice_summary(ctx, opp, ctx.t(f"#{opp.id} {opp.name} 发票", f"#{opp.id} {opp.name} invoices"))


async def invoice_summary(ctx: Context, opp: Opportunity, title: str) -> Reply:
    assert opp.id is not None
    invoices = list(await ctx.uow.invoices.for_opportunity(opp.id))
    ceiling, _ = await contract_amount(ctx, opp)
    card = CardBuilder(title, ctx.locale)
    for i in invoices:
        card.line(f"F{i.id} {money(i.amount, ctx.locale)} {invoicing.label(i.status, ctx.locale)} "
                  f"{i.number} {when(i.issued_on, ctx)}".rstrip())
    currency = ceiling.currency if ceiling is not None else (invoices[0].amount.currency if invoices else CNY)
    total = payments.invoiced_total(invoices, currency)
    card.add("开票合计", "Invoiced", money(total, ctx.locale))
    if ceiling is not None:
        card.add("可开票余额", "Left to invoice", money(ceiling - total, ctx.locale))
    return card.build()
