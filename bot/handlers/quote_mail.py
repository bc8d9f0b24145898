"""`发报价 #12 [v2]` / `send quote #12 [v2]`: mail a quote to the deal's contact (issue #14: never one waiting
for approval or rejected). `邮件 #12 …` about the price or the contract is refused the same way while the
deal's latest quote or contract waits for approval."""

from __future__ import annotations

import re

from bot.args import Args
from bot.capture.followups import record_mail_sent
from bot.context import Context
from bot.handlers.common import load_deal, money
from bot.handlers.email import MailNotConfigured, Target, mail_contact
from bot.mail.identity import stored_identity
from bot.mail.outgoing import Letter, compose
from bot.registry import command
from bot.reply import CardBuilder, Reply
from domain.approval_state import ApprovalState
from domain.errors import DomainError, NotFound
from domain.mail import MailLink
from domain.opportunity import Opportunity
from domain.quote import Quote

_VERSION = re.compile(r"^[Vv](\d{1,4})$")
MONEY_WORDS = ("报价", "价格", "折扣", "合同", "quote", "price", "discount", "contract")


class HeldForApproval(DomainError):
    zh = "{what} {state}，不能发给客户。{hint}"
    en = "{what_en} {state_en}; it cannot be sent to the customer. {hint_en}"


def refusal(what: tuple[str, str], state: ApprovalState) -> HeldForApproval:
    pending = state is ApprovalState.PENDING
    gone = state is ApprovalState.WITHDRAWN
    return HeldForApproval(what=what[0], what_en=what[1],
                           state="正在等待审批" if pending else "的审批已撤回" if gone else "审批被驳回",
                           state_en="is waiting for approval" if pending else "had its approval withdrawn" if gone
                           else "was rejected",
                           hint="审批通过后再发（待审批 查看进度）。" if pending else "请重新报价。",
                           hint_en="Send it once approved (see: approvals)." if pending else "Make a new quote.")


async def refuse_if_held(ctx: Context, deal: Opportunity, text: str) -> None:
    """A mail about the price or the contract while the deal's latest quote or contract is held."""
    folded = text.casefold()
    if deal.id is None or not any(word in folded for word in MONEY_WORDS):
        return
    quotes = await ctx.uow.quotes.for_opportunity(deal.id)
    if quotes and quotes[-1].approval.blocks:
        raise refusal((f"#{deal.id} 的报价 v{quotes[-1].version}", f"Quote v{quotes[-1].version} of #{deal.id}"),
                      quotes[-1].approval)
    contracts = await ctx.uow.contracts.for_opportunity(deal.id)
    if contracts and contracts[-1].approval.blocks:
        raise refusal((f"#{deal.id} 的合同 {contracts[-1].number}", f"Contract {contracts[-1].number} of #{deal.id}"),
                      contracts[-1].approval)


@command("发报价", "send quote", "mail quote", section="money",
         help_zh="把报价（默认最新版本）发邮件给商机联系人；待审批或被驳回的报价不能发",
         help_en="Mail a quote (the latest unless a version is named) to the deal's contact; never one waiting "
                 "for approval or rejected",
         usage_zh="发报价 #12 [v2] [附言]", usage_en="send quote #12 [v2] [message]")
async def send_quote(ctx: Context, args: Args) -> Reply:
    opp = await load_deal(ctx, args.opportunity())
    assert opp.id is not None
    quote = await _pick(ctx, opp, args)
    if quote.approval.blocks:
        raise refusal((f"#{opp.id} 的报价 v{quote.version}", f"Quote v{quote.version} of #{opp.id}"), quote.approval)
    identity = await stored_identity(ctx.uow)
    if identity is None:
        raise MailNotConfigured()
    target = Target(await ctx.uow.customers.get(opp.customer_id), opp, None)
    contact = await mail_contact(ctx, target)
    body = "\n".join(part for part in (args.rest(), f"报价 v{quote.version}：{money(quote.amount, 'zh')}",
                                       quote.note) if part)
    link = MailLink(target.customer.id, contact.id, opp.lead_id, opp.id)
    item = await compose(ctx.uow, identity, link, Letter(contact, f"{opp.name} 报价 v{quote.version}", body,
                                                         signature=ctx.rep.name), ctx.now)
    ctx.outbox.append(item)
    await record_mail_sent(ctx, link, f"去信（报价 v{quote.version}）：{item.subject}\n{body}", opp)
    card = CardBuilder(ctx.t(f"报价 v{quote.version} 已排队发送 · #{opp.id}",
                             f"Quote v{quote.version} queued · #{opp.id}"), ctx.locale)
    return card.add("收件人", "To", item.recipient).add("金额", "Amount", money(quote.amount, ctx.locale)).build()


async def _pick(ctx: Context, opp: Opportunity, args: Args) -> Quote:
    assert opp.id is not None
    quotes = list(await ctx.uow.quotes.for_opportunity(opp.id))
    wanted = next((int(m.group(1)) for t in list(args.tokens) if (m := _VERSION.match(t))), None)
    if wanted is not None:
        args.tokens = [t for t in args.tokens if not _VERSION.match(t)]
    quote = next((q for q in reversed(quotes) if wanted is None or q.version == wanted), None)
    if quote is None:
        raise NotFound("报价", f"#{opp.id} v{wanted}" if wanted else f"#{opp.id}", "quote")
    return quote
