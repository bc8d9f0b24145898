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
# A label written before an amount (金额 80万, 预算:60万, amount 800k): part of neither the amount nor a name.
_AMOUNT_LABEL = re.compile(r"^(?:金额|预算|总额|合同额|合同金额|报价|价格|amount|budget|value|price)[:：=]?",
                           re.IGNORECASE)
_LETTERS = re.compile(r"^[A-Za-z]+$")  # CRM, ERP, OEM: a word, never an amount (800k, 1.2M have digits)
_QUOTE_CHARS = "\"'“”‘’「」『』《》«»"
_BARE_NUMBER = re.compile(r"^\d[\d,]*(?:\.\d+)?$")
# A number after these words is part of a name (phase 2, 第2, v3), and so is a year (ERP 2026).
_NUMBERED = re.compile(r"^(?:phase|stage|part|lot|batch|wave|round|release|version|ver|v|no\.?|第|期)$", re.IGNORECASE)
_YEAR = re.compile(r"^(?:19|20)\d\d$")
# Persons in options: a title and up to two capitalised words (contact Mr He, contact Dr. Sarah O'Neil).
_TITLE = re.compile(r"^(?:Mr|Mrs|Ms|Miss|Dr|Prof|Sir|Madam)\.?$", re.IGNORECASE)
_NAME_WORD = re.compile(r"^(?:Mc|Mac|O'|D')?[A-Z][A-Za-z'’-]*$")
_NOT_NAME_WORD = re.compile(r"^(?:Co\.?,?|Ltd\.?|Inc\.?|Corp\.?|LLC|Limited|GmbH|PLC)$", re.IGNORECASE)

# The rep's own punctuation: kept in what is stored and sent (notes, mail). The rules read a folded copy
# (bot.nlp.text.fold), the argument readers accept both forms.
_KEEP = re.compile("([，：；！？（）￥～])")


def normalize(text: str) -> str:
    """Full-width letters and digits to half-width (NFKC) except Chinese punctuation (，：；！？（）￥～),
    unify whitespace, strip control characters."""
    text = "".join(part if len(part) == 1 and _KEEP.match(part) else unicodedata.normalize("NFKC", part)
                   for part in _KEEP.split(text))
    if not text.isprintable():  # printable text holds no control (C*) character: nothing to strip
        text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    return re.sub(r"[ \t\u3000]+", " ", text).strip()


def after_marker(words: list[str], marker: int, now: datetime) -> str:
    """The words after a 下次 / next marker. "next" stays when it begins the date itself, so
    `follow #3 … next Friday demo` means the same Friday as "next Friday" in a sentence."""
    keep = words[marker].casefold() == "next" and values.typed_when(words[marker:], now) is not None
    return " ".join(words[marker if keep else marker + 1 :])


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
        """The first amount (a label before it, 金额/amount, goes with it). When the amount is optional, an
        unlabelled bare number that is not one, follows phase/第/v, or is a year stays in the words (MES phase 2)."""
        for i, token in enumerate(self.tokens):
            bare = token.strip(_QUOTE_CHARS)
            labelled = _AMOUNT_LABEL.sub("", bare)
            label_before = i > 0 and labelled == bare and _AMOUNT_LABEL.fullmatch(self.tokens[i - 1]) is not None
            if _LETTERS.match(labelled) or not values.looks_like_amount(labelled) or (
                    not required and labelled == bare and not label_before and self._in_name(i, labelled)):
                continue
            money = values.to_money(labelled)
            if money is None:
                raise self.fail(f"金额「{token}」看不懂，请写成 52.8万、528000 或 $75k",
                                f"cannot read the amount '{token}'; write it like 52.8万, 528000 or $75k")
            del self.tokens[i - 1 if label_before else i : i + 1]
            return money
        if required:
            raise self.fail("缺少金额", "missing amount")
        return None

    def _in_name(self, index: int, token: str) -> bool:
        if not _BARE_NUMBER.match(token):
            return False
        before = self.tokens[index - 1] if index > 0 else ""
        return values.to_money(token) is None or _YEAR.match(token) is not None or _NUMBERED.match(before) is not None

    def when(self, required: bool = False) -> date | datetime | None:
        """The first date, with the time of day written after it over several words ("明天 下午3点",
        "2026-12-10 10:00", "next Friday 3pm"), read by the free-text rules (bot.nlp.resolve)."""
        for i, token in enumerate(self.tokens):
            if not values.looks_like_date(token):
                continue
            typed = values.typed_when(self.tokens[i:], self.now)
            if typed is None:
                raise self.fail(f"日期「{token}」无效，请写成 2026-12-01、12月1日 10:00 或 下周三 下午3点",
                                f"invalid date '{token}'; write it like 2026-12-01, Dec 1 10:00 or next Wednesday 3pm")
            self.tokens[i : i + typed.words] = [typed.rest] if typed.rest else []
            return typed.value
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

    def options(self, keys: dict[str, str], long_values: frozenset[str] = frozenset()) -> dict[str, str]:
        """Consume `keyword value` pairs and `key:value` tokens whose key is in `keys` (alias → field). A
        contact's value is a whole name (Mr He, Mark Chen); the value of a field in `long_values` runs to
        the next keyword."""
        found: dict[str, str] = {}
        i = 0
        while i < len(self.tokens):
            token = self.tokens[i]
            kv = _KV.match(token)
            if kv and kv.group(1).casefold() in keys and kv.group(2):
                found[keys[kv.group(1).casefold()]] = kv.group(2)
                del self.tokens[i]
            elif token.casefold() in keys and i + 1 < len(self.tokens):
                field = keys[token.casefold()]
                size = self._person_size(i + 1, keys) if field == "contact" else 1
                if field in long_values:  # note met at the expo phone 138...: up to the next keyword
                    size = next((n for n, t in enumerate(self.tokens[i + 1 :]) if t.casefold() in keys and n),
                                len(self.tokens) - i - 1)
                found[field] = " ".join(self.tokens[i + 1 : i + 1 + size])
                del self.tokens[i : i + 1 + size]
            else:
                i += 1
        return found

    def _person_size(self, start: int, keys: dict[str, str]) -> int:
        """Tokens from `start` that make one person: a title and up to two capitalised words (Mr He,
        Dr. Sarah O'Neil) or two capitalised words (Mark Chen); else one token (何总)."""
        titled = _TITLE.match(self.tokens[start]) is not None
        if not titled and not _NAME_WORD.match(self.tokens[start]):
            return 1
        size = 1
        while size < (3 if titled else 2) and start + size < len(self.tokens):
            word = self.tokens[start + size]
            if not _NAME_WORD.match(word) or _NOT_NAME_WORD.match(word) or word.casefold() in keys:
                break
            size += 1
        return size

    def rest(self) -> str:
        text = " ".join(self.tokens)
        self.tokens = []
        return text

    def required_rest(self, zh: str, en: str) -> str:
        text = self.rest()
        if not text:
            raise self.fail(zh, en)
        return text
