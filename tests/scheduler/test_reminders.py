"""Due reminders become outbox rows for the person's preferred channel, once."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest

from domain.activity import Reminder, ReminderStatus
from domain.opportunity import Opportunity
from domain.people import Rep
from scheduler.jobs import deliver_due_reminders
from tests.fakes import FakeStore

NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
HINT = "回复 1 完成 R1 / 2 延后一天 / 3 改时间 / 4 查看"


async def setup(store: FakeStore, identities: dict[str, str], due: datetime) -> None:
    async with store.uow() as uow:
        rep = await uow.reps.add(Rep("张伟", identities=identities))
        assert rep.id is not None
        await uow.reminders.add(Reminder(rep_id=rep.id, due_at=due, text="#1 发方案"))
        await uow.commit()


async def outbox(store: FakeStore) -> list[tuple[str, str, str]]:
    return [(i.channel, i.recipient, i.text) for i in store.tables["outbox"].values()]


async def test_a_due_reminder_goes_to_the_preferred_channel_once() -> None:
    store = FakeStore()
    await setup(store, {"console": "zhangwei", "wecom": "zhangwei"}, NOW - timedelta(minutes=1))
    assert await deliver_due_reminders(store.uow, NOW) == 1
    assert await deliver_due_reminders(store.uow, NOW + timedelta(minutes=5)) == 0
    assert await outbox(store) == [("wecom", "zhangwei", "⏰ 提醒 R1：#1 发方案")]  # buttons on WeCom


async def test_a_reminder_not_yet_due_waits() -> None:
    store = FakeStore()
    await setup(store, {"console": "zhangwei"}, NOW + timedelta(hours=1))
    assert await deliver_due_reminders(store.uow, NOW) == 0
    assert await outbox(store) == []


async def test_a_reminder_for_someone_without_a_channel_is_cancelled_not_marked_sent() -> None:
    store = FakeStore()
    await setup(store, {}, NOW - timedelta(minutes=1))
    await deliver_due_reminders(store.uow, NOW)
    assert await outbox(store) == []
    (reminder,) = store.tables["reminders"].values()
    assert reminder.status is ReminderStatus.CANCELLED


async def deal_reminder(store: FakeStore, *, owner_is_recipient: bool, shared: bool = False) -> None:
    """张伟 has a due reminder about deal #1, owned by him or (handed over) by 李娜."""
    async with store.uow() as uow:
        zhang = await uow.reps.add(Rep("张伟", identities={"console": "zhangwei"}))
        li = await uow.reps.add(Rep("李娜", identities={"console": "lina"}))
        assert zhang.id is not None and li.id is not None
        owner = zhang.id if owner_is_recipient else li.id
        deal = await uow.opportunities.add(Opportunity(customer_id=1, name="MES", owner_id=owner,
                                                       shared_with=[zhang.id] if shared else []))
        await uow.reminders.add(Reminder(rep_id=zhang.id, due_at=NOW - timedelta(minutes=1), text="#1 发方案",
                                         opportunity_id=deal.id))
        await uow.commit()


async def test_a_reminder_about_a_deal_the_recipient_still_sees_is_sent() -> None:
    store = FakeStore()
    await deal_reminder(store, owner_is_recipient=False, shared=True)
    await deliver_due_reminders(store.uow, NOW)
    assert await outbox(store) == [("console", "zhangwei", "⏰ 提醒 R1：#1 发方案\n" + HINT)]
    (reminder,) = store.tables["reminders"].values()
    assert reminder.status is ReminderStatus.SENT


async def test_a_reminder_about_a_deal_the_recipient_can_no_longer_see_is_cancelled_not_sent(
        caplog: pytest.LogCaptureFixture) -> None:
    store = FakeStore()
    await deal_reminder(store, owner_is_recipient=False)
    with caplog.at_level(logging.INFO, logger="scheduler.jobs"):
        assert await deliver_due_reminders(store.uow, NOW) == 1
    assert await outbox(store) == []
    (reminder,) = store.tables["reminders"].values()
    assert reminder.status is ReminderStatus.CANCELLED
    assert "may no longer see deal 1" in caplog.text


async def test_a_reminder_about_a_deleted_deal_is_cancelled() -> None:
    store = FakeStore()
    await deal_reminder(store, owner_is_recipient=True)
    store.tables["opportunities"].clear()
    await deliver_due_reminders(store.uow, NOW)
    assert await outbox(store) == []
    assert next(iter(store.tables["reminders"].values())).status is ReminderStatus.CANCELLED
