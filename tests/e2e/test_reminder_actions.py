"""Reminder cards on the console (numbered replies), end to end on SQLite and PostgreSQL: a reminder pushed
at its minute says "回复 1 完成 / 2 延后一天 / 3 改时间 / 4 查看"; a bare number acts on the person's latest card,
once; commands list, complete, reschedule and cancel one's own reminders, and nobody else's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from domain.activity import ReminderStatus
from scheduler.reminder_escalation import escalate_overdue_reminders
from storage.models import ReminderRow
from tests.e2e.harness import Console

HINT = "回复 1 完成 R1 / 2 延后一天 / 3 改时间 / 4 查看"
DUE = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)  # 11:00 in Shanghai; the console starts at 10:00


@pytest.fixture
def console(console_with_deal: Console) -> Console:
    return console_with_deal


async def rows(console: Console) -> list[tuple[int, str, datetime, datetime | None]]:
    """(id, status, due_at, done_at) of every reminder."""
    async with console.app.uow_factory() as uow:
        found = (await uow.session.execute(select(ReminderRow).order_by(ReminderRow.id))).scalars()  # type: ignore[attr-defined]
        return [(r.id, r.status, r.due_at, r.done_at) for r in found]


async def pushed(console: Console) -> str:
    """张伟 records a next step for 11:00; the card arrives at 11:00 and not a minute before."""
    await console.say("跟进 #1 电话沟通 下次 2026-11-24 11:00 发方案")
    assert await console.tick(timedelta(minutes=59)) == ""
    out = await console.tick(timedelta(minutes=1))
    assert out == f"⏰ 提醒 R1：#1 明途 · 发方案\n{HINT}\n"
    return out


async def test_the_card_comes_at_its_minute_and_1_completes_it_once(console: Console) -> None:
    await pushed(console)
    assert "已完成 R1" in await console.say("1")
    assert await rows(console) == [(1, ReminderStatus.DONE, DUE, DUE)]
    assert "R1 已经完成了，这次没有改动" in await console.say("1")
    assert await rows(console) == [(1, ReminderStatus.DONE, DUE, DUE)]


async def test_2_snoozes_a_day_and_the_card_comes_again(console: Console) -> None:
    await pushed(console)
    assert "已延后 R1" in await console.say("2")
    assert await rows(console) == [(1, ReminderStatus.PENDING, DUE + timedelta(days=1), None)]
    assert "这张提醒卡片已经处理过" in await console.say("2")  # the same card: nothing more
    assert await rows(console) == [(1, ReminderStatus.PENDING, DUE + timedelta(days=1), None)]
    assert await console.tick(timedelta(hours=23, minutes=59)) == ""
    assert await console.tick(timedelta(minutes=1)) == f"⏰ 提醒 R1：#1 明途 · 发方案\n{HINT}\n"


async def test_3_asks_for_the_time_and_the_answer_moves_it(console: Console) -> None:
    await pushed(console)
    assert "R1 改到什么时候" in await console.say("3")
    out = await console.say("明天下午3点")
    assert "已改时间 R1" in out and "15:00" in out
    assert await rows(console) == [(1, ReminderStatus.PENDING, datetime(2026, 11, 25, 7, 0, tzinfo=UTC), None)]


async def test_4_shows_the_deal_card(console: Console) -> None:
    await pushed(console)
    out = await console.say("4")
    assert "提醒 R1" in out and "#1" in out and "MES" in out
    assert await rows(console) == [(1, ReminderStatus.SENT, DUE, None)]


async def test_a_number_without_a_card_gets_a_clear_answer(console: Console) -> None:
    out = await console.say("1")
    assert "没有可以用数字回复的提醒卡片" in out and "提醒 完成 R12" in out


async def test_someone_elses_reminder_is_refused_like_a_missing_one(console: Console) -> None:
    await pushed(console)
    for command in ("提醒 完成 R1", "提醒 延后 R1", "提醒 取消 R1", "提醒 查看 R1", "1"):
        out = await console.say(command, as_user="lina")
        assert "找不到提醒 R1" in out or "没有可以用数字回复的提醒卡片" in out
    assert await rows(console) == [(1, ReminderStatus.SENT, DUE, None)]


async def test_list_and_cancel_ones_own(console: Console) -> None:
    await console.say("跟进 #1 电话沟通 下次 2026-11-24 11:00 发方案")
    out = await console.say("提醒")
    assert "我的提醒（1）" in out and "R1" in out and "#1 明途 · 发方案" in out
    assert "已取消提醒 R1" in await console.say("提醒 取消 R1")
    assert "R1 已经取消了" in await console.say("提醒 取消 R1")
    assert "你没有待处理的提醒" in await console.say("reminders")
    assert await console.tick(timedelta(hours=2)) == ""
    assert [r[1] for r in await rows(console)] == [ReminderStatus.CANCELLED]


async def test_reschedule_by_command_and_bad_times_change_nothing(console: Console) -> None:
    await console.say("跟进 #1 电话沟通 下次 2026-11-24 11:00 发方案")
    out = await console.say("提醒 改时间 R1 2026-11-20 10:00")
    assert "已经过去" in out
    assert "看不懂时间" in await console.say("提醒 改时间 R1 回头再说")
    assert "缺少提醒号" in await console.say("提醒 改时间 明天")
    assert await rows(console) == [(1, ReminderStatus.PENDING, DUE, None)]
    assert "已改时间 R1" in await console.say("提醒 改时间 R1 2026-11-30 10:00")
    assert await rows(console) == [(1, ReminderStatus.PENDING, datetime(2026, 11, 30, 2, 0, tzinfo=UTC), None)]


async def test_undo_brings_a_completed_reminder_back(console: Console) -> None:
    await pushed(console)
    await console.say("1")
    await console.say("撤销")
    assert await rows(console) == [(1, ReminderStatus.SENT, DUE, None)]


async def escalate(console: Console, delta: timedelta) -> tuple[int, str]:
    console.clock.now += delta
    count = await escalate_overdue_reminders(console.app.uow_factory, console.clock.now, timedelta(hours=24))
    await console.app.dispatcher.drain()
    return count, console.read()


async def test_an_overdue_reminder_is_told_to_the_manager_once(console: Console) -> None:
    await pushed(console)
    assert await escalate(console, timedelta(hours=23, minutes=59)) == (0, "")
    count, out = await escalate(console, timedelta(hours=3, minutes=1))  # 14:00 the next day
    assert count == 1
    assert out == ("[→ wang] ⚠️ 逾期提醒：张伟 的提醒 R1「#1 明途 · 发方案」应于 2026-11-24 11:00 处理，"
                   "已逾期 1天3小时，仍未完成。\n")
    assert await escalate(console, timedelta(hours=6)) == (0, "")
    async with console.app.uow_factory() as uow:
        assert (await uow.reminders.get(1)).escalated_at == DUE + timedelta(hours=27)


async def test_a_completed_reminder_is_not_escalated(console: Console) -> None:
    await pushed(console)
    await console.say("1")
    assert await escalate(console, timedelta(days=2)) == (0, "")


async def test_winning_the_deal_closes_its_pushed_card_so_nothing_escalates(console: Console) -> None:
    await pushed(console)
    await console.say("阶段 #1 方案")
    await console.say("阶段 #1 谈判")
    await console.say("赢单 #1")
    assert [r[1] for r in await rows(console)] == [ReminderStatus.CANCELLED]
    assert "R1 已经取消了" in await console.say("1")
    assert await escalate(console, timedelta(days=2)) == (0, "")


async def test_an_english_speaker_gets_english_answers(console: Console) -> None:
    assert "You have no open reminders." in await console.say("reminders", as_user="chen")
    out = await console.say("1", as_user="chen")
    assert "there is no reminder card to answer with a number" in out and "reminder done R12" in out
    assert "No reminder R9 found" in await console.say("reminder done R9", as_user="chen")
