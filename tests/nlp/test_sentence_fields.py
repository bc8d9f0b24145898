"""Dates, amounts, company boundaries, phones and deal refs inside sentences (issue 10): what cannot be
read is asked back, ordinals are no dates, names keep their function words. Variants of the gold lines,
so that the rules, not the examples, are tested. NOW is Tuesday 2026-11-24 10:00 +08:00."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from bot.nlp import Parser
from tests.nlp.conftest import NOW


def _fields(parser: Parser, text: str) -> dict[str, Any]:
    return {k: v for k, v in parser.parse(text, NOW).to_json().items() if v is not None}


@pytest.mark.parametrize("text", ["下周八见面", "下礼拜九再约", "下个星期零开会", "星期八见面", "周八下午见"])
def test_a_weekday_that_does_not_exist_is_asked_back_not_dated(parser: Parser, text: str) -> None:
    result = parser.parse(text, NOW)
    assert result.next_at is None
    assert "date_unreadable" in result.problem_codes()
    assert not result.writable


@pytest.mark.parametrize(("text", "expected"), [
    ("下周8点开会", "2026-11-30T08:00:00+08:00"),  # an hour after 下周, not a ninth weekday
    ("下周十点开会", "2026-11-30T10:00:00+08:00"),
])
def test_an_hour_right_after_next_week_is_still_a_time(parser: Parser, text: str, expected: str) -> None:
    assert _fields(parser, text)["next_at"] == expected


@pytest.mark.parametrize("text", [
    "拜访了明途，预算 一百多万", "#12 报价200多万", "客户预算十几万", "#12 报价3万多，客户嫌贵", "预算大概一百来万"])
def test_a_vague_amount_is_not_recorded_and_asked_back(parser: Parser, text: str) -> None:
    result = parser.parse(text, NOW)
    assert result.amount is None and result.currency is None
    assert "amount_vague" in result.problem_codes()
    assert not result.writable


def test_a_hedged_but_exact_amount_is_still_recorded(parser: Parser) -> None:
    result = parser.parse("#12 预算100万左右", NOW)
    assert (result.amount, result.currency) == (Decimal(1_000_000), "CNY")


@pytest.mark.parametrize(("text", "amount", "currency"), [
    ("#38 报价 3万刀", 30000, "USD"), ("#12 报价 5千刀", 5000, "USD"), ("#12 报价800刀", 800, "USD")])
def test_dao_after_a_number_means_dollars(parser: Parser, text: str, amount: int, currency: str) -> None:
    result = parser.parse(text, NOW)
    assert (result.amount, result.currency) == (Decimal(amount), currency)


def test_a_knife_is_no_money(parser: Parser) -> None:
    assert parser.parse("价格又被砍了一刀", NOW).amount is None


@pytest.mark.parametrize("text", [
    "#72 sent the 2nd draft of the MSA", "#18 received the 2nd installment, $25k",
    "#33 delivered the 1st batch of servers", "#33 3rd round done"])
def test_an_ordinal_before_a_noun_is_no_date(parser: Parser, text: str) -> None:
    assert parser.parse(text, NOW).next_at is None


@pytest.mark.parametrize(("text", "expected"), [
    ("#33 we meet on the 3rd at 10am", "2026-12-03T10:00:00+08:00"),
    ("next step: workshop on Dec 8", "2026-12-08"),
    ("Met Dr. Sun Wei of Lakeview Data Co., Ltd., next step: workshop on Dec 8", "2026-12-08"),
    ("lunch with Mr. Sun on Fri", "2026-11-27"),
    ("Sat Dec 12 workshop", "2026-12-12"),
    ("跟进 #46 周例会 下次 12/15 15:30", "2026-12-15T15:30:00+08:00"),
    ("#9 next call 12/18 10:00", "2026-12-18T10:00:00+08:00"),
])
def test_month_names_and_month_day_with_a_time_are_dates(parser: Parser, text: str, expected: str) -> None:
    assert _fields(parser, text)["next_at"] == expected


def test_a_surname_sun_is_no_sunday(parser: Parser) -> None:
    assert parser.parse("Met Dr. Sun Wei today", NOW).next_at is None


def test_a_bare_fraction_is_no_date(parser: Parser) -> None:
    assert parser.parse("比例 3/4 左右", NOW).next_at is None


@pytest.mark.parametrize(("text", "number"), [
    ("#70 K8s迁移方案已评审通过", 70), ("#15 H5页面改版", 15), ("#17 5G专网已立项", 17), ("#16 k8s集群扩容", 16)])
def test_a_deal_ref_before_a_latin_product_name(parser: Parser, text: str, number: int) -> None:
    result = parser.parse(text, NOW)
    assert result.opportunity == number
    assert result.amount is None


def test_a_deal_ref_before_thousands_is_still_no_ref() -> None:
    from bot.nlp.refs import find_refs
    assert [f.value for f in find_refs("预算 #5k") if f.label == "OPP"] == []


@pytest.mark.parametrize(("text", "company"), [
    ("本周五下午4点约了苏州同元软控信息技术有限公司的钱工", "苏州同元软控信息技术有限公司"),
    ("约了无锡同方威视有限公司的刘工", "无锡同方威视有限公司"),
    ("下星期四和江苏润和软件股份有限公司的钟经理过技术方案", "江苏润和软件股份有限公司"),
    ("提醒我明天下午3点给佳都科技集团股份有限公司发报价", "佳都科技集团股份有限公司"),
    ("拜访了上海和辉光电股份有限公司的李总", "上海和辉光电股份有限公司"),
    ("我们和华为技术有限公司的张总开会", "华为技术有限公司"),
    ("明途科技何总说下周三给答复", "明途科技"),
    ("杭州海康威视数字技术股份有限公司李总说下周给答复", "杭州海康威视数字技术股份有限公司"),
])
def test_company_names_keep_their_function_words_and_stop_at_the_verb(parser: Parser, text: str,
                                                                     company: str) -> None:
    assert parser.parse(text, NOW).company == company


def test_an_industry_word_before_a_person_is_no_company(parser: Parser) -> None:
    assert parser.parse("今天数据科技王总来电", NOW).company is None


def test_our_engineer_joined_by_and_does_not_join_the_company(parser: Parser) -> None:
    assert parser.parse("带王工和元软控有限公司的人开会", NOW).company == "元软控有限公司"


@pytest.mark.parametrize(("text", "digits"), [
    ("新客戶：台北宏碁資訊股份有限公司，聯絡人林經理，電話 0912-345-678", "0912345678"),
    ("電話 0933 123 456", "0933123456"),
])
def test_taiwan_mobiles_are_phones(parser: Parser, text: str, digits: str) -> None:
    phone = parser.parse(text, NOW).phone
    assert phone is not None and "".join(ch for ch in phone if ch.isdigit()) == digits


def test_xieli_is_a_title(parser: Parser) -> None:
    assert parser.parse("明天下午兩點半和鴻海精密工業股份有限公司的張協理開會", NOW).contact in ("張協理", "张协理")


@pytest.mark.parametrize(("text", "next_at"), [("老周八号来", "2026-12-08"), ("每周八小时", None)])
def test_zhou_before_a_numeral_that_is_no_weekday_is_left_alone(parser: Parser, text: str,
                                                                  next_at: str | None) -> None:
    result = parser.parse(text, NOW)
    assert "date_unreadable" not in result.problem_codes()
    assert _fields(parser, text).get("next_at") == next_at


@pytest.mark.parametrize("written", ["一百多万", "3万余元", "20来万"])
def test_a_vague_amount_typed_as_a_command_argument_is_refused(written: str) -> None:
    from bot.nlp.amounts import parse_amount
    from bot.nlp.problems import AmountNotUnderstood
    with pytest.raises(AmountNotUnderstood) as caught:
        parse_amount(written)
    assert caught.value.code == "amount_vague"
