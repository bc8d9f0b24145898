"""Reminder cards and their escalation, on the fakes with an injected clock: a card at its minute (quiet hours
or not), buttons where the channel has them, pushed again after a postponement, overdue ones told once to the
manager (who, what, how late), quietly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.activity import Reminder, ReminderStatus
from domain.messaging import OutboxItem
from domain.people import Rep, Role, Team
from scheduler.jobs import deliver_due_reminders
from scheduler.reminder_escalation import escalate_overdue_reminders
from tests.fakes import FakeStore

DUE = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)  # 22:00 in Shanghai: inside the default quiet hours
KEYS = [f"reminder {a} R1@202611241400" for a in ("done", "snooze", "reschedule", "show")]


async def setup(store: FakeStore, identities: dict[str, str], *, manager: bool = True) -> None:
    async with store.uow() as uow:
        boss = await uow.reps.add(Rep("王经理", role=Role.MANAGER, identities={"console": "wang"}, locale="en"))
        team = await uow.teams.add(Team("华东一组", manager_id=boss.id if manager else None))
        rep = await uow.reps.add(Rep("张伟", team_id=team.id, identities=identities))
        assert rep.id is not None
        await uow.reminders.add(Reminder(rep_id=rep.id, due_at=DUE, text="#1 发方案"))
        await uow.commit()


def outbox(store: FakeStore) -> list[OutboxItem]:
    return list(store.tables["outbox"].values())


def reminder(store: FakeStore) -> Reminder:
    (found,) = store.tables["reminders"].values()
    assert isinstance(found, Reminder)
    return found


async def test_a_card_comes_at_its_minute_even_in_quiet_hours_with_buttons_on_wecom() -> None:
    store = FakeStore()
    await setup(store, {"wecom": "zhangwei"})
    assert await deliver_due_reminders(store.uow, DUE - timedelta(seconds=30)) == 0
    assert outbox(store) == []
    assert await deliver_due_reminders(store.uow, DUE) == 1
    (item,) = outbox(store)
    assert (item.recipient, item.text, item.not_before) == ("zhangwei", "⏰ 提醒 R1：#1 发方案", None)
    assert [(b["text"], b["key"]) for b in item.extra["buttons"]] == list(zip(
        ["完成", "延后一天", "改时间", "查看"], KEYS, strict=True))
    assert (reminder(store).status, reminder(store).sent_at) == (ReminderStatus.SENT, DUE)
    assert store.tables["settings"]["reminder:card:2"] == {
        "card": "R1@202611241400", "recent": [["R1@202611241400", DUE.isoformat()]]}


async def test_a_postponed_reminder_is_pushed_again_at_its_new_time() -> None:
    store = FakeStore()
    await setup(store, {"console": "zhangwei"})
    await deliver_due_reminders(store.uow, DUE)
    row = reminder(store)
    row.status, row.due_at = ReminderStatus.PENDING, DUE + timedelta(days=1)
    store.tables["reminders"][1] = row
    assert await deliver_due_reminders(store.uow, DUE + timedelta(days=1)) == 1
    assert [i.text.splitlines()[0] for i in outbox(store)] == ["⏰ 提醒 R1：#1 发方案"] * 2
    assert len({i.dedupe_key for i in outbox(store)}) == 2


async def test_an_overdue_reminder_goes_to_the_manager_once_after_the_delay() -> None:
    store = FakeStore()
    await setup(store, {"console": "zhangwei"})
    await deliver_due_reminders(store.uow, DUE)
    delay = timedelta(hours=24)
    assert await escalate_overdue_reminders(store.uow, DUE + delay - timedelta(minutes=1), delay) == 0
    later = DUE + delay + timedelta(hours=12)  # 10:00 two days on in Shanghai: no quiet hours
    assert await escalate_overdue_reminders(store.uow, later, delay) == 1
    assert await escalate_overdue_reminders(store.uow, later + timedelta(hours=5), delay) == 0
    escalation = [i for i in outbox(store) if i.recipient == "wang"]
    assert [i.text for i in escalation] == [
        "⚠️ Overdue reminder R1 of 张伟: #1 发方案 — due 2026-11-24 22:00, 1 d 12 h late and still not done."]
    assert escalation[0].not_before is None
    assert reminder(store).escalated_at == later


async def test_an_escalation_in_quiet_hours_waits_for_the_morning() -> None:
    store = FakeStore()
    await setup(store, {"console": "zhangwei"})
    await deliver_due_reminders(store.uow, DUE)
    night = DUE + timedelta(hours=25)  # 23:00 in Shanghai
    assert await escalate_overdue_reminders(store.uow, night) == 1
    (escalation,) = [i for i in outbox(store) if i.recipient == "wang"]
    assert escalation.not_before == datetime(2026, 11, 26, 0, 0, tzinfo=UTC)  # 08:00 in Shanghai


async def test_a_done_reminder_does_not_escalate_and_one_without_manager_is_marked_once() -> None:
    store = FakeStore()
    await setup(store, {"console": "zhangwei"}, manager=False)
    await deliver_due_reminders(store.uow, DUE)
    assert await escalate_overdue_reminders(store.uow, DUE + timedelta(days=2)) == 0  # nobody to tell: none queued
    assert reminder(store).escalated_at == DUE + timedelta(days=2)  # but marked, so it is looked at once
    assert await escalate_overdue_reminders(store.uow, DUE + timedelta(days=3)) == 0
    assert [i.recipient for i in outbox(store)] == ["zhangwei"]
    done = FakeStore()
    await setup(done, {"console": "zhangwei"})
    await deliver_due_reminders(done.uow, DUE)
    row = reminder(done)
    row.status = ReminderStatus.DONE
    done.tables["reminders"][1] = row
    assert await escalate_overdue_reminders(done.uow, DUE + timedelta(days=2)) == 0
