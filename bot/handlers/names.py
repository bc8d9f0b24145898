"""Names in command arguments: a customer in quotes ("Acme Data Systems", “明途信息”, 「明途」), a
company that ends at its legal form (Shanghai Zenith Robotics Co., Ltd. | MES phase 2), a person after
a title (Mr He, Dr. Sarah O'Neil), and the longest run of words that names a known customer."""

from __future__ import annotations

import re

from bot.capture.customers import find_customers, resolve_customer
from bot.context import Context
from bot.name_args import company_end, leading_quoted, unquote
from bot.nlp.people import find_contacts_zh
from domain.customer import Customer
from domain.errors import DomainError, NotFound

__all__ = ["CustomerNotFound", "company_end", "customer_and_rest", "is_person", "leading_quoted", "split_person",
           "unquote"]

TITLE = r"(?:Mr|Mrs|Ms|Miss|Dr|Prof|Sir|Madam)\.?"
_EN_PERSON = re.compile(rf"^{TITLE}\s[A-Z][A-Za-z'’-]*(?:\s[A-Z][A-Za-z'’-]*)?$", re.IGNORECASE)
MAX_NAME_WORDS = 6  # the longest customer name tried word by word


class CustomerNotFound(DomainError):
    zh = "找不到客户「{name}」。客户名称里有空格时请加引号，例如：新商机 \"Acme Data Systems\" ERP升级"
    en = "No customer '{name}' found. Put a name with spaces in quotes, e.g. deal add \"Acme Data Systems\" ERP upgrade"


def is_person(text: str) -> bool:
    """A title and a name (Mr He, Dr. Sarah O'Neil) or a Chinese name with a title (何总, 王小明经理)."""
    if _EN_PERSON.match(text):
        return True
    found = find_contacts_zh(text)
    return len(found) == 1 and found[0].start == 0 and found[0].end == len(text)


def split_person(name: str) -> tuple[str, str]:
    """A company name followed by a person: (company, person); else (name, "")."""
    end = company_end(name)
    if end is not None and is_person(rest := name[end:].strip()):
        return name[:end].strip(), rest
    return name, ""


async def customer_and_rest(ctx: Context, text: str) -> tuple[Customer, str]:
    """The customer the text opens with, and what follows it (unquoted): a quoted name, a name ending in
    its legal form, else the longest run of opening words that finds exactly one customer."""
    quoted = leading_quoted(text)
    if quoted is not None:
        return await resolve_customer(ctx, quoted[0]), unquote(quoted[1])
    end = company_end(text)
    if end is not None:
        return await resolve_customer(ctx, text[:end].strip()), unquote(text[end:])
    words = text.split()
    for count in range(min(len(words), MAX_NAME_WORDS), 1, -1):
        found = await find_customers(ctx, " ".join(words[:count]))
        if len(found) == 1:
            return found[0], unquote(" ".join(words[count:]))
    try:
        return await resolve_customer(ctx, words[0]), unquote(" ".join(words[1:]))
    except NotFound:
        if len(words) == 1:
            raise
        raise CustomerNotFound(name=words[0]) from None
