"""Contact matching at capture (bot.capture.contacts): surname + title, colleagues, contact-only sentences."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.capture.contact_update import is_contact_update, title_in
from bot.capture.contacts import is_colleague, matching, split_contact
from bot.context import Context, Directory
from bot.nlp import Evidence, ParseResult
from domain.customer import Contact
from domain.people import Rep
from tests.fakes.uow import FakeUnitOfWork

HUANG = Contact(customer_id=1, name="黄子涵", title="信息中心主任", id=1)
HE = Contact(customer_id=1, name="何", title="总", id=2)
SONG = Contact(customer_id=1, name="宋建", title="", id=3)
MARK = Contact(customer_id=1, name="Mark Chen", title="COO", id=4)
CONTACTS = [HUANG, HE, SONG, MARK]


@pytest.mark.parametrize(("written", "expected"), [
    ("黄主任", [HUANG]), ("黄子涵", [HUANG]), ("黄子涵信息中心主任", [HUANG]),
    ("何总", [HE]), ("何总经理", [HE]), ("宋建", [SONG]), ("mark chen", [MARK]),
    ("黄总", []), ("王工", []), ("宋经理", []),  # no stored title to match: a new contact
])
def test_matching_by_name_or_surname_and_title(written: str, expected: list[Contact]) -> None:
    assert matching(CONTACTS, written) == expected


def test_split_contact() -> None:
    assert split_contact("黄主任") == ("黄", "主任") and split_contact("Mark Chen") == ("Mark Chen", "")


def context() -> Context:
    reps = (Rep("张伟", id=1), Rep("李娜", id=2))
    return Context(FakeUnitOfWork(), reps[0], datetime(2026, 11, 24, 10, tzinfo=ZoneInfo("Asia/Shanghai")),
                   "console", "c", "b", directory=Directory(reps))


@pytest.mark.parametrize(("written", "text", "ours"), [
    ("王工", "今天拜访了明途，带上王工演示了方案", True),
    ("王工", "和我们的王工一起去了明途", True),
    ("李娜", "和李娜去了明途", True),  # a name in the directory
    ("王工", "今天拜访了明途的王工", False),
    ("何总", "带上方案拜访了明途的何总", False),
])
def test_colleagues_are_recognised(written: str, text: str, ours: bool) -> None:
    assert is_colleague(context(), written, text) is ours


def result(text: str, **fields: str) -> ParseResult:
    spans = tuple(Evidence(kind.upper(), value, 0, 0, value) for kind, value in fields.items())
    return ParseResult(intent="follow_up", spans=spans, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(("text", "fields", "update"), [
    ("何总的电话 13812345678，邮箱 he@mingtu.com", {"contact": "何总", "phone": "13812345678",
                                                "email": "he@mingtu.com"}, True),
    ("何总的手机换了 13812345678", {"contact": "何总", "phone": "13812345678"}, True),
    ("Mark Chen's email is mark@initech.com", {"contact": "Mark Chen", "email": "mark@initech.com"}, True),
    ("今天拜访了何总，电话 13812345678", {"contact": "何总", "phone": "13812345678"}, False),  # a visit
    ("何总说下周给答复", {"contact": "何总"}, False),
])
def test_a_contact_only_sentence(text: str, fields: dict[str, str], update: bool) -> None:
    assert is_contact_update(result(text, **fields), text) is update


def test_a_title_change() -> None:
    assert title_in("黄主任职位改成信息中心副主任") == "信息中心副主任" and title_in("何总的电话 138") == ""
