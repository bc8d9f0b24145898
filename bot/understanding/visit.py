"""A visit note or a new lead written as a sentence: customer, contact, deal, follow-up, reminder.
Every write goes through the capture use cases (bot.capture)."""

from __future__ import annotations

from datetime import date, datetime

from bot.capture import offer
from bot.capture.contact_update import is_contact_update, update_from_sentence
from bot.capture.contacts import split_contact
from bot.capture.deals import already_open_line, colleagues_open_deals, open_deal, tell_owners
from bot.capture.followups import record_followup
from bot.context import Context
from bot.handlers.common import load_deal
from bot.handlers.leads import create_lead
from bot.nlp import ParseResult
from bot.nlp.resolve import due_at
from bot.understanding.subjects import (
    Subjects,
    WhichCustomer,
    contact_of,
    customer_of,
    open_deal_of,
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


async def record_visit(ctx: Context, result: ParseResult, text: str, force: bool = False) -> Subjects:
    """`force`: open a deal of one's own even when colleagues have open deals with the customer."""
    subjects = Subjects()
    if result.opportunity is not None:
        opp = await load_deal(ctx, result.opportunity)
        subjects.customer = await ctx.uow.customers.get(opp.customer_id)
    else:
        if is_contact_update(result, text):
            customer = await customer_of(ctx, result, subjects, create=False)
            subjects.reply = await update_from_sentence(ctx, result, text, customer)
            return subjects
        subjects.customer = await customer_of(ctx, result, subjects, create=True)
        if subjects.customer is None:
            raise WhichCustomer()
        found = await _deal_for_visit(ctx, result, subjects, text, force)
        if found is None:
            return subjects  # the dedupe offer: nothing written
        opp = found
    subjects.contact = await contact_of(ctx, result, subjects.customer, subjects, text)
    if subjects.contact is not None and opp.contact_id is None:
        opp.contact_id = subjects.contact.id
    if (amount := budget(result)) is not None and opp.amount != amount:
        opp.amount = amount
    subjects.opportunity = opp
    await record_followup(ctx, opp, text, next_moment(result, ctx.now), "")
    return subjects


async def _deal_for_visit(ctx: Context, result: ParseResult, subjects: Subjects, text: str,
                          force: bool) -> Opportunity | None:
    """The rep's open deal with the customer, else a new one; None when the dedupe offer was made instead."""
    customer = subjects.customer
    assert customer is not None and customer.id is not None
    is_new = "customer" in subjects.created
    existing = None if is_new else await open_deal_of(ctx, customer)
    if existing is not None:
        return await load_deal(ctx, existing.id or 0)
    others = [] if is_new else await colleagues_open_deals(ctx, customer)
    if others and not force:
        subjects.reply = await offer.make_offer(ctx, text, customer, others)
        return None
    name = ctx.t(f"{customer.short_name or customer.name}项目", f"{customer.short_name or customer.name} project")
    opp = await open_deal(ctx, customer, name, budget(result))
    subjects.created.add("opportunity")
    ctx.remember("opportunity", opp)
    if others:
        await tell_owners(ctx, others, customer, opp)
        subjects.lines.append(already_open_line(ctx, others))
    return opp
