"""Every refusal says what was not understood and how to write it, in the rep's language, and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.harness import Console, stored_state

VISIT = "今天去苏州拜访了恒瑞智能装备有限公司的周总，预算大概80万，下周三上午10点带方案过去"


async def stored(console: Console) -> dict[str, Any]:
    """Everything a refusal must leave alone: deals (stage, amount, next step, history), notes, reminders."""
    return await stored_state(console, lambda d: (d.id, d.name, d.stage, d.amount, d.next_at, len(d.history),
                                                  d.updated_at))


@pytest.mark.parametrize(("user", "text", "expected"), [
    ("zhangwei", "今天和客户通了电话", ("哪个客户或商机", "可以这样写", "没有记录任何内容")),
    ("chen", "called the client today", ("Could not tell which customer", "Write it like", "Nothing was recorded")),
    # traditional script is read (进入谈判阶段), but 華潤 is no customer: asked which one, nothing written
    ("zhangwei", "華潤項目進入談判階段", ("哪个客户或商机", "商机号（例如 #12）")),
    ("zhangwei", "预算60", ("「60」没有单位", "金额请写成", "没有记录任何内容")),
    ("chen", "budget 60", ("'60' has no unit", "Write amounts like", "Nothing was recorded")),
    ("zhangwei", "恒瑞 2月30日 再约", ("日期「2月30日」不存在", "时间请写成", "没有记录任何内容")),
    ("chen", "Initrode call on Feb 30", ("'Feb 30' is not a real date", "Write dates like", "Nothing was recorded")),
    # a sentence that would be written but for one part that could not be read: the whole write stops
    ("zhangwei", "今天拜访了恒瑞的周总，下周三再约，预算60", ("「60」没有单位", "金额请写成", "没有记录任何内容")),
    ("zhangwei", "今天拜访了恒瑞的周总，13月5日再约", ("「13月5日」不存在", "时间请写成", "没有记录任何内容")),
    ("chen", "Met Mark Chen of Initrode Systems Ltd today, budget 60, follow up next Thursday",
     ("'60' has no unit", "Write amounts like", "Nothing was recorded")),
])
async def test_an_unreadable_sentence_says_what_and_how(console: Console, user: str, text: str,
                                                        expected: tuple[str, ...]) -> None:
    await console.say(VISIT)
    before = await stored(console)
    out = await console.say(text, as_user=user)
    assert all(part in out for part in expected), out
    assert await stored(console) == before


@pytest.mark.parametrize(("user", "text", "expected"), [
    ("zhangwei", "金额是abc", ("没有更正", "看不懂金额「abc」", "金额请写成", "金额是55万")),
    ("zhangwei", "改成2月30日", ("没有更正", "日期「2月30日」不存在", "时间请写成", "改成周三")),
    ("zhangwei", "改成abc", ("没有更正", "看不懂要改成「abc」", "改成周三")),
])
async def test_an_unreadable_correction_names_the_value_although_there_is_a_record(
        console: Console, user: str, text: str, expected: tuple[str, ...]) -> None:
    await console.say(VISIT)
    before = await stored(console)
    out = await console.say(text, as_user=user)
    assert all(part in out for part in expected) and "没有可以更正的记录" not in out, out
    assert await stored(console) == before


@pytest.mark.parametrize(("text", "expected"), [
    ("amount is abc", ("Nothing was corrected", "could not read the amount 'abc'", "Write amounts like")),
    ("change to Feb 30", ("Nothing was corrected", "'Feb 30' is not a real date", "Write dates like")),
])
async def test_an_unreadable_correction_in_english(console: Console, text: str, expected: tuple[str, ...]) -> None:
    await console.say("Met Initrode Systems Ltd's COO Mark Chen today, budget around $90k, follow up next Thursday",
                      as_user="chen")
    before = await stored(console)
    out = await console.say(text, as_user="chen")
    assert all(part.casefold() in out.casefold() for part in expected) and "nothing to correct" not in out, out
    assert await stored(console) == before


@pytest.mark.parametrize(("user", "text", "expected", "absent"), [
    ("zhangwei", "帮助 foo", ("没有「foo」这个命令", "发送「帮助」查看全部命令"), "dealbot 命令"),
    ("zhangwei", "帮助 报加", ("没有「报加」这个命令", "你是不是想查", "报价"), "dealbot 命令"),
    ("chen", "help qoute", ("There is no command 'qoute'", "Did you mean", "quote"), "dealbot commands"),
])
async def test_help_on_an_unknown_topic_says_so(console: Console, user: str, text: str,
                                                expected: tuple[str, ...], absent: str) -> None:
    before = await stored(console)
    out = await console.say(text, as_user=user)
    assert all(part in out for part in expected) and absent not in out, out
    assert await stored(console) == before


async def test_help_on_a_known_command_still_shows_its_usage(console: Console) -> None:
    out = await console.say("帮助 报价")
    assert "用法" in out and "没有「" not in out


async def test_a_stage_a_deal_is_already_at_is_not_a_move(console_with_deal: Console) -> None:
    before = await stored(console_with_deal)
    out = await console_with_deal.say("阶段 #1 初步接触")
    assert "已经在「初步接触」阶段" in out and "不能从" not in out
    assert await stored(console_with_deal) == before


async def test_a_stage_a_deal_is_already_at_in_english(console: Console) -> None:
    await console.say("新客户 深圳海纳科技有限公司 区域 华南", as_user="chen")
    await console.say("新商机 海纳 ERP 50万", as_user="chen")
    before = await stored(console)
    out = await console.say("stage #1 initial", as_user="chen")
    assert "is already at 'Initial contact'" in out and "cannot move" not in out
    assert await stored(console) == before
