"""Deal references, phone numbers and e-mail addresses."""

from __future__ import annotations

import pytest

from bot.nlp.refs import find_refs
from bot.nlp.text import fold


def _values(text: str, label: str) -> list[str]:
    return [f.value for f in find_refs(fold(text)) if f.label == label]


@pytest.mark.parametrize(("text", "number"), [
    ("#9 报价", "9"), ("＃12 赢单", "12"), ("跟进#23，客户还没决定", "23"), ("商机 45 推进到谈判", "45"),
    ("商机#46", "46"), ("deal #7 won", "7"), ("opp no. 8", "8"), ("#22 won!", "22"),
])
def test_deal_references(text: str, number: str) -> None:
    assert _values(text, "OPP") == [number]


@pytest.mark.parametrize("text", ["#5万 预算", "C#开发", "第3期", "邮编#", "deal 50k"])
def test_things_that_are_not_deal_references(text: str) -> None:
    assert _values(text, "OPP") == []


@pytest.mark.parametrize(("text", "digits"), [
    ("电话13600001111", "13600001111"),
    ("手机 136-0000-1111", "13600001111"),
    ("+86 138 0013 8000", "8613800138000"),
    ("0731-84561234", "073184561234"),
    ("(0755)8888-9999转123", "075588889999"),
    ("400-800-8888", "4008008888"),
    ("+1 415-555-0123", "14155550123"),
])
def test_phone_numbers_in_their_usual_spellings(text: str, digits: str) -> None:
    assert _values(text, "PHONE") == [digits]


@pytest.mark.parametrize("text", ["预算1360000", "2026-11-24", "订单号20261124001", "12.5万"])
def test_numbers_that_are_not_phones(text: str) -> None:
    assert _values(text, "PHONE") == []


def test_email_next_to_chinese_text() -> None:
    assert _values("邮箱contact@xingcheng-soft.cn电话", "EMAIL") == ["contact@xingcheng-soft.cn"]
    assert _values("mail: li.ming+sales@example.com.cn.", "EMAIL") == ["li.ming+sales@example.com.cn"]
