"""Per-unit-of-work overhead that does not grow: reminders read reps in one query, remembered deals bounded."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.activity import Reminder, ReminderStatus
from domain.customer import Customer
from domain.opportunity import Opportunity
from domain.people import Rep, Team
from scheduler.jobs import deliver_due_reminders
from storage.models import OutboxRow
from storage.repositories import deal_children
from storage.uow import SqlAlchemyUnitOfWork

Factory = Callable[[], SqlAlchemyUnitOfWork]
NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)


def statements_on(engine: AsyncEngine) -> list[str]:
    seen: list[str] = []
    event.listen(engine.sync_engine, "before_cursor_execute",
                 lambda conn, cursor, stmt, *rest: seen.append(" ".join(stmt.split()).lower()))
    return seen


async def seed_reminders(uow_factory: Factory, people: int) -> list[int]:
    """`people` reps, each with a deal and a due reminder about it; the last one's deal is another's."""
    async with uow_factory() as uow:
        team = await uow.teams.add(Team("华东一组"))
        customer = await uow.customers.add(Customer("明途科技", created_at=NOW))
        assert customer.id is not None
        ids = []
        for n in range(people):
            rep = await uow.reps.add(Rep(f"销售{n}", team_id=team.id, identities={"wecom": f"rep{n}"}))
            assert rep.id is not None
            ids.append(rep.id)
        for n, rep_id in enumerate(ids):
            owner = ids[0] if n == people - 1 else rep_id  # the last rep may not see rep 0's deal
            deal = await uow.opportunities.add(Opportunity(customer.id, f"项目{n}", owner_id=owner, created_at=NOW))
            await uow.reminders.add(Reminder(rep_id=rep_id, due_at=NOW - timedelta(minutes=1),
                                             text=f"#{deal.id} 跟进", opportunity_id=deal.id))
        await uow.commit()
    return ids


async def test_reminder_delivery_reads_reps_and_deals_in_one_query_each(
        uow_factory: Factory, engine: AsyncEngine) -> None:
    ids = await seed_reminders(uow_factory, 6)
    seen = statements_on(engine)
    assert await deliver_due_reminders(uow_factory, NOW) == 6
    selects = [s for s in seen if s.startswith("select")]
    assert len([s for s in selects if "from reps" in s]) == 1
    assert len([s for s in selects if "from opportunities" in s]) == 1
    async with uow_factory() as uow:
        sent = (await uow.session.execute(
            select(OutboxRow.channel, OutboxRow.recipient).order_by(OutboxRow.recipient))).all()
        statuses = [(await uow.reminders.get(n)).status for n in range(1, 7)]
    assert [(row.channel, row.recipient) for row in sent] == [("wecom", f"rep{n}") for n in range(5)]
    assert statuses == [ReminderStatus.SENT] * 5 + [ReminderStatus.CANCELLED]  # lost sight of the deal
    assert len(ids) == 6


async def test_deals_read_in_a_savepoint_block_are_forgotten_when_it_ends(uow_factory: Factory) -> None:
    async with uow_factory() as uow:
        customer = await uow.customers.add(Customer("明途科技", created_at=NOW))
        assert customer.id is not None
        for n in range(deal_children.MAX_REMEMBERED + 20):
            await uow.opportunities.add(Opportunity(customer.id, f"项目{n}", created_at=NOW))
        await uow.commit()
    async with uow_factory() as uow:
        for deal_id in range(1, deal_children.MAX_REMEMBERED + 21):  # outside any block: bounded
            assert await uow.opportunities.find(deal_id) is not None
        assert len(uow.session.info["deal_children"]) == deal_children.MAX_REMEMBERED
        async with uow.savepoint():
            deal = await uow.opportunities.get(1)
            deal.shared_with.append(1)  # written from what this block remembered
            await uow.opportunities.save(deal)
            assert deal.id in uow.session.info["deal_children"]
        assert "deal_children" not in uow.session.info
        await uow.commit()
    async with uow_factory() as uow:
        assert (await uow.opportunities.get(1)).shared_with == [1]
