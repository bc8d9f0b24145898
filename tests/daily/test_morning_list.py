"""The morning list: what is due today, most urgent first, bounded, once a day, with the risk hook."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta

from domain.activity import ReminderKind, ReminderStatus
from domain.daily_report import DailyReportSettings
from domain.people import Rep
from domain.ports import UnitOfWork
from scheduler.morning import send_morning_lists
from tests.daily.conftest import Factory
from tests.daily.world import World, at, make_world, outbox, remind

SETTINGS = DailyReportSettings()


async def due_today(factory: Factory, w: World) -> None:
    """张伟: an overdue reminder still waiting (sent yesterday), one done, one from two weeks ago; today at
    15:00 and 09:00; the deal's next step at 11:00 with its own reminder; one tomorrow; one of 李娜's."""
    async with factory() as uow:
        deal = await uow.opportunities.get(w.deal)
        deal.next_at, deal.next_step = at(11), "电话确认需求"
        await uow.opportunities.save(deal)
        await remind(uow, w.zhang, at(11), "#1 电话确认需求", w.deal, kind=ReminderKind.NEXT_STEP)
        await remind(uow, w.zhang, at(16) - timedelta(days=1), "回访华信", status=ReminderStatus.SENT)
        await remind(uow, w.zhang, at(8) - timedelta(days=1), "已完成的", status=ReminderStatus.DONE)
        await remind(uow, w.zhang, at(9) - timedelta(days=14), "两周前的")
        await remind(uow, w.zhang, at(15), "发报价单")
        await remind(uow, w.zhang, at(9), "整理名片")
        await remind(uow, w.zhang, at(9) + timedelta(days=1), "明天的事")
        await remind(uow, w.li, at(10), "李娜的事")
        await uow.commit()


async def test_the_morning_list_shows_todays_items_most_urgent_first(factory: Factory) -> None:
    w = await make_world(factory)
    await due_today(factory, w)
    assert await send_morning_lists(factory, at(8, 29), SETTINGS) == 0
    assert await send_morning_lists(factory, at(8, 30), SETTINGS) == 3  # 2 reps and the manager
    text = {i.recipient: i.text for i in await outbox(factory)}["zhangwei"]
    assert text.split("\n") == [
        "☀️ 早上好，张伟！11月24日 今天要做：",
        "1. ⚠ 逾期 11-23 16:00 回访华信",
        "2. 09:00 整理名片",
        "3. 11:00 #1 明途 · 电话确认需求",
        "4. 15:00 发报价单",
    ]


async def test_a_morning_with_nothing_due_says_so(factory: Factory) -> None:
    await make_world(factory)
    await send_morning_lists(factory, at(9), SETTINGS)
    text = {i.recipient: i.text for i in await outbox(factory)}["lina"]
    assert text.split("\n")[1] == "今天没有到期的跟进、下一步或提醒。"


async def test_a_long_morning_list_is_cut_and_counts_the_rest(factory: Factory) -> None:
    w = await make_world(factory)
    async with factory() as uow:
        for n in range(13):
            await remind(uow, w.zhang, at(9, 10 + n), f"事项{n + 1}")
        await uow.commit()
    await send_morning_lists(factory, at(8, 45), DailyReportSettings(morning_limit=10))
    lines = {i.recipient: i.text for i in await outbox(factory)}["zhangwei"].split("\n")
    assert lines[1] == "1. 09:10 事项1" and lines[10] == "10. 09:19 事项10"
    assert lines[11] == "另有 3 条，发送「提醒」查看全部。"


async def test_risk_lines_from_the_hook_close_the_list(factory: Factory) -> None:
    w = await make_world(factory)

    async def risks(uow: UnitOfWork, rep: Rep, now: datetime) -> Sequence[str]:
        return ["#1 MES 在「谈判」已停留 9 天"] if rep.id == w.zhang else []

    await send_morning_lists(factory, at(8, 30), SETTINGS, risk_lines=risks)
    text = {i.recipient: i.text for i in await outbox(factory)}
    assert text["zhangwei"].endswith("⚠️ 风险：\n- #1 MES 在「谈判」已停留 9 天")
    assert "风险" not in text["lina"]


async def test_the_morning_list_goes_once_a_day_and_waits_for_the_end_of_quiet_hours(factory: Factory) -> None:
    await make_world(factory)
    early = DailyReportSettings(morning_at=time(7, 0))
    assert await send_morning_lists(factory, at(7, 5), early) == 3
    assert await send_morning_lists(factory, at(7, 6), early) == 0
    assert await send_morning_lists(factory, at(6, 0), early) == 0  # the clock went back: nothing new
    items = await outbox(factory)
    assert len(items) == 3
    assert {i.not_before for i in items} == {at(8)}  # quiet hours (21:00-08:00) hold it until 08:00
    assert await send_morning_lists(factory, at(7, 5) + timedelta(days=1), early) == 3  # the next day


async def test_an_english_rep_gets_the_list_in_english(factory: Factory) -> None:
    w = await make_world(factory)
    async with factory() as uow:
        li = await uow.reps.get(w.li)
        li.locale = "en"
        await uow.reps.save(li)
        await remind(uow, w.li, at(14), "call Initrode")
        await remind(uow, w.li, at(14) - timedelta(days=2), "send the deck")
        await uow.commit()
    await send_morning_lists(factory, at(8, 30), SETTINGS)
    text = {i.recipient: i.text for i in await outbox(factory)}["lina"]
    assert text.split("\n") == ["☀️ Good morning, 李娜! Due today, Tue 24 Nov:",
                                "1. ⚠ overdue 22 Nov 14:00 send the deck", "2. 14:00 call Initrode"]


async def test_a_morning_list_not_sent_by_the_end_of_the_morning_is_skipped_that_day(factory: Factory) -> None:
    """serve started at 18:00: nobody gets "today's list" in the evening; the next morning they do."""
    await make_world(factory)
    assert await send_morning_lists(factory, at(12, 31), SETTINGS) == 0  # 08:30 + 4 h has passed
    assert await send_morning_lists(factory, at(18, 0), SETTINGS) == 0
    assert await outbox(factory) == []
    assert await send_morning_lists(factory, at(8, 30) + timedelta(days=1), SETTINGS) == 3
