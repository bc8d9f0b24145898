"""A deal's next-step reminder and the deal's next step move together, on SQLite and PostgreSQL: completing
the reminder (command or `1`) marks the step done (the deal's next_at and next_step cleared, so it leaves the
morning list, the overdue next steps and tomorrow's plan); snoozing or rescheduling moves the deal's next_at
with it; undo restores both."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from domain.activity import ReminderStatus
from domain.daily_report import DailyReportSettings
from scheduler.morning import morning_list
from tests.e2e.harness import Console

DUE = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)  # 11:00 in Shanghai; the console starts at 10:00
ITEM = "#1 明途 · 发方案"


@pytest.fixture
def console(console_with_deal: Console) -> Console:
    return console_with_deal


async def stored(console: Console) -> tuple[tuple[str, datetime, datetime | None], tuple[datetime | None, str]]:
    """((status, due_at, done_at) of R1, (next_at, next_step) of deal #1)."""
    async with console.app.uow_factory() as uow:
        reminder = await uow.reminders.get(1)
        deal = await uow.opportunities.get(1)
        return (reminder.status, reminder.due_at, reminder.done_at), (deal.next_at, deal.next_step)


async def morning(console: Console, day: date) -> str:
    async with console.app.uow_factory() as uow:
        rep = next(r for r in await uow.reps.list() if r.name == "张伟")
        return await morning_list(uow, rep, day, console.clock.now, DailyReportSettings())


async def pushed(console: Console) -> None:
    await console.say("跟进 #1 电话沟通 下次 2026-11-24 11:00 发方案")
    assert (await console.tick(timedelta(hours=1))).startswith(f"⏰ 提醒 R1：{ITEM}\n")
    assert await stored(console) == ((ReminderStatus.SENT, DUE, None), (DUE, "发方案"))


@pytest.mark.parametrize("answer", ["1", "提醒 完成 R1"])
async def test_completing_the_reminder_marks_the_deals_next_step_done(console: Console, answer: str) -> None:
    await pushed(console)
    out = await console.say(answer)
    assert "已完成 R1" in out and "商机 #1 的下一步已完成" in out
    assert await stored(console) == ((ReminderStatus.DONE, DUE, DUE), (None, ""))
    console.clock.now += timedelta(days=1)
    assert "#1" not in await morning(console, date(2026, 11, 25))  # no longer overdue, nor in a plan


async def test_undo_restores_the_reminder_and_the_deals_next_step(console: Console) -> None:
    await pushed(console)
    await console.say("1")
    await console.say("撤销")
    assert await stored(console) == ((ReminderStatus.SENT, DUE, None), (DUE, "发方案"))


@pytest.mark.parametrize("answer", ["2", "提醒 延后 R1"])
async def test_snoozing_moves_the_deals_next_step_a_day(console: Console, answer: str) -> None:
    await pushed(console)
    out = await console.say(answer)
    assert "已延后 R1" in out and "商机 #1 的下一步改到" in out
    later = DUE + timedelta(days=1)
    assert await stored(console) == ((ReminderStatus.PENDING, later, None), (later, "发方案"))
    assert "⚠" not in await morning(console, date(2026, 11, 25))
    await console.say("撤销")
    assert await stored(console) == ((ReminderStatus.SENT, DUE, None), (DUE, "发方案"))


async def test_rescheduling_moves_the_deals_next_step_to_the_new_time(console: Console) -> None:
    await pushed(console)
    out = await console.say("提醒 改时间 R1 2026-11-30 10:00")
    assert "已改时间 R1" in out and "商机 #1 的下一步改到" in out
    moved = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
    assert await stored(console) == ((ReminderStatus.PENDING, moved, None), (moved, "发方案"))


async def test_cancelling_the_reminder_leaves_the_deals_next_step(console: Console) -> None:
    await console.say("跟进 #1 电话沟通 下次 2026-11-24 11:00 发方案")
    await console.say("提醒 取消 R1")  # only the reminder is cancelled: the step stays as it was
    assert await stored(console) == ((ReminderStatus.CANCELLED, DUE, None), (DUE, "发方案"))
