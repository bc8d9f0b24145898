"""Money in free text and in typed arguments: 80万, 12.5万元, 8w, ¥2,480,000, ￥5,0000 (Chinese four-digit
grouping), 一百二十万, 3.5亿, $75k, 4.2 million RMB, 2.6M CNY.

One currency rule for commands and free text: CNY unless a symbol or word says otherwise ($, US$, USD,
美元, 美金, dollars). A money word followed by something amount-like that cannot be read (预算abc万,
金额是abc) is reported (`amount_unreadable`), never skipped. A vague figure (一百多万, 十几万, 20来万, 3万多,
3万余元) is reported as `amount_vague` and not recorded; a hedge around an exact one (100万左右, 大概80万) is.

A number is money when it carries a unit or currency, or when it follows a money word (预算, 报价,
budget ...). A bare small number after a money word ("预算60") is ambiguous and reported, not guessed.
Numbers followed by a measure word (3个人, 100台, 2026年, 5 users) are never money.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import cast

from bot.nlp.numerals import CN_CHARS, cn_to_decimal, to_decimal
from bot.nlp.problems import AmountNotUnderstood, Problem, problem
from bot.nlp.text import fold, rx, scan, window_before

CNY, USD = "CNY", "USD"
# 2,480,000 (groups of three) or 5,0000 / 12,3456,7890 (Chinese groups of four), else plain digits
_NUM = r"\d{1,3}(?:,\d{3})+(?!\d)(?:\.\d+)?|\d{1,4}(?:,\d{4})+(?!\d)(?:\.\d+)?|\d+(?:\.\d+)?"
_CN_FIRST = "零〇一二两三四五六七八九十壹贰叁肆伍陆柒捌玖拾"
_CN = rf"[{_CN_FIRST}][{CN_CHARS}]*(?:点[零〇一二三四五六七八九]+)?"
_MULT = (r"千万|百万|十万|万|亿|千|[wW](?![A-Za-z])|[kK](?![A-Za-z])|[mM](?![A-Za-z])"
         r"|(?i:million|mln|mn|billion|bn)(?![A-Za-z])")
_CUR = (r"元人民币|元(?!旦)|块钱|块|人民币|美元|美金|(?<=[万千亿kKwWmM\d])刀(?![片具口])|"
        r"(?i:RMB|CNY|USD|dollars?|bucks|yuan)(?![A-Za-z])")
AMOUNT_RE = rx(
    rf"(?<![A-Za-z])(?:(?P<pre>(?i:US\$|USD|RMB|CNY)|人民币|[¥$])\s?)?"
    rf"(?:(?:(?<![A-Za-z0-9#])|(?<=[Rr][Mm][Bb]|[Uu][Ss][Dd]|[Cc][Nn][Yy]))(?<!\d[.,/:-])(?P<num>{_NUM})|(?<![{CN_CHARS}])(?P<cn>{_CN}))(?P<fuzz>多|余|来|几)?"
    rf"(?:\s?(?:个(?=亿))?(?P<mult>{_MULT}))?(?P<tail>(?<=万)\d(?![\d.]))?(?P<fuzz2>多(?!少)|余)?"
    rf"(?:\s?(?P<cur>{_CUR}))?"
)
# Where an AMOUNT_RE match can begin (see text.scan): a digit, a numeral or a currency mark, not after a letter;
# a digit not inside a number (after a digit, #, or a digit and a separator) and a numeral not after another.
_AMOUNT_START = rx(
    rf"[\dUuRrCc人¥${_CN_FIRST}](?<![A-Za-z][\s\S])(?<![\d#]\d)(?<!\d[.,/:-]\d)(?<![{CN_CHARS}][{_CN_FIRST}])"
    r"(?:(?<=[Uu])[Ss]|(?<=[Rr])[Mm]|(?<=[Cc])[Nn]|(?<![UuRrCc]))")
_FACTORS = {
    "千万": 10**7, "百万": 10**6, "十万": 10**5, "万": 10**4, "w": 10**4, "亿": 10**8, "千": 10**3,
    "k": 10**3, "m": 10**6, "million": 10**6, "mln": 10**6, "mn": 10**6, "billion": 10**9, "bn": 10**9,
}
_USD_MARKS = {"$", "us$", "usd", "美元", "美金", "刀", "dollar", "dollars", "bucks"}
_IDIOMS = ("十万火急", "十万八千里", "一万个", "万一")
_PLAUSIBLE = (Decimal(0), Decimal(10) ** 13)  # more than 10万亿 is a typo or not money
_BIG_UNITS = {"千万", "百万", "十万", "万", "w", "亿"}
_MONEY_ZH = (r"预算|預算|报价|報價|金額|价格|价钱|总价|单价|金额|合同额|合同价|费用|回款|收款|付款|首付款?|尾款|定金|"
             r"订金|预付款?|到账|打款|汇款|成交价|标的|造价|投资|花费|出价|报了?|价|款|降到|降至|涨到|优惠到|签约|赢单")
_MONEY_EN = (r"budget|quoted?|quotation|price[ds]?|pricing|amount|value|worth|costs?|fees?|paid|pay|"
             r"payment|received|deposit|invoiced?|signed for|contract|deal size|revenue|arr|acv")
_MONEY_WORD = rx(rf"{_MONEY_ZH}|(?i:\b(?:{_MONEY_EN})\b)")
# The same words, apart: the Chinese ones (all CJK) as a plain alternation, the English ones lower-cased
# with the word boundary on the left checked in Python (see `_has_money_word`).
_MONEY_ZH_RE = rx(_MONEY_ZH)
_MONEY_EN_RE = rx(rf"(?:{_MONEY_EN})\b")
_ASCII_LOWER = {code: code + 32 for code in range(ord("A"), ord("Z") + 1)}
_LATIN_RE = rx("[A-Za-z]")
_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
_NOT_MONEY_AFTER = rx(
    r"\s?(?:个|年|月|日|号|点|時|时|分|天|周|人|位|台|套|件|次|%|折|期|岁|家|倍|楼|层|米|公里|平|吨|张|份|"
    r"条|辆|户|项|名|只|支|箱|批|字|行|页|(?i:units?|users?|seats?|licen[cs]es?|people|pcs|days?|weeks?|"
    r"months?|years?|hours?|minutes?|mins?|employees|staff|x)(?![A-Za-z]))")
_DELTA_BEFORE = rx(r"(?:少了|降了|减了|便宜了|优惠了|让了|多了|涨了|差了?|相差|差价|(?i:\bby|\boff))\s?$")
_TO_BEFORE = rx(r"(?:为|到|至|成|(?i:\bto)|->|→|=>)\s?$")
_RANGE_HINT = rx(r"\d\s?[-~到至]")  # what every RANGE_RE match holds: the low number's last digit, the dash
_RANGE_START = rx(r"\d(?<![A-Za-z0-9#.,/:-]\d)")
RANGE_RE = rx(
    rf"(?<![A-Za-z0-9#.,/:-])(?P<low>{_NUM})\s?(?:-|~|到|至)\s?(?P<high>{_NUM})\s?"
    r"(?P<unit>千万|百万|万|亿|[wWkK](?![A-Za-z])|(?i:million)(?![A-Za-z]))")
_HEDGE = rx(r"^(?:约|大约|大概|差不多|(?i:about|around|approx\.?|~))\s?|\s?(?:左右|上下)$")
_AMOUNTISH = rx(rf"[\d{CN_CHARS}¥$]|元|块|(?i:rmb|usd|cny)|[wWkKmM]$")


@dataclass(slots=True)  # not frozen: frozen dataclasses are slow to build, and this is hot
class AmountMention:
    start: int
    end: int
    amount: Decimal | None  # None: looks like money but is ambiguous (see problem)
    currency: str | None  # None: no currency written and none implied (caller picks a default)
    keyword: str = ""  # the money word before it (预算, 报价, budget ...)
    explicit: bool = True  # has a unit or a currency; False: bare number after a money word
    delta: bool = False  # "少了3万": a difference, not a value
    after_to: bool = False  # "调整为36.8万": the new value of a change
    problem: Problem | None = None


@dataclass(slots=True)  # not frozen: frozen dataclasses are slow to build, and this is hot
class _Reading:
    value: Decimal
    currency: str | None
    has_unit: bool  # a multiplier or a currency was written
    big_unit: bool  # 万/亿/w: money on its own


_GROUPS = ("pre", "num", "cn", "mult", "tail", "cur")  # what the readers take from an AMOUNT_RE match
Groups = tuple[str | None, str | None, str | None, str | None, str | None, str | None]


def _read(m: re.Match[str]) -> _Reading | None:
    return _reading(_groups(m))


def _groups(m: re.Match[str]) -> Groups:
    return cast(Groups, m.group(*_GROUPS))


def _reading(groups: Groups) -> _Reading | None:
    pre, num, cn, mult_written, tail, cur = groups
    base = to_decimal(num) if num else cn_to_decimal(cn or "")
    if base is None:
        return None
    mult = (mult_written or "").lower()
    value = base * _FACTORS.get(mult, 1)
    if tail:
        value += int(tail) * 1000
    marks = {(pre or "").lower(), (cur or "").lower()} - {""}
    currency = (USD if marks & _USD_MARKS else CNY) if marks else None
    cn_big = any(ch in cn for ch in "万萬亿億") if cn else False
    big = mult in _BIG_UNITS or cn_big
    if currency is None and big:
        currency = CNY
    if not value.is_finite() or abs(value) >= MAX_AMOUNT:
        return None  # "99999999999999999999万" is not a deal size (and would not fit the money columns)
    return _Reading(_tidy(value), currency, bool(mult) or bool(marks) or cn_big, big)


MAX_AMOUNT = Decimal(10) ** 15  # storage keeps NUMERIC(18, 2)


def _tidy(value: Decimal) -> Decimal:
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.quantize(Decimal("0.01")).normalize()


def _keyword(window: str) -> str:
    """The money word in `window` (what `window_before` gives) that the number right after it belongs to."""
    found = list(_MONEY_WORD.finditer(window))
    if not found:
        return ""
    last = found[-1]
    gap = window[last.end() :]
    return last.group(0) if len(gap) <= 8 and not any(ch.isdigit() for ch in gap) else ""


def _is_money(groups: Groups, reading: _Reading, keyword: str) -> bool:
    """Called once `_mention` knows that no measure word follows a number without a currency mark
    (with a mark there is always a currency, so the first test decides)."""
    pre, _, cn, mult, _, cur = groups
    if (cur or "") == "块" and cn:
        return False  # 一块去 = together
    if reading.currency and (pre or cur):
        return True
    if cn and not reading.big_unit:
        return bool(keyword) and reading.value >= 1000
    thousands = (mult or "").lower() == "k"  # won 50k: k is money unless users/seats follow
    return reading.big_unit or thousands or bool(keyword)


def _mention(text: str, m: re.Match[str], money_words: bool) -> AmountMention | None:
    groups = _groups(m)
    pre, _, cn, mult, _, cur = groups
    if not (money_words or pre or cur or mult or (cn and any(c in cn for c in "万萬亿億"))):
        return None  # 3个人, 一下, 2026: no unit and no 预算/报价 anywhere
    start, end = m.span()
    if cn and text.startswith(_IDIOMS, start):
        return None
    if not (pre or cur) and _NOT_MONEY_AFTER.match(text, end):
        return None  # 10点, 3个, 2026年: not money
    reading = _reading(groups)
    if reading is None:
        return None
    window = window_before(text, start, 16)
    keyword = _keyword(window)
    if not _is_money(groups, reading, keyword):
        return None
    if m.group("fuzz") or m.group("fuzz2"):  # 一百多万, 十几万, 3万多: no figure to record, asked back
        bad = problem("amount_vague", (start, end), text=m.group(0))
        return AmountMention(start, end, None, None, keyword, reading.has_unit, problem=bad)
    if not reading.has_unit and reading.value < 1000:
        bad = problem("amount_unit_missing", (start, end), text=m.group(0))
        return AmountMention(start, end, None, None, keyword, False, problem=bad)
    if not _PLAUSIBLE[0] < reading.value < _PLAUSIBLE[1]:
        bad = problem("amount_invalid", (start, end), text=m.group(0))
        return AmountMention(start, end, None, None, keyword, reading.has_unit, problem=bad)
    before = window[-8:]  # window_before(text, start, 8): the window holds no clause end
    return AmountMention(start, end, reading.value, reading.currency, keyword, reading.has_unit,
                         delta=bool(_DELTA_BEFORE.search(before)), after_to=bool(_TO_BEFORE.search(before)))


def _range(text: str, m: re.Match[str]) -> AmountMention | None:
    """80-100万 / 80到100万: the lower bound, with a warning."""
    low, high = to_decimal(m.group("low")), to_decimal(m.group("high"))
    if low is None or high is None or low >= high:
        return None
    unit = m.group("unit").lower()
    currency = CNY if unit in _BIG_UNITS else None
    if low * _FACTORS[unit] >= MAX_AMOUNT:
        return None
    value = _tidy(low * _FACTORS[unit])
    warn = problem("amount_range", (m.start(), m.end()), text=m.group(0))
    return AmountMention(m.start(), m.end(), value, currency, _keyword(window_before(text, m.start(), 16)),
                         problem=warn)


def find_amounts(text: str) -> list[AmountMention]:
    """Money mentions in (folded) text, in order; unit-less ambiguous ones carry a problem."""
    ranged = _RANGE_HINT.search(text) is not None
    found = [r for m in scan(_RANGE_START, RANGE_RE, text) if (r := _range(text, m)) is not None] if ranged else []
    taken = [(r.start, r.end) for r in found]
    money_words = _has_money_word(text)
    for m in scan(_AMOUNT_START, AMOUNT_RE, text):
        if taken and any(a < m.end() and m.start() < b for a, b in taken):
            continue
        mention = _mention(text, m, money_words)
        if mention is not None:
            found.append(mention)
    if money_words and _LATIN_OR_DOTS.search(text) is not None:
        bad = _unreadable(text, found)  # needs a letter (abc万, 12abc) or a broken number (1.2.3万)
        if bad:
            found = [f for f in found if f.amount is not None or all(f.end <= s or e <= f.start for s, e, _ in bad)]
            found += [AmountMention(s, e, None, None, word, problem=problem("amount_unreadable", (s, e),
                                    text=text[s:e])) for s, e, word in bad]
            return sorted(found, key=lambda x: x.start)
    return sorted(found, key=lambda x: x.start) if taken else found


# After a money word: letters or a broken number before a unit (预算abc万, 报价8O万, 1.2.3万), or only
# letters after 是/为/: (金额是abc); in English a number run into letters that are no unit (budget 12abc).
# The patterns run only where cheap tests (_LATIN_OR_DOTS, _DOTS, _SUSPECT_*) find something unreadable.
_UNREADABLE_ZH = rx(
    rf"(?P<word>{_MONEY_ZH})(?:是|为|约|大约|大概|在|:)?\s?(?:(?P<bad>[A-Za-z0-9.,]*[A-Za-z][A-Za-z0-9.,]*\s?"
    rf"(?:万|亿|千|元|块)|\d+(?:\.\d+){{2,}}\s?(?:万|亿|元|[wWkKmM])?)|(?<=[是为:])\s?(?P<only>[A-Za-z]+)"
    r"(?=$|[\s,.;!?。，；！？]))")
_UNREADABLE_EN = rx(
    rf"(?i:\b(?P<word>{_MONEY_EN})(?:\s(?:is|of|around|about|at)|:)?)\s?(?:\$|US\$|¥)?"
    r"(?P<bad>\d+(?:\.\d+){2,}[A-Za-z]*|\d[\d.,]*(?P<letters>[A-Za-z][A-Za-z0-9.,]*))(?![A-Za-z0-9])")
_LATIN_OR_DOTS = rx(r"[A-Za-z0-9](?:(?<=[A-Za-z])|(?<=[0-9])\.[0-9]+\.[0-9])")
_DOTS = rx(r"\d\.\d+\.\d")
_SUSPECT_ZH = rx(r"[A-Za-z是为:\d](?:(?<=[A-Za-z])[.,]?\s?[万亿千元块]|(?<=[是为:])\s?[A-Za-z]|(?<=\d)\.\d+\.\d)")
_SUSPECT_EN = rx(r"\d[\d.,]*(?!(?:[kKmMwWxX]|bn|mn|pm|am|st|nd|rd|th)(?![A-Za-z]))(?P<letters>[A-Za-z][A-Za-z0-9.,]*)")
_UNIT_WORDS = rx(rf"(?:{_MULT}|{_CUR})$|(?i:x|st|nd|rd|th|pm|am|[a-z]*s)$")


def _unreadable(text: str, found: list[AmountMention]) -> list[tuple[int, int, str]]:
    """(start, end, money word) of what looks like an amount after a money word but was not read as one."""
    bad: list[tuple[int, int, str]] = []
    patterns = [_UNREADABLE_ZH] if not text.isascii() and _SUSPECT_ZH.search(text) is not None else []
    if _DOTS.search(text) is not None or any(not _UNIT_WORDS.match(m.group("letters"))
                                             for m in _SUSPECT_EN.finditer(text)):
        patterns.append(_UNREADABLE_EN)
    for pattern in patterns:
        for m in pattern.finditer(text):
            group = "bad" if m.group("bad") else "only"
            start, end = m.span(group)
            while text[end - 1] in ".,":
                end -= 1  # "budget 12abc, demo": the comma ends the clause
            letters = m.groupdict().get("letters")
            if letters and _UNIT_WORDS.match(letters):
                continue  # 50k, 3pm, 5users: a unit or a measure, not garbage
            if any(f.amount is not None and f.start < end and start < f.end for f in found):
                continue  # 报价RMB5万: read
            bad.append((start, end, m.group("word")))
    return bad


def _has_money_word(text: str) -> bool:
    """`_MONEY_WORD.search(text) is not None`, without its slow case-insensitive \\b half where it cannot match."""
    if _MONEY_ZH_RE.search(text) is not None:
        return True
    if _LATIN_RE.search(text) is None:
        return False
    lower = text.lower() if text.isascii() else text.translate(_ASCII_LOWER)
    pos = 0
    while (m := _MONEY_EN_RE.search(lower, pos)) is not None:
        if m.start() == 0 or lower[m.start() - 1] not in _WORD_CHARS:
            return True
        pos = m.start() + 1
    return False


def parse_amount(text: str, default_currency: str | None = None) -> tuple[Decimal, str] | None:
    """One amount typed as a command argument ("36.8万", "$75k", "一百二十万").

    Returns None when the text has nothing amount-like at all; raises AmountNotUnderstood
    (a DomainError with zh/en text and `.code`) for "abc万", "1.2.3万" or a unit-less "60".
    """
    raw = text.strip()
    if not raw:
        return None
    core = _HEDGE.sub("", fold(raw)).strip()
    m = AMOUNT_RE.fullmatch(core)
    reading = _read(m) if m else None
    if m is None or reading is None:
        if _AMOUNTISH.search(core):
            raise AmountNotUnderstood(problem("amount_invalid", text=raw))
        return None
    if m.group("fuzz") or m.group("fuzz2"):
        raise AmountNotUnderstood(problem("amount_vague", text=raw))
    if not reading.has_unit and reading.value < 1000:
        raise AmountNotUnderstood(problem("amount_unit_missing", text=raw))
    if reading.value >= _PLAUSIBLE[1]:
        raise AmountNotUnderstood(problem("amount_invalid", text=raw))
    return reading.value, reading.currency or default_currency or CNY
