"""Dates and times through the console, on SQLite and PostgreSQL: the command form, free text and
corrections read a date the same way, keep the time of day, and store it on the deal and its reminder.
The clock is Tuesday 24 Nov 2026 10:00 Asia/Shanghai (tests/e2e/conftest.py)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.conftest import NOW, SHANGHAI
from tests.e2e.harness import USERS, Console, start_console

ZHANG = 2  # 张伟's rep id in the harness's [[users]] order


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def console(console_with_deal: Console) -> Console:
    return console_with_deal


async def stored(console: Console) -> tuple[datetime | None, str, list[datetime]]:
    """Deal #1's next step time and text, and the due times of 张伟's pending reminders."""
    async with console.app.uow_factory() as uow:
        (deal,) = await uow.opportunities.list()
        reminders = await uow.reminders.pending_for(ZHANG)
    return deal.next_at, deal.next_step, [r.due_at for r in reminders]


@pytest.mark.parametrize(("command", "due", "step"), [
    ("跟进 #1 电话沟通 下次 明天 下午3点 发报价", at(11, 25, 15), "发报价"),
    ("跟进 #1 电话沟通 下次 明天下午3点 发报价", at(11, 25, 15), "发报价"),
    ("follow #1 call next 2026-12-10 10:00 demo", at(12, 10, 10), "demo"),
    ("跟进 #1 电话 下次 下礼拜三 3点 上门", at(12, 2, 15), "上门"),
    ("跟进 #1 电话 下次 下周二 下午 演示", at(12, 1, 14), "演示"),
    ("跟进 #1 电话 下次 下禮拜三 上午10点半 演示", at(12, 2, 10, 30), "演示"),
    ("跟进 #1 电话 下次 下下周三 演示", at(12, 9, 9), "演示"),
    ("follow #1 call next Friday 3pm demo", at(12, 4, 15), "demo"),
    ("跟进 #1 电话 下次 下午3点 回电", at(11, 24, 15), "回电"),
    ("follow #1 call next 3pm call back", at(11, 24, 15), "call back"),
])
async def test_the_command_form_keeps_the_time_of_day(console: Console, command: str, due: datetime,
                                                      step: str) -> None:
    out = await console.say(command)
    assert "已记录跟进" in out
    assert await stored(console) == (due, step, [due])


async def test_the_command_echo_writes_the_date_out(console: Console) -> None:
    out = await console.say("跟进 #1 电话沟通 下次 下周三 15:00 发报价")
    assert "2026年12月2日(下周三) 15:00" in out


async def test_an_impossible_date_in_the_command_changes_nothing(console: Console) -> None:
    out = await console.say("跟进 #1 电话沟通 下次 2月30日 发报价")
    assert "无效" in out
    assert await stored(console) == (None, "", [])


@pytest.mark.parametrize(("text", "due"), [
    ("#1 下礼拜三去拜访何总 3点", at(12, 2, 15)),
    ("#1 下周二下午去演示", at(12, 1, 14)),
    ("#1 下週二 下午去演示", at(12, 1, 14)),
    ("#1 下禮拜三上午10点半去拜访", at(12, 2, 10, 30)),
])
async def test_free_text_keeps_the_time_of_day(console: Console, text: str, due: datetime) -> None:
    await console.say(text)
    next_at, _, reminders = await stored(console)
    assert (next_at, reminders) == (due, [due])


async def test_next_friday_is_the_same_day_in_a_command_and_in_a_sentence(console: Console) -> None:
    await console.say("follow #1 call next Friday demo")
    by_command = (await stored(console))[0]
    await console.say("#1 called them, demo next Friday")
    by_sentence = (await stored(console))[0]
    assert by_command == by_sentence == at(12, 4, 9)


@pytest.mark.parametrize(("first", "fix", "moved"), [
    ("#1 called Mark, demo next Wednesday 3pm", "change to Thursday", at(12, 3, 15)),
    ("#1 电话沟通，下周三下午3点演示", "改成周四", at(12, 3, 15)),
    ("#1 电话沟通，下周三下午3点演示", "改为上午10点", at(12, 2, 10)),
])
async def test_a_weekday_correction_stays_in_the_corrected_week(console: Console, first: str, fix: str,
                                                                moved: datetime) -> None:
    await console.say(first)
    assert (await stored(console))[0] == at(12, 2, 15)
    assert "已更正" in await console.say(fix)
    next_at, _, reminders = await stored(console)
    assert (next_at, reminders) == (moved, [moved])


@pytest.mark.parametrize(("text", "due", "echo"), [
    ("提醒我下周二下午给何总打电话", at(12, 1, 14), "下周二(12月1日) 14:00"),
    ("提醒我下礼拜三给何总打电话 3点", at(12, 2, 15), "下周三(12月2日) 15:00"),
    ("提醒我下下週三 上午10點半 给何总打电话", at(12, 9, 10, 30), "下下周三(12月9日) 10:30"),
])
async def test_a_reminder_sentence_keeps_the_time_of_day(console: Console, text: str, due: datetime,
                                                         echo: str) -> None:
    out = await console.say(text)
    assert echo in out
    assert (await stored(console))[2] == [due]


async def test_dates_resolve_in_the_users_own_time_zone(db_url: str) -> None:
    users = [dict(u, timezone="Europe/London") if u["console"] == "zhangwei" else u for u in USERS]
    london = ZoneInfo("Europe/London")
    session = await start_console(db_url, "zhangwei", NOW, users=users)  # 02:00 on Tuesday in London
    try:
        await session.say("新客户 杭州明途信息技术有限公司 区域 华东")
        await session.say("新商机 明途 MES 80万")
        await session.say("跟进 #1 电话沟通 下次 明天 下午3点 发报价")
        assert (await stored(session))[2] == [datetime(2026, 11, 25, 15, 0, tzinfo=london)]
        await session.say("#1 下周二下午去演示")
        assert (await stored(session))[2] == [datetime(2026, 12, 1, 14, 0, tzinfo=london)]
        assert "已更正" in await session.say("改成周四")  # same week, same afternoon, still London's
        assert (await stored(session))[2] == [datetime(2026, 12, 3, 14, 0, tzinfo=london)]
    finally:
        await session.app.close()
