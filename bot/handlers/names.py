"""Names in command arguments: a customer in quotes ("Acme Data Systems", “明途信息”, 「明途」), a
company that ends at its legal form (Shanghai Zenith Robotics Co., Ltd. | MES phase 2), a person after
a title (Mr He, Dr. Sarah O'Neil), and the longest run of words that names a known customer."""

from __future__ import annotations

import re

from bot.context import Context
from bot.handlers.common import find_customers, resolve_customer
from bot.nlp.companies import ZH_SUFFIX_RE
from bot.nlp.people import find_contacts_zh
from domain.customer import Customer
from domain.errors import DomainError, NotFound

QUOTES = {'"': '"', "“": "”", "「": "」", "『": "』", "‘": "’", "'": "'", "《": "》", "«": "»"}
# Legal forms that end an English company name; the name stops after the last of a run (Co., Ltd.).
_EN_LEGAL = re.compile(
    r"(?:,?\s(?:Co\.?,?\s?Ltd\.?|Co\.?\s?Limited|Pte\.?\s?Ltd\.?|Pty\.?\s?Ltd\.?|Ltd\.?|Limited|Inc\.?|"
    r"Incorporated|Corp\.?|Corporation|LLC|L\.L\.C\.|LLP|GmbH|PLC|Plc|S\.A\.|S\.p\.A\.|B\.V\.|N\.V\.|K\.K\.))+"
    r"(?=\s|$)", re.IGNORECASE)
TITLE = r"(?:Mr|Mrs|Ms|Miss|Dr|Prof|Sir|Madam)\.?"
_EN_PERSON = re.compile(rf"^{TITLE}\s[A-Z][A-Za-z'’-]*(?:\s[A-Z][A-Za-z'’-]*)?$", re.IGNORECASE)
MAX_NAME_WORDS = 6  # the longest customer name tried word by word


class CustomerNotFound(DomainError):
    zh = "找不到客户「{name}」。客户名称里有空格时请加引号，例如：新商机 \"Acme Data Systems\" ERP升级"
    en = "No customer '{name}' found. Put a name with spaces in quotes, e.g. deal add \"Acme Data Systems\" ERP upgrade"


def unquote(text: str) -> str:
    """The text inside one pair of quotes around all of it; else the text."""
    text = text.strip()
    if len(text) >= 2 and QUOTES.get(text[0]) == text[-1]:
        return text[1:-1].strip()
    return text


def leading_quoted(text: str) -> tuple[str, str] | None:
    """(inside, after) when the text opens with a quoted part: "Acme Data Systems" MES → (Acme Data Systems, MES)."""
    text = text.strip()
    close = QUOTES.get(text[:1])
    if close is None:
        return None
    end = text.find(close, 1)
    if end <= 1:
        return None
    return text[1:end].strip(), text[end + 1 :].strip()


def company_end(text: str) -> int | None:
    """Where a company name written with its legal form ends (after "Co., Ltd.", "Inc.", or a first
    word ending in 有限公司/集团), if words follow it; None otherwise."""
    ends = [m.end() for m in _EN_LEGAL.finditer(text)]
    first = text.split(" ", 1)[0]  # a Chinese name has no spaces: only its first word may end in 有限公司
    ends += [m.end() for m in ZH_SUFFIX_RE.finditer(first) if m.end() == len(first)]
    ends = [e for e in ends if e < len(text.rstrip())]
    return min(ends) if ends else None


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
