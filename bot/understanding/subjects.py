"""Find what a sentence is about: the customer, the contact, the deal. Ask back rather than guess."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.capture.contacts import add_or_match, is_colleague, named_in
from bot.capture.customers import add_customer, find_customers
from bot.context import Context
from bot.errors import AmbiguousMatch
from bot.handlers.common import load_deal, view_scope
from bot.nlp import ParseResult
from bot.reply import Reply
from domain.customer import Contact, Customer, derive_short_name
from domain.errors import DomainError
from domain.lead import Lead
from domain.opportunity import OPEN_STAGES, Opportunity


class WhichDeal(DomainError):
    zh = "「{customer}」有 {count} 个进行中的商机：{options}。请在消息里写上商机号（例如 {example}）。"
    en = "'{customer}' has {count} open deals: {options}. Please add the deal number (e.g. {example})."


class WhichCustomer(DomainError):
    zh = "这条记录要记到哪个客户或商机？请写上客户名称或商机号（例如 #12）。"
    en = "Which customer or deal is this about? Please add the customer's name or the deal number (e.g. #12)."


@dataclass(slots=True)
class Subjects:
    customer: Customer | None = None
    contact: Contact | None = None
    opportunity: Opportunity | None = None
    lead: Lead | None = None
    created: set[str] = field(default_factory=set)  # "customer", "contact", "opportunity", "lead"
    lines: list[str] = field(default_factory=list)  # said under the recorded card
    reply: Reply | None = None  # said instead of the recorded card (the dedupe offer); nothing was written


async def customer_of(ctx: Context, result: ParseResult, subjects: Subjects, create: bool) -> Customer | None:
    known = result.known_customer
    if known is not None and isinstance(known.ref, int):
        customer = await ctx.uow.customers.find(known.ref)
        if customer is not None:
            return customer
    if not result.company:
        return None
    found = await find_customers(ctx, result.company)
    if len(found) > 1:
        raise AmbiguousMatch(text=result.company, what="客户", what_en="customers",
                             options="、".join(c.name for c in found[:5]))
    if found:
        return found[0]
    if not create:
        return None
    subjects.created.add("customer")
    return await add_customer(ctx, Customer(name=result.company, short_name=derive_short_name(result.company)))


async def contact_of(ctx: Context, result: ParseResult, customer: Customer, subjects: Subjects,
                     text: str = "") -> Contact | None:
    """The customer's contact the sentence names: matched first (黄主任 → 黄子涵 信息中心主任), else new;
    a colleague (带上王工, a name in the directory) is never stored as the customer's contact."""
    assert customer.id is not None
    if not result.contact:
        return await named_in(ctx, customer.id, text) if text and "customer" not in subjects.created else None
    if is_colleague(ctx, result.contact, text):
        return None
    contact, created = await add_or_match(ctx, customer.id, result.contact, result.phone or "", result.email or "")
    if created:
        subjects.created.add("contact")
    return contact


async def open_deal_of(ctx: Context, customer: Customer) -> Opportunity | None:
    """The customer's one open deal this person can see; None if there is none; asks back if several."""
    scope = view_scope(ctx)
    deals = await ctx.uow.opportunities.visible(scope, stages=OPEN_STAGES, customer_id=customer.id, limit=5)
    if len(deals) > 1:
        count = (await ctx.uow.opportunities.totals(scope, stages=OPEN_STAGES, customer_id=customer.id)).count
        raise WhichDeal(customer=customer.short_name or customer.name, count=count,
                        options="、".join(f"#{d.id} {d.name}" for d in deals[:5]), example=f"#{deals[0].id}")
    return deals[0] if deals else None


async def deal_in(ctx: Context, result: ParseResult, subjects: Subjects) -> Opportunity:
    """The deal a stage/quote/payment sentence is about: its #N, or the named customer's one open deal."""
    if result.opportunity is not None:
        return await load_deal(ctx, result.opportunity)
    customer = await customer_of(ctx, result, subjects, create=False)
    deal = await open_deal_of(ctx, customer) if customer is not None else None
    if deal is None:
        raise WhichCustomer()
    return await load_deal(ctx, deal.id or 0)
