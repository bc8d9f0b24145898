"""A visit note or a new lead written as a sentence: customer, contact, deal, follow-up, reminder."""

from __future__ import annotations

from datetime import date, datetime

from bot.context import Context
from bot.handlers.common import load_deal
from bot.handlers.deals import save_followup
from bot.handlers.leads import create_lead
from bot.nlp import ParseResult
from bot.nlp.resolve import due_at
from bot.understanding.subjects import (
    Subjects,
    WhichCustomer,
    contact_of,
    customer_of,
    open_deal_of,
    split_contact,
)
from domain.money import CNY, Money
from domain.opportunity import Opportunity


def budget(result: ParseResult) -> Money | None:
    if result.amount is None or result.amount <= 0:
        return None
    return Money(result.amount, result.currency or CNY)


def next_moment(result: ParseResult, now: datetime) -> datetime | None:
    """The next step's time, unless the parser found it is in the past (then the rep is asked)."""
    if result.next_at is None or "date_in_past" in result.problem_codes():
        return None
    value: date | datetime = result.next_at
    return due_at(value, now, result.next_period)


async def record_lead(ctx: Context, result: ParseResult) -> Subjects:
    subjects = Subjects()
    customer = await customer_of(ctx, result, subjects, create=True)
    if customer is None:
        raise WhichCustomer()
    subjects.customer = customer
    options = {"phone": result.phone or "", "email": result.email or ""}
    if result.contact:
        options["contact"], options["title"] = split_contact(result.contact)
    subjects.lead, subjects.contact = await create_lead(ctx, customer, budget(result), options)
    subjects.created |= {"lead"} | ({"contact"} if subjects.contact else set())
    return subjects


async def record_visit(ctx: Context, result: ParseResult, text: str) -> Subjects:
    subjects = Subjects()
    if result.opportunity is not None:
        opp = await load_deal(ctx, result.opportunity)
        subjects.customer = await ctx.uow.customers.get(opp.customer_id)
    else:
        subjects.customer = await customer_of(ctx, result, subjects, create=True)
        if subjects.customer is None:
            raise WhichCustomer()
        opp = await _deal_for_visit(ctx, result, subjects)
    subjects.contact = await contact_of(ctx, result, subjects.customer, subjects)
    if subjects.contact is not None and opp.contact_id is None:
        opp.contact_id = subjects.contact.id
    if (amount := budget(result)) is not None and opp.amount != amount:
        opp.amount = amount
    subjects.opportunity = opp
    await save_followup(ctx, opp, text, next_moment(result, ctx.now), "")
    return subjects


async def _deal_for_visit(ctx: Context, result: ParseResult, subjects: Subjects) -> Opportunity:
    customer = subjects.customer
    assert customer is not None and customer.id is not None
    existing = None if "customer" in subjects.created else await open_deal_of(ctx, customer)
    if existing is not None:
        return await load_deal(ctx, existing.id or 0)
    name = ctx.t(f"{customer.short_name or customer.name}项目", f"{customer.short_name or customer.name} project")
    opp = await ctx.uow.opportunities.add(Opportunity(
        customer_id=customer.id, name=name, owner_id=ctx.rep.id, team_id=ctx.rep.team_id, amount=budget(result),
        created_at=ctx.now, updated_at=ctx.now, last_contact_at=ctx.now))
    await ctx.audit("opportunity", opp.id, "create", name=name)
    subjects.created.add("opportunity")
    ctx.remember("opportunity", opp)
    return opp
