"""A customer who chose another vendor, and a quote that is only planned."""

from __future__ import annotations

import pytest

from bot.nlp.rivals import quote_planned, rival_chosen


@pytest.mark.parametrize(("text", "rival"), [
    ("#12 客户选了华为", "华为"), ("客户最后选择了海康的方案", "海康"), ("客户最终选定了用友", "用友"),
    ("客户转投了金蝶", "金蝶"), ("项目给了东软", "东软"), ("单子被金蝶抢走了", "金蝶"),
    ("the customer went with Siemens", "Siemens"), ("they picked Salesforce over us", "Salesforce"),
    ("the deal was awarded to IBM", "IBM"), ("the client signed with Accenture", "Accenture"),
    ("客户最后选了SAP", "SAP"), ("客户决定用中软国际", "中软国际"), ("客户最终决定采用浪潮的方案", "浪潮"),
    ("中标的是神州数码，我们没中", "神州数码"), ("中标单位是东华软件", "东华软件"),
])
def test_a_rival_chosen_is_named(text: str, rival: str) -> None:
    assert rival_chosen(text) == rival


@pytest.mark.parametrize("text", [
    "客户选了我们的方案", "客户选了方案B", "客户选了A方案", "客户选了标准版", "客户选了周五开会", "客户签了合同",
    "客户可能选华为", "客户还没选定了供应商", "the customer chose our proposal", "we chose Oracle as the database",
    "they might go with Oracle", "项目给了我们", "客户选了二期再做", "the customer selected Tuesday for the demo",
    "they went with Enterprise edition", "客户决定用我们的方案", "客户决定用下个月再说", "中标的是我们",
])
def test_no_rival(text: str) -> None:
    assert rival_chosen(text) is None


def _planned(text: str, word: str) -> bool:
    start = text.index(word)
    return quote_planned(text, start, start + len(word))


@pytest.mark.parametrize(("text", "word", "planned"), [
    ("#3 下周一之前出报价 50万", "报价", True), ("#3 周五前给客户报价80万", "报价", True),
    ("#3 报价单12月1日前发出，60万", "报价", True), ("#3 3天内出报价", "报价", True),
    ("#3 需要尽快报价，预计30万", "报价", True), ("#3 quote due next Monday, around 500k", "quote", True),
    ("#3 we need to send the quote of $500k by Friday", "quote", True),
    ("#3 报价45万，周三前客户确认", "报价", False), ("#3 目前报价50万", "报价", False),
    ("#3 之前报价50万，现在降到45万", "报价", False), ("#3 客户要的报价是50万", "报价", False),
    ("#3 quoted $500k today, they will reply by Friday", "quoted", False),
])
def test_a_quote_with_a_deadline_is_planned(text: str, word: str, planned: bool) -> None:
    assert _planned(text, word) is planned
