"""Who the customer's contact is (not our own staff), and what a sentence about people or after-sale
money means: contact news is a follow-up, a question about an invoice is a query, a rival won is lost."""

from __future__ import annotations

import pytest

from bot.nlp import Parser
from tests.nlp.conftest import NOW


@pytest.mark.parametrize(("text", "contact"), [
    ("下午带上王工去拜访华为的李总", "李总"),
    ("明天带着小李去见客户", None),
    ("我司张工明天去客户机房排查", None),
    ("我们的刘经理下周去客户现场", None),
    ("明天带上李工和王工去现场调试", None),
    ("和我们老板一起拜访了腾讯的马总", "马总"),
    ("明天带客户的张总参观展厅", "张总"),
    ("同事陈工说服务器到货了", None),
    ("黄子涵（信息中心主任）电话13811112222", "黄子涵"),
    ("李明(IT经理)手机 13811112222", "李明"),
    ("张总表示很满意", "张总"),
    ("明天和鴻海的張協理開會", "張協理"),
    ("Lily说下周签合同", "Lily"),
    ("Tom的邮箱是 tom@abc.com", "Tom"),
    ("Had a call with Mr. Park Ji-sung today", "Mr. Park Ji-sung"),
])
def test_the_contact_is_the_customers_person(parser: Parser, text: str, contact: str | None) -> None:
    assert parser.parse(text, NOW).contact == contact


@pytest.mark.parametrize(("text", "intent", "stage"), [
    ("刘工的邮箱是 liu@abc.com", "follow_up", None),
    ("王经理的手机换了 13912345678", "follow_up", None),
    ("李总说他们要再评估一下", "follow_up", None),
    ("David Chen's mobile is 13811112222", "follow_up", None),
    ("Ms Wang's email changed to wang@abc.com", "follow_up", None),
    ("苏州某某科技有限公司 王经理 13566667777", "follow_up", None),
    ("#33 发票寄出了吗", "query", None),
    ("#33 尾款收到了吗", "query", None),
    ("#33 回款进度怎么样？", "query", None),
    ("#33 还有多少余款没付", "query", None),
    ("#34 客户最终决定采用华为的方案", "stage_change", "lost"),
    ("#34 客户选了友商", "stage_change", "lost"),
    ("#35 中标单位是浪潮，我们没中", "stage_change", "lost"),
    ("#35 中标了", "stage_change", "won"),
    ("#36 进入proposal阶段", "stage_change", "proposal"),
    ("#40 尾款30万已到帳", "payment", None),
])
def test_sentence_intents(parser: Parser, text: str, intent: str, stage: str | None) -> None:
    result = parser.parse(text, NOW)
    assert (result.intent, result.stage) == (intent, stage)


def test_a_title_before_a_name_is_not_a_day(parser: Parser) -> None:
    result = parser.parse("Met Dr. Sun Li today, demo on Dec 8", NOW)
    assert result.contact == "Dr. Sun Li"
    assert result.next_at is not None and result.next_at.isoformat().startswith("2026-12-08")
