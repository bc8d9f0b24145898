"""New customers, contacts and leads from mail, through the same code as chat (bot.handlers.leads)."""

from __future__ import annotations

from bot.capture.contacts import create_contact
from bot.capture.customers import company_with_domain, known_customer, store_customer
from bot.context import Context
from bot.handlers.leads import create_lead
from bot.mail.lookups import Mail, MailLookups
from bot.mail.senders import company_name, person_name
from domain.customer import Contact, Customer
from domain.lead import Lead
from domain.mail import MailLink

MAX_NAME = 120
MAX_TITLE = 200


async def customer_for(ctx: Context, lookups: MailLookups, mail: Mail) -> Customer:
    """The sender's customer: of their contact, of their company domain, else a new one."""
    contact = lookups.contacts.get(mail.sender)
    if contact is not None and contact.customer_id in lookups.customers:
        return lookups.customers[contact.customer_id]
    if mail.company:
        if (known := lookups.domains.get(mail.company)) is not None:
            return known
        customer = await company_with_domain(ctx, company_name(mail.msg.text, mail.company)[:MAX_NAME], mail.company,
                                             source="email")
        lookups.domains[mail.company] = customer
    else:  # free mail: the person is the customer
        name = person_name(mail.msg.sender_name, mail.sender)
        if await known_customer(ctx, name) is not None:
            name = f"{name} ({mail.sender})"
        customer = await _add(ctx, Customer(name=name[:MAX_NAME], short_name=name[:MAX_NAME], email=mail.sender))
    assert customer.id is not None
    lookups.customers[customer.id] = customer
    return customer


async def _add(ctx: Context, customer: Customer) -> Customer:
    return await store_customer(ctx, customer, source="email")


async def new_lead(ctx: Context, lookups: MailLookups, mail: Mail) -> MailLink:
    """Customer (by domain, a colleague joins the same one), contact and lead, assigned by the rules."""
    customer = await customer_for(ctx, lookups, mail)
    contact = lookups.contacts.get(mail.sender)
    opts = {"note": mail.msg.subject[:MAX_TITLE]}
    if contact is None:
        opts |= {"contact": person_name(mail.msg.sender_name, mail.sender), "email": mail.sender}
    lead, created = await create_lead(ctx, customer, None, opts, source="email")
    contact = created or contact
    if contact is not None and lead.contact_id is None:
        lead.contact_id = contact.id
        await ctx.uow.leads.save(lead)
    _remember(lookups, mail, lead, contact)
    return MailLink(lead.customer_id, lead.contact_id, lead.id)


async def contact_for(ctx: Context, lookups: MailLookups, mail: Mail, customer_id: int) -> Contact:
    """The sender as a contact; someone new on a thread joins that thread's customer."""
    contact = lookups.contacts.get(mail.sender)
    if contact is None:
        name = person_name(mail.msg.sender_name, mail.sender)
        contact = await create_contact(ctx, customer_id, name, email=mail.sender, source="email")
        lookups.contacts[mail.sender] = contact
    elif contact.bouncing:  # they just wrote to us: the address works again
        ctx.remember("contact", contact)
        contact.bouncing = False
        await ctx.update("contact", contact, bouncing=False)
    return contact


def _remember(lookups: MailLookups, mail: Mail, lead: Lead, contact: Contact | None) -> None:
    assert lead.id is not None
    lookups.leads[lead.id] = lead
    if contact is not None:
        lookups.contacts[mail.sender] = contact
    link = MailLink(lead.customer_id, lead.contact_id, lead.id)
    lookups.open_work.setdefault(lead.customer_id, []).insert(0, link)
