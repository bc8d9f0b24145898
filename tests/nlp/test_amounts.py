"""Money: every written form becomes currency units; numbers that are not money never do."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.nlp import AmountNotUnderstood, Parser, parse_amount
from bot.nlp.amounts import find_amounts
from bot.nlp.numerals import cn_to_decimal, cn_to_int
from domain.errors import DomainError
from tests.nlp.conftest import NOW


@pytest.mark.parametrize(("written", "amount", "currency"), [
    ("80万", "800000", "CNY"),
    ("12.5万元", "125000", "CNY"),
    ("8w", "80000", "CNY"),
    ("40W", "400000", "CNY"),
    ("¥2,480,000", "2480000", "CNY"),
    ("￥2,480,000", "2480000", "CNY"),
    ("一百二十万", "1200000", "CNY"),
    ("六百五十万", "6500000", "CNY"),
    ("一百零五万", "1050000", "CNY"),
    ("十二万五", "125000", "CNY"),
    ("12万5", "125000", "CNY"),
    ("三点五亿", "350000000", "CNY"),
    ("3.5亿", "350000000", "CNY"),
    ("3千万", "30000000", "CNY"),
    ("1.2亿元", "120000000", "CNY"),
    ("两百万", "2000000", "CNY"),
    ("壹拾万元", "100000", "CNY"),
    ("80万元人民币", "800000", "CNY"),
    ("人民币80万", "800000", "CNY"),
    ("$75k", "75000", "USD"),
    ("$200,000", "200000", "USD"),
    ("$1.2m", "1200000", "USD"),
    ("4.2 million RMB", "4200000", "CNY"),
    ("2.6M CNY", "2600000", "CNY"),
    ("450k RMB", "450000", "CNY"),
    ("USD 48,500", "48500", "USD"),
    ("5万美元", "50000", "USD"),
    ("1.5 million dollars", "1500000", "USD"),
    ("约80万", "800000", "CNY"),
    ("80万左右", "800000", "CNY"),
    ("380000", "380000", "CNY"),
    ("８０万", "800000", "CNY"),
    ("1.2个亿", "120000000", "CNY"),
    ("5个亿", "500000000", "CNY"),
])
def test_parse_amount_reads_every_written_form(written: str, amount: str, currency: str) -> None:
    assert parse_amount(written) == (Decimal(amount), currency)


def test_parse_amount_uses_the_default_currency_only_when_none_is_written() -> None:
    assert parse_amount("90k", default_currency="USD") == (Decimal(90000), "USD")
    assert parse_amount("90k") == (Decimal(90000), "CNY")
    assert parse_amount("$90k", default_currency="CNY") == (Decimal(90000), "USD")


@pytest.mark.parametrize(("written", "code"), [
    ("abc万", "amount_invalid"),
    ("1.2.3万", "amount_invalid"),
    ("万", "amount_invalid"),
    ("-5万", "amount_invalid"),
    ("60", "amount_unit_missing"),
    ("12.5", "amount_unit_missing"),
    ("99999999999999万", "amount_invalid"),
])
def test_parse_amount_rejects_malformed_or_ambiguous_amounts_with_a_clear_problem(written: str, code: str) -> None:
    with pytest.raises(AmountNotUnderstood) as caught:
        parse_amount(written)
    assert caught.value.code == code
    assert isinstance(caught.value, DomainError)
    assert written in caught.value.message("zh") and written in caught.value.message("en")


@pytest.mark.parametrize("written", ["", "   ", "hello", "明天"])
def test_parse_amount_returns_none_for_text_that_is_not_an_amount(written: str) -> None:
    assert parse_amount(written) is None


@pytest.mark.parametrize("text", [
    "3个人明天过去", "3天后出方案", "2026年的框架合同", "电话13600001111", "#9 跟进", "下午3点半开会",
    "打八折", "提升30%", "100台设备", "5k users signed up", "两年维保", "一起去", "十万火急", "万一客户不签",
    "千万别忘了", "有两点要求", "报价低一点", "第3期", "v2.0 上线",
])
def test_numbers_that_are_not_money_are_never_amounts(text: str) -> None:
    assert [m for m in find_amounts(text) if m.amount is not None] == []


def test_a_bare_number_after_a_money_word_is_reported_not_guessed(parser: Parser) -> None:
    result = parser.parse("预算60", NOW)
    assert result.amount is None
    assert "amount_unit_missing" in result.problem_codes()
    assert not result.writable


def test_a_large_bare_number_after_a_money_word_is_taken_in_yuan(parser: Parser) -> None:
    result = parser.parse("#5 报价 380000", NOW)
    assert (result.amount, result.currency) == (Decimal(380000), "CNY")


def test_english_amount_without_currency_is_yuan_as_in_the_commands_and_says_so(parser: Parser) -> None:
    result = parser.parse("#5 budget around 90k", NOW)
    assert (result.amount, result.currency) == (Decimal(90000), "CNY")
    assert parse_amount("90k") == (Decimal(90000), "CNY")  # `lead add ... 90k`: the same rule
    assert "currency_assumed" in result.problem_codes()


def test_a_range_takes_the_lower_bound_with_a_warning(parser: Parser) -> None:
    result = parser.parse("预算80-100万", NOW)
    assert result.amount == Decimal(800000)
    assert "amount_range" in result.problem_codes()


def test_the_new_value_of_a_change_wins_over_the_old_one(parser: Parser) -> None:
    assert parser.parse("#26 报价从45万调整为42万", NOW).amount == Decimal(420000)


def test_a_difference_is_not_the_amount(parser: Parser) -> None:
    assert parser.parse("#27 优惠了3万，最终报价39万", NOW).amount == Decimal(390000)


def test_payment_messages_take_the_payment_amount_not_the_remainder(parser: Parser) -> None:
    result = parser.parse("#48 回款80万，还剩20万尾款", NOW)
    assert (result.intent, result.amount) == ("payment", Decimal(800000))


@pytest.mark.parametrize(("written", "value"), [
    ("一", 1), ("十", 10), ("十五", 15), ("二十", 20), ("一百零五", 105), ("两百五", 250), ("三千五", 3500),
    ("一万五", 15000), ("十二万五", 125000), ("一千二百万", 12000000), ("三亿五千万", 350000000), ("一亿五", 150000000),
    ("二〇二六", 2026),
])
def test_chinese_numerals(written: str, value: int) -> None:
    assert cn_to_int(written) == value


def test_chinese_decimal_numerals() -> None:
    assert cn_to_decimal("三点五") == Decimal("3.5")
    assert cn_to_decimal("十二点零五") == Decimal("12.05")
    assert cn_to_decimal("点五") is None
    assert cn_to_int("abc") is None
