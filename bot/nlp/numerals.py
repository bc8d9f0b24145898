"""Chinese numerals: 一百二十万, 六百五十万, 十二万五, 三点五, 两百五, 壹拾万 (financial forms)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

DIGITS = {
    "零": 0, "〇": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "俩": 2, "三": 3, "叁": 3,
    "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8,
    "九": 9, "玖": 9,
}
UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
BIG = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}
CN_CHARS = "".join(DIGITS) + "".join(UNITS) + "".join(BIG)


def cn_to_int(text: str) -> int | None:
    """Integer value of a Chinese numeral, or None if `text` is not one.

    A trailing digit right after a unit is the colloquial short form: 一万五 = 15000, 两百五 = 250.
    Plain digit strings (二〇二六) read digit by digit.
    """
    if not text or any(ch not in CN_CHARS for ch in text):
        return None
    if all(ch in DIGITS for ch in text):
        return int("".join(str(DIGITS[ch]) for ch in text))
    high = mid = section = 0
    digit: int | None = None
    last_unit = 1
    for ch in text:
        if ch in DIGITS:
            if digit is not None and digit != 0:
                return None  # 二三 inside a numeral with units is not a number
            digit = DIGITS[ch]
            continue
        value = digit if digit is not None else 0
        if ch in UNITS:
            section += (value or 1) * UNITS[ch]
            last_unit = UNITS[ch]
        elif BIG[ch] == 10**4:
            mid += ((section + value) or 1) * 10**4
            section, last_unit = 0, 10**4
        else:
            high += ((mid + section + value) or 1) * 10**8
            mid = section = 0
            last_unit = 10**8
        digit = None
    tail = 0
    if digit is not None:
        prev = text[-2] if len(text) > 1 else ""
        short_form = prev in UNITS or prev in BIG
        tail = digit * (last_unit // 10) if short_form and last_unit >= 10 else digit
    return high + mid + section + tail


def cn_to_decimal(text: str) -> Decimal | None:
    """三点五 -> 3.5; 一百二十 -> 120; digits after 点 read one by one."""
    whole, sep, frac = text.partition("点")
    base = cn_to_int(whole)
    if base is None:
        return None
    if not sep:
        return Decimal(base)
    if not frac or any(ch not in DIGITS for ch in frac):
        return None
    return Decimal(f"{base}.{''.join(str(DIGITS[ch]) for ch in frac)}")


def small_number(text: str) -> int | None:
    """Day counts and clock hours written either way: 3, 03, 三, 十二, 两."""
    if text.isdigit():
        return int(text)
    if text == "半":
        return None
    return cn_to_int(text)


def to_decimal(text: str) -> Decimal | None:
    """Arabic number with optional thousands separators: 2,480,000 / 36.8."""
    cleaned = text.replace(",", "").replace(" ", "")
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        return None
