"""A sentence that only gives a contact's phone, mail or title ("何总的电话 138…，邮箱 …") updates that
contact: no deal is opened and no follow-up is written."""

from __future__ import annotations

import re

from bot.capture.contacts import create_contact, match_contact, matching, split_contact, update_contact
from bot.context import Context
from bot.handlers.common import may_view, visible_owner_ids
from bot.nlp import ParseResult
from bot.reply import CardBuilder, Reply
from domain.customer import Contact, Customer
from domain.errors import DomainError
from domain.opportunity import OPEN_STAGES

_TITLE = re.compile(r"(?:职位|职务|头衔|title)\s*(?:是|为|改成|改为|换成|:|：|is)?\s*([^\s，,。;；]{2,30})",
                    re.IGNORECASE)
_NOISE = re.compile(r"电话号码|手机号码|手机号|电话|手机|座机|号码|电子邮件|电子邮箱|邮箱|邮件地址|e-?mail|mobile|"
                    r"phone|number|address|职位|职务|头衔|title|的|是|为|换了|换成|改成|改为|更新|新的|新|现在|号|and|is|"
                    r"[\s,，。.;；:：、'’s]", re.IGNORECASE)


class WhoseContact(DomainError):
    zh = "找不到联系人「{name}」。请写上客户，例如「明途{name}的电话 13800000000」。没有做任何修改。"
    en = "No contact '{name}' found. Add the customer, e.g. 'Mingtu {name} phone 13800000000'. Nothing was changed."


class SeveralContacts(DomainError):
    zh = "「{name}」可能是多个客户的联系人：{options}。请写上客户名称。没有做任何修改。"
    en = "'{name}' may be a contact of several customers: {options}. Please add the customer. Nothing was changed."


def title_in(text: str) -> str:
    found = _TITLE.search(text)
    return found.group(1) if found else ""


def is_contact_update(result: ParseResult, text: str) -> bool:
    """Only who (and whose) and their phone / mail / title: nothing happened, nothing is planned."""
    if not result.contact or result.opportunity is not None or result.amount is not None \
            or result.next_at is not None or result.stage is not None \
            or any(p.severity == "error" and p.code != "intent_unclear" for p in result.problems):
        return False
    title = title_in(text)
    if not (result.phone or result.email or title):
        return False
    rest = text
    for piece in sorted({e.text for e in result.spans} | {title}, key=len, reverse=True):
        rest = rest.replace(piece, " ") if piece else rest
    return not _NOISE.sub("", rest)


async def update_from_sentence(ctx: Context, result: ParseResult, text: str, customer: Customer | None) -> Reply:
    """Update (or, on a named customer, add) the contact; nothing else is written."""
    assert result.contact is not None
    written, title = result.contact, title_in(text)
    if customer is None:
        customer, found = await _known_contact(ctx, written)
    else:
        assert customer.id is not None
        found = await match_contact(ctx, customer.id, written)
    if found is None:
        assert customer.id is not None
        name, written_title = split_contact(written)
        contact = await create_contact(ctx, customer.id, name, title or written_title, result.phone or "",
                                       result.email or "")
        return _card(ctx, customer, contact, True, [])
    changed = await update_contact(ctx, found, result.phone or "", result.email or "", title)
    return _card(ctx, customer, found, False, changed)


async def _known_contact(ctx: Context, written: str) -> tuple[Customer, Contact | None]:
    """The one contact named so among the customers of the deals this person may see."""
    deals = await ctx.uow.opportunities.list(owner_ids=visible_owner_ids(ctx), stages=OPEN_STAGES, limit=500)
    customer_ids = sorted({d.customer_id for d in deals if may_view(ctx, d)})
    found: list[Contact] = []
    for customer_id in customer_ids:
        found += matching(await ctx.uow.contacts.for_customer(customer_id), written)
    if not found:
        raise WhoseContact(name=written)
    customers = {c.customer_id: await ctx.uow.customers.get(c.customer_id) for c in found}
    if len(found) > 1:
        options = "、".join(f"{customers[c.customer_id].short_name or customers[c.customer_id].name} {c.name}{c.title}"
                           for c in found[:5])
        raise SeveralContacts(name=written, options=options)
    return customers[found[0].customer_id], found[0]


def _card(ctx: Context, customer: Customer, contact: Contact, created: bool, changed: list[str]) -> Reply:
    name = f"{contact.name}（{contact.title}）" if contact.title and len(contact.name) > 1 else \
        f"{contact.name}{contact.title}"
    title = ctx.t(f"已添加联系人 · {name}", f"Contact added · {name}") if created else \
        ctx.t(f"已更新联系人 · {name}", f"Contact updated · {name}")
    card = CardBuilder(title, ctx.locale).add("客户", "Customer", customer.name)
    card.add("电话", "Phone", contact.phone).add("邮箱", "Email", contact.email).add("职位", "Title", contact.title)
    if not created and not changed:
        card.line(ctx.t("这些信息已经是最新的，没有改动。", "Already up to date; nothing changed."))
    card.line(ctx.t("没有新建商机。", "No deal was opened."))
    return card.build(ctx.t("不对？回复「撤销」撤销这次修改", "Not right? Reply 'undo' to revert it"))

