"""Names and amounts in command arguments: where a company ends, who a person is, what is an amount."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from bot.args import Args
from bot.errors import UsageError
from bot.handlers.names import company_end, is_person, leading_quoted, split_person, unquote
from bot.i18n import Text
from domain.money import CNY, Money

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def args(text: str) -> Args:
    return Args(text, Text("用法", "usage"), NOW)


@pytest.mark.parametrize(("text", "end"), [
    ("Shanghai Zenith Robotics Co., Ltd. MES phase 2", "Shanghai Zenith Robotics Co., Ltd."),
    ("Acme Inc. ERP", "Acme Inc."), ("Globex Corporation Ms Li", "Globex Corporation"),
    ("Hooli LLC CRM", "Hooli LLC"), ("杭州明途信息技术有限公司 何总", "杭州明途信息技术有限公司"),
    ("Acme Data Systems ERP", None), ("Acme Inc.", None), ("明途 银行系统改造", None),
])
def test_a_company_ends_at_its_legal_form(text: str, end: str | None) -> None:
    found = company_end(text)
    assert (text[:found] if found is not None else None) == end


@pytest.mark.parametrize(("text", "person"), [
    ("Mr He", True), ("Dr. Sarah O'Neil", True), ("何总", True), ("王小明经理", True),
    ("Shanghai Branch", False), ("MES phase 2", False), ("运维服务", False),
])
def test_who_is_a_person(text: str, person: bool) -> None:
    assert is_person(text) is person


def test_a_person_after_the_company_is_split_off() -> None:
    assert split_person("Shanghai Zenith Robotics Co., Ltd. Mr He") == ("Shanghai Zenith Robotics Co., Ltd.", "Mr He")
    assert split_person("Bank of China Ltd Shanghai Branch") == ("Bank of China Ltd Shanghai Branch", "")


def test_quotes() -> None:
    assert leading_quoted('"Acme Data Systems" ERP rollout') == ("Acme Data Systems", "ERP rollout")
    assert leading_quoted("「明途」 二期") == ("明途", "二期")
    assert leading_quoted("Acme ERP") is None
    assert unquote("“明途信息”") == "明途信息" and unquote("明途") == "明途"


@pytest.mark.parametrize(("text", "contact", "rest"), [
    ("Zenith Ltd contact Mr He phone 138", "Mr He", "Zenith Ltd"),
    ("Zenith Ltd contact Dr. Sarah O'Neil", "Dr. Sarah O'Neil", "Zenith Ltd"),
    ("Zenith Ltd contact Mark Chen Phone 138", "Mark Chen", "Zenith Ltd"),
    ("明途 联系人 何总 电话 138", "何总", "明途"),
])
def test_a_contact_option_takes_the_whole_name(text: str, contact: str, rest: str) -> None:
    a = args(text)
    opts = a.options({"contact": "contact", "联系人": "contact", "phone": "phone", "电话": "phone"})
    assert opts["contact"] == contact and a.rest() == rest


@pytest.mark.parametrize(("text", "amount", "rest"), [
    ("明途 明途二期运维 金额 80万", Money(Decimal(800000), CNY), "明途 明途二期运维"),
    ("明途 二期 预算:50万", Money(Decimal(500000), CNY), "明途 二期"),
    ("Acme MES phase 2 amount 800k", Money(Decimal(800000), CNY), "Acme MES phase 2"),
    ("Acme CRM 2026", None, "Acme CRM 2026"),
    ("Acme ERP v 3", None, "Acme ERP v 3"),
])
def test_optional_amounts_leave_names_alone(text: str, amount: Money | None, rest: str) -> None:
    a = args(text)
    assert a.amount(required=False) == amount and a.rest() == rest


def test_an_unreadable_amount_is_refused() -> None:
    with pytest.raises(UsageError):
        args("明途 MES abc万").amount(required=False)
    with pytest.raises(UsageError):
        args("#3 50").amount()


@pytest.mark.parametrize("text", ["明途 MES 预算60", "明途 MES 金额 60", "Acme ERP amount 2"])
def test_a_labelled_bare_number_is_an_amount_to_ask_about(text: str) -> None:
    with pytest.raises(UsageError):
        args(text).amount(required=False)
