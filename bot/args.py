"""Typed argument parsing for explicit commands: #refs, amounts, dates, stages, key:value options."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

from bot import values
from bot.errors import UsageError
from bot.i18n import Text
from domain.money import Money
from domain.opportunity import Stage

STAGE_WORDS: dict[str, Stage] = {
    "初步接触": Stage.INITIAL_CONTACT, "接触": Stage.INITIAL_CONTACT, "初步": Stage.INITIAL_CONTACT,
    "initial": Stage.INITIAL_CONTACT, "initial_contact": Stage.INITIAL_CONTACT, "contact": Stage.INITIAL_CONTACT,
    "方案提案": Stage.PROPOSAL, "方案": Stage.PROPOSAL, "提案": Stage.PROPOSAL, "proposal": Stage.PROPOSAL,
    "谈判": Stage.NEGOTIATION, "商务谈判": Stage.NEGOTIATION, "negotiation": Stage.NEGOTIATION,
    "赢单": Stage.WON, "成交": Stage.WON, "won": Stage.WON, "win": Stage.WON,
    "输单": Stage.LOST, "丢单": Stage.LOST, "lost": Stage.LOST, "lose": Stage.LOST,
}

_REF = re.compile(r"^#(\d{1,9})$")
_LEAD = re.compile(r"^[Ll](\d{1,9})$")
_KV = re.compile(r"^([^\s:：]{1,20})[:：](.*)$")


# The rep's own punctuation: kept in what is stored and sent (notes, mail). The rules read a folded copy
# (bot.nlp.text.fold), the argument readers accept both forms.
_KEEP = re.compile("([，：；！？（）￥～])")


def normalize(text: str) -> str:
    """Full-width letters and digits to half-width (NFKC) except Chinese punctuation (，：；！？（）￥～),
    unify whitespace, strip control characters."""
    text = "".join(part if len(part) == 1 and _KEEP.match(part) else unicodedata.normalize("NFKC", part)
                   for part in _KEEP.split(text))
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    return re.sub(r"[ \t\u3000]+", " ", text).strip()


class Args:
    """The words after the command. Getters consume what they read and raise UsageError if absent."""

    def __init__(self, text: str, usage: Text, now: datetime) -> None:
        self.raw = text.strip()
        self.tokens = self.raw.split()
        self.usage = usage
        self.now = now

    def fail(self, zh: str, en: str) -> UsageError:
        return UsageError(problem=zh, problem_en=en, usage=self.usage.zh, usage_en=self.usage.en)

    def _take(self, pattern: re.Pattern[str]) -> str | None:
        for i, token in enumerate(self.tokens):
            if m := pattern.match(token):
                del self.tokens[i]
                return m.group(1)
        return None

    def opportunity(self) -> int:
        ref = self._take(_REF)
        if ref is None:
            raise self.fail("缺少商机号（如 #12）", "missing deal number (like #12)")
        return int(ref)

    def optional_opportunity(self) -> int | None:
        ref = self._take(_REF)
        return int(ref) if ref else None

    def lead(self) -> int:
        ref = self._take(_LEAD)
        if ref is None:
            raise self.fail("缺少线索号（如 L3）", "missing lead number (like L3)")
        return int(ref)

    def amount(self, required: bool = True) -> Money | None:
        for i, token in enumerate(self.tokens):
            if not values.looks_like_amount(token):
                continue
            money = values.to_money(token)
            if money is None:
                raise self.fail(f"金额「{token}」看不懂，请写成 52.8万、528000 或 $75k",
                                f"cannot read the amount '{token}'; write it like 52.8万, 528000 or $75k")
            del self.tokens[i]
            return money
        if required:
            raise self.fail("缺少金额", "missing amount")
        return None

    def when(self, required: bool = False) -> date | datetime | None:
        for i, token in enumerate(self.tokens):
            if not values.looks_like_date(token):
                continue
            resolved = values.to_when(token, self.now)
            if resolved is None:
                raise self.fail(f"日期「{token}」无效，请写成 2026-12-01、12月1日 或 下周三",
                                f"invalid date '{token}'; write it like 2026-12-01, Dec 1 or next Wednesday")
            del self.tokens[i]
            return resolved
        if required:
            raise self.fail("缺少日期", "missing date")
        return None

    def stage(self) -> Stage:
        for i, token in enumerate(self.tokens):
            if (stage := STAGE_WORDS.get(token.casefold())) is not None:
                del self.tokens[i]
                return stage
        raise self.fail("缺少或看不懂目标阶段（初步接触/方案提案/谈判/赢单/输单）",
                        "missing or unknown stage (initial/proposal/negotiation/won/lost)")

    def options(self, keys: dict[str, str]) -> dict[str, str]:
        """Consume `keyword value` pairs and `key:value` tokens whose key is in `keys` (alias → field)."""
        found: dict[str, str] = {}
        i = 0
        while i < len(self.tokens):
            token = self.tokens[i]
            kv = _KV.match(token)
            if kv and kv.group(1).casefold() in keys and kv.group(2):
                found[keys[kv.group(1).casefold()]] = kv.group(2)
                del self.tokens[i]
            elif token.casefold() in keys and i + 1 < len(self.tokens):
                found[keys[token.casefold()]] = self.tokens[i + 1]
                del self.tokens[i:i + 2]
            else:
                i += 1
        return found

    def rest(self) -> str:
        text = " ".join(self.tokens)
        self.tokens = []
        return text

    def required_rest(self, zh: str, en: str) -> str:
        text = self.rest()
        if not text:
            raise self.fail(zh, en)
        return text
