"""Names in command arguments, read from the text alone (no database): a name in quotes ("Acme Data
Systems", “明途信息”, 「明途」) and a company that ends at its legal form (Shanghai Zenith Robotics Co., Ltd.
| MES phase 2). Shared by the command handlers (bot.handlers.names) and `dealbot parse`
(bot.nlp.commands), which must not load the handlers."""

from __future__ import annotations

import re

from bot.nlp.companies import ZH_SUFFIX_RE

QUOTES = {'"': '"', "“": "”", "「": "」", "『": "』", "‘": "’", "'": "'", "《": "》", "«": "»"}
# Legal forms that end an English company name; the name stops after the last of a run (Co., Ltd.).
_EN_LEGAL = re.compile(
    r"(?:,?\s(?:Co\.?,?\s?Ltd\.?|Co\.?\s?Limited|Pte\.?\s?Ltd\.?|Pty\.?\s?Ltd\.?|Ltd\.?|Limited|Inc\.?|"
    r"Incorporated|Corp\.?|Corporation|LLC|L\.L\.C\.|LLP|GmbH|PLC|Plc|S\.A\.|S\.p\.A\.|B\.V\.|N\.V\.|K\.K\.))+"
    r"(?=\s|$)", re.IGNORECASE)


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


def opening_name(text: str) -> str:
    """The customer a command's arguments open with, as written, without asking the database: a quoted
    name, a name ending at its legal form, else the first word (明途 明途二期运维 → 明途)."""
    quoted = leading_quoted(text)
    if quoted is not None:
        return quoted[0]
    end = company_end(text)
    if end is not None:
        return text[:end].strip()
    if any(m.end() == len(text.rstrip()) for m in _EN_LEGAL.finditer(text)):
        return text.strip()  # Harbor Logistics Inc: all of it
    return unquote(text.split(" ", 1)[0]) if text.strip() else ""
