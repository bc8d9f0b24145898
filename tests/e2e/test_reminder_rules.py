"""Reminders follow their deal, end to end on SQLite and PostgreSQL: one next step per deal, closed deals
stay quiet, a handover moves the reminder, and nothing is sent about a deal its recipient can no longer see."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from domain.activity import ReminderStatus
from storage.models import OutboxRow, ReminderRow
from tests.e2e.harness import Console

ZHANG, LI = 2, 3  # rep ids in the harness's [[users]] order
HINT = "回复 1 完成 R1 / 2 延后一天 / 3 改时间 / 4 查看"


@pytest.fixture
def console(console_with_deal: Console) -> Console:
    return console_with_deal


async def reminder_rows(console: Console) -> list[tuple[int, str, str]]:
    async with console.app.uow_factory() as uow:
        rows = (await uow.session.execute(select(ReminderRow).order_by(ReminderRow.id))).scalars()  # type: ignore[attr-defined]
        return [(r.rep_id, r.status, r.text) for r in rows]


async def reminder_outbox(console: Console) -> list[tuple[str, str]]:
    async with console.app.uow_factory() as uow:
        stmt = select(OutboxRow).where(OutboxRow.dedupe_key.like("reminder:%")).order_by(OutboxRow.id)
        return [(r.recipient, r.text) for r in (await uow.session.execute(stmt)).scalars()]  # type: ignore[attr-defined]


async def to_negotiation(console: Console) -> None:
    await console.say("阶段 #1 方案")
    await console.say("阶段 #1 谈判")


async def test_a_new_next_step_replaces_the_pending_reminder(console: Console) -> None:
    await console.say("跟进 #1 电话沟通 下次 2026-11-26 发方案")
    await console.say("跟进 #1 客户改期 下次 2026-11-28 上门演示")
    assert await reminder_rows(console) == [(ZHANG, ReminderStatus.CANCELLED, "#1 明途 · 发方案"),
                                            (ZHANG, ReminderStatus.PENDING, "#1 明途 · 上门演示")]
    assert await console.tick(timedelta(days=3)) == ""  # 26th: the replaced one stays quiet
    assert "#1 明途 · 上门演示" in await console.tick(timedelta(days=2))
    second = HINT.replace("R1", "R2")
    assert await reminder_outbox(console) == [("zhangwei", f"⏰ 提醒 R2：#1 明途 · 上门演示\n{second}")]


@pytest.mark.parametrize("close", ["赢单 #1 96万", "输单 #1 价格 原因:竞品低价"])
async def test_winning_or_losing_cancels_the_deals_pending_reminders(console: Console, close: str) -> None:
    await to_negotiation(console)
    await console.say("跟进 #1 电话沟通 下次 2026-11-26 发方案")
    assert "#1" in await console.say(close)
    assert await reminder_rows(console) == [(ZHANG, ReminderStatus.CANCELLED, "#1 明途 · 发方案")]
    assert await console.tick(timedelta(days=5)) == ""
    assert await reminder_outbox(console) == []


async def test_undo_of_a_win_brings_the_reminder_back(console: Console) -> None:
    await to_negotiation(console)
    await console.say("跟进 #1 电话沟通 下次 2026-11-26 发方案")
    assert "赢单" in await console.say("赢单 #1")
    await console.say("撤销")
    assert await reminder_rows(console) == [(ZHANG, ReminderStatus.PENDING, "#1 明途 · 发方案")]


async def test_a_handover_moves_the_reminder_to_the_new_owner(console: Console) -> None:
    await console.say("跟进 #1 电话沟通 下次 2026-11-26 发方案")
    await console.say("转给 #1 李娜")
    assert await reminder_rows(console) == [(LI, ReminderStatus.PENDING, "#1 明途 · 发方案")]
    delivered = await console.tick(timedelta(days=3))
    assert "[→ lina]" in delivered and "#1 明途 · 发方案" in delivered
    assert await reminder_outbox(console) == [("lina", f"⏰ 提醒 R1：#1 明途 · 发方案\n{HINT}")]


async def test_nothing_is_sent_about_a_deal_the_recipient_can_no_longer_see(console: Console) -> None:
    await console.say("共享 #1 李娜")
    await console.say("跟进 #1 和何总通了电话 下次 2026-11-26 回访", as_user="lina")
    await console.say("取消共享 #1 李娜", as_user="zhangwei")
    assert await console.tick(timedelta(days=3)) == ""
    assert await reminder_rows(console) == [(LI, ReminderStatus.CANCELLED, "#1 明途 · 回访")]
    assert await reminder_outbox(console) == []


async def test_a_reminder_more_than_two_years_ahead_is_refused(console: Console) -> None:
    out = await console.say("跟进 #1 电话沟通 下次 2029-01-01 回访")
    assert "提醒日期 2029-01-01 不合理" in out and "两年之内" in out
    out = await console.say("follow #1 call next 2029-01-01 visit", as_user="wang")
    assert "提醒日期" in out  # 王经理 reads Chinese
    assert await reminder_rows(console) == []


@pytest.mark.parametrize("text", ["提醒我2029年1月1日给何总打电话", "明途的何总来电，2029年3月1日再联系"])
async def test_free_text_reminders_beyond_two_years_are_refused(console: Console, text: str) -> None:
    out = await console.say(text)
    assert "提醒日期" in out and "不合理" in out
    assert await reminder_rows(console) == []
    async with console.app.uow_factory() as uow:
        assert await uow.followups.for_opportunity(1) == []
