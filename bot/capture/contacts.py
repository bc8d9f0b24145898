"""Contacts at capture: matched (surname + title) before one is created, never a colleague, and a
phone, mail or title given for a known contact lands on that contact."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.context import Context
from bot.errors import AmbiguousMatch
from domain.customer import Contact

TITLES = ("董事长", "总经理", "总监", "经理", "主任", "主管", "部长", "处长", "科长", "局长", "书记", "老师", "博士",
          "总", "工", "总裁", "秘书", "助理")
# words just before a person that make them one of us: 带上王工, 和我们的王工, 同事小李, with our engineer Wang
_OUR_SIDE = re.compile(r"(带上|带着|带了|叫上|约上|陪同|我们的|我们|我司|我方|同事|our\s+\w+\s*|my colleague\s*)$",
                       re.IGNORECASE)


def split_contact(written: str) -> tuple[str, str]:
    """何总 → (何, 总); 宋经理 → (宋, 经理); Mark Chen → (Mark Chen, "")."""
    for title in TITLES:
        if written.endswith(title) and len(written) > len(title):
            return written[: -len(title)], title
    return written, ""


def is_colleague(ctx: Context, written: str, text: str) -> bool:
    """A person of ours: a name in the directory, or one the sentence brings along (带上王工)."""
    folded = written.casefold()
    if any(rep.name.casefold() == folded for rep in ctx.directory.reps):
        return True
    at = text.find(written)
    return at >= 0 and _OUR_SIDE.search(text[max(0, at - 12):at]) is not None


def _title_fits(stored: str, written: str) -> bool:
    """主任 fits 信息中心主任; 总 fits 总经理 and 副总; an empty written title fits nothing here."""
    return bool(written) and (stored.endswith(written) or stored.startswith(written) or written.startswith(stored))


def matching(contacts: Sequence[Contact], written: str) -> list[Contact]:
    """The customer's contacts `written` may name: the same name (and title), else surname + title."""
    name, title = split_contact(written)
    folded = written.casefold()
    exact = [c for c in contacts if c.name.casefold() == folded or f"{c.name}{c.title}" == written
             or (c.name == name and (c.title == title or not c.title))]
    if exact or not title:
        return exact
    return [c for c in contacts if c.name.startswith(name) and c.title
            and _title_fits(c.title, title)]


async def match_contact(ctx: Context, customer_id: int, written: str) -> Contact | None:
    """The one existing contact `written` names; None when there is none; asks back when several fit."""
    found = matching(await ctx.uow.contacts.for_customer(customer_id), written)
    if len(found) > 1:
        raise AmbiguousMatch(text=written, what="联系人", what_en="contacts",
                             options="、".join(f"{c.name}（{c.title}）" if c.title else c.name for c in found[:5]))
    return found[0] if found else None


async def named_in(ctx: Context, customer_id: int, text: str) -> Contact | None:
    """The one stored contact of the customer the text names in full (黄子涵) when the reader found no one."""
    found = [c for c in await ctx.uow.contacts.for_customer(customer_id)
             if len(c.name) >= 2 and c.name in text and not is_colleague(ctx, c.name, text)]
    return found[0] if len(found) == 1 else None


async def create_contact(ctx: Context, customer_id: int, name: str, title: str = "", phone: str = "",
                         email: str = "", **audit: str) -> Contact:
    """A new contact and its audit entry (`audit` adds to what the entry records)."""
    contact = await ctx.uow.contacts.add(Contact(customer_id=customer_id, name=name, title=title, phone=phone,
                                                 email=email))
    await ctx.audit("contact", contact.id, "create", name=f"{name}{title}", **audit)
    return contact


async def update_contact(ctx: Context, contact: Contact, phone: str = "", email: str = "",
                         title: str = "") -> list[str]:
    """Write what is new about a contact; returns the fields changed ("phone", "email", "title")."""
    changes = {k: v for k, v in (("phone", phone), ("email", email), ("title", title))
               if v and v != getattr(contact, k)}
    if not changes:
        return []
    ctx.remember("contact", contact)
    for field, value in changes.items():
        setattr(contact, field, value)
    if "email" in changes:
        contact.bouncing = False
    await ctx.update("contact", contact, **changes)
    return list(changes)


async def add_or_match(ctx: Context, customer_id: int, written: str, phone: str = "", email: str = "",
                       title: str = "") -> tuple[Contact, bool]:
    """(the contact, whether it is new): an existing one is matched first and learns a new phone or mail."""
    found = await match_contact(ctx, customer_id, written)
    name, written_title = split_contact(written)
    if found is not None:
        await update_contact(ctx, found, phone, email, title or ("" if found.title else written_title))
        return found, False
    return await create_contact(ctx, customer_id, name, title or written_title, phone, email), True
