"""Review findings on reminders, quiet hours and delivery, end to end on SQLite and PostgreSQL: a bare number
with several open cards asks which; `帮助 提醒`, `提醒 R1`, `提醒 删除 R1`; a past time is refused as past;
equal quiet hours are refused with how to turn them off; the console keeps held messages back; an overdue
reminder of a manager who manages their own team goes to an admin."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.console_session import deliver_own
from domain.activity import ReminderStatus
from domain.messaging import OutboxItem
from scheduler.reminder_escalation import escalate_overdue_reminders
from tests.e2e.harness import Console

DUE = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)  # 11:00 in Shanghai; the console starts at 10:00


@pytest.fixture
def console(console_with_deal: Console) -> Console:
    return console_with_deal


async def statuses(console: Console) -> list[tuple[int, str, datetime]]:
    async with console.app.uow_factory() as uow:
        rep = next(r for r in await uow.reps.list() if r.name == "张伟")
        found = [await uow.reminders.find(n) for n in (1, 2, 3)]
        return [(r.id or 0, r.status, r.due_at) for r in found if r is not None and r.rep_id == rep.id]


async def three_cards(console: Console) -> str:
    """Three deals' next steps due at the same minute: three cards pushed together."""
    await console.say("新商机 明途 运维 30万")
    await console.say("新商机 明途 培训 10万")
    for deal, step in ((1, "发方案"), (2, "约演示"), (3, "发报价")):
        await console.say(f"跟进 #{deal} 电话沟通 下次 2026-11-24 11:00 {step}")
    return await console.tick(timedelta(hours=1))


async def test_each_card_names_itself_in_its_numbered_hint(console: Console) -> None:
    out = await three_cards(console)
    assert "⏰ 提醒 R1：#1 明途 · 发方案\n回复 1 完成 R1 / 2 延后一天 / 3 改时间 / 4 查看" in out
    assert "⏰ 提醒 R3：#3 明途 · 发报价\n回复 1 完成 R3 / 2 延后一天 / 3 改时间 / 4 查看" in out


async def test_a_bare_number_with_several_open_cards_asks_which_and_changes_nothing(console: Console) -> None:
    await three_cards(console)
    out = await console.say("1")
    assert "你有 3 张提醒卡片还没处理，「1」是指哪一张？" in out
    assert "R1  #1 明途 · 发方案  → 提醒 完成 R1" in out and "R3  #3 明途 · 发报价  → 提醒 完成 R3" in out
    assert [s for _, s, _ in await statuses(console)] == [ReminderStatus.SENT] * 3
    assert "已完成 R2" in await console.say("提醒 完成 R2")
    assert "提醒 延后 R1" in (out := await console.say("2")) and "提醒 延后 R3" in out and "R2" not in out
    await console.say("提醒 完成 R3")
    assert "已完成 R1" in await console.say("1")  # one card left open: the number answers it
    assert [s for _, s, _ in await statuses(console)] == [ReminderStatus.DONE] * 3


async def test_help_for_reminders_lists_the_reminder_commands(console: Console) -> None:
    out = await console.say("帮助 提醒")
    assert "没有「提醒」这个命令" not in out
    assert "提醒 完成 R12" in out and "提醒 改时间 R12 明天下午3点" in out and "提醒 取消 R12" in out


async def test_a_reminder_by_its_number_shows_it_with_its_actions_and_delete_cancels(console: Console) -> None:
    await console.say("跟进 #1 电话沟通 下次 2026-11-24 11:00 发方案")
    out = await console.say("提醒 R1")
    assert "提醒 R1" in out and "#1 明途 · 发方案" in out and "状态：待提醒" in out
    assert "提醒 完成 R1 / 提醒 延后 R1 / 提醒 改时间 R1 明天下午3点 / 提醒 查看 R1 / 提醒 取消 R1" in out
    assert "找不到提醒 R1" in await console.say("提醒 R1", as_user="lina")
    assert "已取消提醒 R1" in await console.say("提醒 删除 R1", as_user="zhangwei")
    assert await statuses(console) == [(1, ReminderStatus.CANCELLED, DUE)]
    assert "状态：已取消" in (out := await console.say("提醒 R1")) and "操作：" not in out


async def test_a_past_time_is_refused_as_past_however_it_is_written(console: Console) -> None:
    await console.say("跟进 #1 电话沟通 下次 2026-11-24 11:00 发方案")
    for when in ("昨天下午3点", "昨天 下午3点", "2026-11-20 10:00"):
        out = await console.say(f"提醒 改时间 R1 {when}")
        assert "已经过去了" in out and "看不懂时间" not in out
    assert "R1 改到什么时候" in await console.say("提醒 改时间 R1")
    assert "已经过去了" in await console.say("昨天下午3点")  # the answer to the question, too
    assert await statuses(console) == [(1, ReminderStatus.PENDING, DUE)]


async def test_quiet_hours_that_start_where_they_end_are_refused_with_how_to_turn_them_off(
        console: Console) -> None:
    await console.say("免打扰 22:00-07:30")
    out = await console.say("免打扰 08:00-08:00")
    assert "开始和结束相同" in out and "免打扰 关闭" in out and "已设置" not in out
    out = await console.say("quiet hours 08:00-08:00", as_user="chen")
    assert "starts where it ends" in out and "quiet hours off" in out
    async with console.app.uow_factory() as uow:
        quiet = {r.name: r.quiet_hours for r in await uow.reps.list()}
    assert (quiet["张伟"], quiet["陈晨"]) == ("22:00-07:30", "")
    assert "免打扰已关闭" in await console.say("免打扰 关闭", as_user="zhangwei")


async def test_the_console_keeps_a_message_held_for_quiet_hours_until_its_time(console: Console) -> None:
    now = console.clock.now
    async with console.app.uow_factory() as uow:
        held = await uow.outbox.add(OutboxItem("console", "zhangwei", "今日摘要", created_at=now,
                                               not_before=now + timedelta(hours=1)))
        await uow.commit()
    assert held is not None and held.id is not None
    console.read()
    assert await deliver_own(console.app, console.connector) == 0
    assert "今日摘要" not in console.read()
    async with console.app.uow_factory() as uow:
        assert [i.id for i in await uow.outbox.pending_for("console", "zhangwei")] == [held.id]
    console.clock.now += timedelta(hours=1)
    assert await deliver_own(console.app, console.connector) == 1
    assert "今日摘要" in console.read()
    async with console.app.uow_factory() as uow:
        assert await uow.outbox.pending_for("console", "zhangwei") == []


async def test_a_managers_own_overdue_reminder_goes_to_an_admin(console: Console) -> None:
    """王经理 manages 华东一组 and is in it: his overdue reminder goes to the admin, and is counted."""
    await console.say("新商机 明途 运维 30万", as_user="wang")
    await console.say("跟进 #2 电话沟通 下次 2026-11-24 11:00 约演示", as_user="wang")
    await console.tick(timedelta(hours=1))
    console.clock.now += timedelta(hours=27)
    assert await escalate_overdue_reminders(console.app.uow_factory, console.clock.now, timedelta(hours=24)) == 1
    await console.app.dispatcher.drain()
    assert console.read() == ("[→ admin] ⚠️ 逾期提醒：王经理 的提醒 R1「#2 明途 · 约演示」应于 2026-11-24 11:00 处理，"
                              "已逾期 1天3小时，仍未完成。\n")
    async with console.app.uow_factory() as uow:
        assert (await uow.reminders.get(1)).escalated_at == console.clock.now
