"""Things with a fixed shape: deal references (#12), phone numbers, e-mail addresses."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.nlp.text import rx, scan


@dataclass(slots=True)  # not frozen: frozen dataclasses are slow to build, and this is hot
class Found:
    label: str  # OPP / PHONE / EMAIL / MONEY / WHEN / COMPANY / CONTACT / STAGE
    start: int
    end: int
    value: str  # normalised value for echo (the deal number, the digits, the ISO date ...)


OPP_RE = rx(
    r"(?<![A-Za-z0-9&#])#\s?(?P<a>\d{1,9})(?!\d|\.\d|\s?(?:[万元%]|[wWkK](?![A-Za-z0-9])))"
    r"|商机\s?(?:编号|号)?\s?[#:]?\s?(?P<b>\d{1,9})(?!\d|\.\d|\s?(?:[万元%个台天]|[wWkK](?![A-Za-z0-9])))"
    r"|(?i:\b(?:deal|opp(?:ortunity)?)\s?(?:#|no\.?\s?|number\s)\s?)(?P<c>\d{1,9})(?!\d|\.\d)"
)
PHONE_RE = rx(
    r"(?<![\dA-Za-z+])(?:"
    r"(?:\+?86[-\s]?)?1[3-9]\d[-\s]?\d{4}[-\s]?\d{4}"  # mainland mobile
    r"|(?:\+?86[-\s]?)?(?:\(0\d{2,3}\)|0\d{2,3})[-\s]?\d{3,4}[-\s]?\d{4}"  # landline, without an extension
    r"|[48]00[-\s]?\d{3}[-\s]?\d{4}"  # 400 / 800 service lines
    r"|09\d{2}[-\s]?\d{3}[-\s]?\d{3}"  # Taiwan mobile (0912-345-678)
    r"|(?:\+1[-\s.]?)?\(?[2-9]\d{2}\)?[-\s.]\d{3}[-\s.]\d{4}"  # North America
    r"|\+(?!86|1\b)\d{1,3}[-\s]?\d{1,4}(?:[-\s]?\d{2,4}){2,4}"  # other international
    r")(?![\d])"
)
EMAIL_RE = rx(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")


# Where matches can begin (see text.scan): both patterns open with a lookbehind.
_OPP_START = rx(r"[#商DdOo](?:(?<=[#商])|(?<![A-Za-z0-9_][\s\S])(?:(?<=[Dd])[Ee]|(?<=[Oo])[Pp]))")
# How a number can open: + or (, a mobile's 1[3-9]x, a trunk 0xx, 400/800, a North American xxx followed by
# a separator and three digits (212-555…, 212) 555…), or 86 (86-138…, 86(0512)…).
_PHONE_START = rx(r"[\d+(](?<![\dA-Za-z+][\s\S])(?:(?<=[+(])|(?<=1)(?=[3-9]\d)|(?<=0)(?=\d\d)|(?<=[48])(?=00)"
                  r"|(?<=[2-9])(?=\d\d\)?[-\s.]\d{3})|(?<=8)(?=6))")
_DIGIT_RUN = re.compile(r"\d\d\d")
_OPP_WORD = re.compile(r"(?i)deal|opp")


def find_refs(text: str) -> list[Found]:
    found = [Found("EMAIL", m.start(), m.end(), m.group(0)) for m in EMAIL_RE.finditer(text)] if "@" in text else []
    if _DIGIT_RUN.search(text):
        found += [
            Found("PHONE", m.start(), m.end(), re.sub(r"\D", "", m.group(0)))
            for m in scan(_PHONE_START, PHONE_RE, text)
        ]
    if "#" in text or "商机" in text or _OPP_WORD.search(text):
        for m in scan(_OPP_START, OPP_RE, text):
            number = m.group("a") or m.group("b") or m.group("c") or ""
            found.append(Found("OPP", m.start(), m.end(), str(int(number))))
    return found
