"""Due reminders become outbox rows for the person's preferred channel, once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.activity import Reminder, ReminderStatus
from domain.people import Rep
from scheduler.jobs import deliver_due_reminders
from tests.fakes import FakeStore

NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)


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
    assert await outbox(store) == [("wecom", "zhangwei", "⏰ 提醒：#1 发方案")]


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
