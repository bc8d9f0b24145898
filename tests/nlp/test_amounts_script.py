"""Issue #10: Chinese grouping, one currency rule, unreadable amounts reported, traditional Chinese read."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.nlp import Parser, parse_amount
from bot.nlp.amounts import find_amounts
from bot.nlp.text import GB2312_TRADITIONAL, fold, may_be_traditional, simplified
from tests.nlp.conftest import NOW


@pytest.mark.parametrize(("text", "value"), [
    ("￥5,0000", 50000), ("5,0000元", 50000), ("12,3456元", 123456), ("1,2345,6789元", 123456789),
    ("¥2,480,000", 2480000), ("80,000元", 80000), ("RMB5万", 50000),
])
def test_grouping_in_threes_or_fours(text: str, value: int) -> None:
    assert parse_amount(text) == (Decimal(value), "CNY")
    (found,) = find_amounts(fold(f"报价{text}"))
    assert found.amount == Decimal(value)


@pytest.mark.parametrize(("text", "currency"), [
    ("800k", "CNY"), ("1.2M", "CNY"), ("$800k", "USD"), ("US$1.2M", "USD"), ("USD 5万", "USD"), ("20万美元", "USD"),
    ("3万美金", "USD"), ("50k dollars", "USD"), ("RMB 800k", "CNY"),
])
def test_one_currency_rule_for_commands_and_free_text(parser: Parser, text: str, currency: str) -> None:
    typed = parse_amount(text)
    assert typed is not None and typed[1] == currency
    for sentence in (f"#3 budget {text}", f"#3 预算{text}"):
        result = parser.parse(sentence, NOW)
        assert (result.amount, result.currency) == (typed[0], currency), sentence


@pytest.mark.parametrize(("text", "bad"), [
    ("今天拜访了明途的周总，预算abc万，下周三见", "abc万"), ("预算8O万", "8O万"), ("预算1.2.3万", "1.2.3万"),
    ("#3 金额是abc", "abc"), ("#3 budget 12abc, demo next week", "12abc"), ("#3 budget 1.2.3M", "1.2.3M"),
    ("預算abc萬，下週二見", "abc萬"),
])
def test_an_amount_that_cannot_be_read_is_reported_and_blocks_the_write(parser: Parser, text: str, bad: str) -> None:
    result = parser.parse(text, NOW)
    (found,) = [p for p in result.problems if p.code == "amount_unreadable"]
    assert f"「{bad}」" in found.zh and f"'{bad}'" in found.en and "80万" in found.zh and "80万" in found.en
    assert text[found.start or 0 : found.end] == bad
    assert not result.writable


def test_an_unreadable_amount_blocks_even_when_another_amount_was_read(parser: Parser) -> None:
    result = parser.parse("#3 预算abc万，报价90万", NOW)
    assert result.amount == Decimal(900000) and "amount_unreadable" in result.problem_codes()
    assert not result.writable


@pytest.mark.parametrize("text", ["#3 报价PPT发过去了", "#3 budget is tight", "#3 price 2x higher",
                                  "#3 5 users, budget 50k"])
def test_words_after_a_money_word_are_not_unreadable_amounts(parser: Parser, text: str) -> None:
    assert "amount_unreadable" not in parser.parse(text, NOW).problem_codes()


def test_traditional_text_reads_as_simplified_with_the_same_offsets() -> None:
    text = "今天拜訪了華潤的周總，預算８０萬，下週二進入談判階段"
    folded = fold(text)
    assert folded == "今天拜访了华润的周总,预算80万,下周二进入谈判阶段"  # for reading only
    assert len(folded) == len(text) and simplified("乾隆年間") == "乾隆年间"


def test_a_traditional_sentence_parses_like_the_simplified_one_and_keeps_what_was_written(parser: Parser) -> None:
    zh_hant = parser.parse("今天拜訪了華潤的周總，預算80萬，下週二上午10點再聊", NOW, ["华润"])
    zh_hans = parser.parse("今天拜访了华润的周总，预算80万，下周二上午10点再聊", NOW, ["华润"])
    fields = ("intent", "company", "amount", "currency", "next_at")
    assert [getattr(zh_hant, f) for f in fields] == [getattr(zh_hans, f) for f in fields]
    assert zh_hant.company == "华润" and zh_hant.contact == "周總"  # the known name; the contact as written


def test_a_customer_stored_in_traditional_is_found_in_either_script(parser: Parser) -> None:
    for text in ("#3 華潤萬家 预算80万", "#3 华润万家 预算80万"):
        assert parser.parse(text, NOW, ["華潤萬家"]).company == "華潤萬家"


def test_the_gb2312_shortcut_misses_no_character_that_opencc_converts() -> None:
    gb2312 = [ch for code in range(0xB0A1, 0xF7FF) if (ch := _gb2312(code))]
    changed = [ch for ch, out in zip(gb2312, simplified("\n".join(gb2312)).split("\n"), strict=True) if ch != out]
    assert "".join(changed) == GB2312_TRADITIONAL
    assert not may_be_traditional("今天拜访了华润的周总，预算80万") and may_be_traditional("後天見")
    assert may_be_traditional("下週二") and may_be_traditional("預算¥80萬")
    assert simplified("¥") == "¥" and simplified("報價¥80萬") == "报价¥80万"  # ¥ is no traditional character
    assert not may_be_traditional("预算¥2,480,000") and may_be_traditional("¥80萬") and may_be_traditional("¥後天")


def _gb2312(code: int) -> str:
    try:
        return bytes([code >> 8, code & 0xFF]).decode("gb2312")
    except UnicodeDecodeError:
        return ""
