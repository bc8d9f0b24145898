"""A small sales team and one rep's recorded day, written through the repositories (any unit of work)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from domain.activity import FollowUp, FollowUpKind, Reminder, ReminderKind, ReminderStatus
from domain.audit import AuditEntry
from domain.billing import Payment
from domain.customer import Customer
from domain.messaging import OutboxItem
from domain.money import Money
from domain.opportunity import Opportunity, Stage
from domain.people import Rep, Role, Team
from domain.ports import UnitOfWork
from domain.quote import Quote
from tests.daily.conftest import Factory

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 11, 24)  # a Tuesday


def at(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


@dataclass(frozen=True)
class World:
    team: int
    manager: int
    zhang: int
    li: int
    deal: int
    customer: int


async def make_world(factory: Factory) -> World:
    """华东一组: 王经理 (manager), 张伟 and 李娜 (reps, console); 明途 with deal MES owned by 张伟."""
    async with factory() as uow:
        team = await uow.teams.add(Team("华东一组", region="华东"))
        manager = await uow.reps.add(Rep("王经理", role=Role.MANAGER, team_id=team.id,
                                         identities={"console": "wang"}))
        team.manager_id = manager.id
        await uow.teams.save(team)
        zhang = await uow.reps.add(Rep("张伟", team_id=team.id, identities={"console": "zhangwei"}))
        li = await uow.reps.add(Rep("李娜", team_id=team.id, identities={"console": "lina"}))
        customer = await uow.customers.add(Customer("杭州明途信息技术有限公司", short_name="明途"))
        assert customer.id is not None and zhang.id is not None
        deal = await uow.opportunities.add(Opportunity(customer.id, "MES", owner_id=zhang.id, team_id=team.id,
                                                       created_at=at(9) - timedelta(days=30)))
        await uow.commit()
    ids = (team.id, manager.id, zhang.id, li.id, deal.id, customer.id)
    assert all(i is not None for i in ids)
    return World(*ids)  # type: ignore[arg-type]


async def record_day(factory: Factory, w: World) -> None:
    """张伟's Tuesday: a visit at 10:00, the deal to 方案提案 at 11:00, quote v1 at 14:00, a payment at 16:00;
    李娜's follow-up the same day (not his); his note of the day before (not today)."""
    async with factory() as uow:
        await uow.followups.add(FollowUp(w.zhang, "现场演示，客户认可", at(10), w.deal, w.customer,
                                         kind=FollowUpKind.VISIT))
        await uow.followups.add(FollowUp(w.li, "李娜的电话", at(10, 30), w.deal, w.customer, kind=FollowUpKind.CALL))
        await uow.followups.add(FollowUp(w.zhang, "昨天的事", at(17) - timedelta(days=1), w.deal, w.customer))
        quote = await uow.quotes.add(Quote(w.deal, 1, Money(Decimal(800000)), created_by=w.zhang, created_at=at(14)))
        paid = await uow.payments.add(Payment(w.deal, Money(Decimal(100000)), DAY, recorded_by=w.zhang))
        assert quote.id is not None and paid.id is not None
        await uow.audit.add_many([
            AuditEntry(w.zhang, "opportunity", w.deal, "update", at(11),
                       {"stage": [Stage.INITIAL_CONTACT.value, Stage.PROPOSAL.value]}, batch="b1"),
            AuditEntry(w.zhang, "quote", quote.id, "create", at(14), {"version": 1}, batch="b2"),
            AuditEntry(w.zhang, "payment", paid.id, "create", at(16), {"amount": "100000"}, batch="b3"),
            AuditEntry(w.li, "opportunity", w.deal, "update", at(12), {"stage": ["proposal", "negotiation"]},
                       batch="b4"),
        ])
        await uow.commit()


async def remind(uow: UnitOfWork, rep: int, due: datetime, text: str, deal: int | None = None,
                 status: ReminderStatus = ReminderStatus.PENDING,
                 kind: ReminderKind = ReminderKind.CUSTOM) -> None:
    await uow.reminders.add(Reminder(rep, due, text, opportunity_id=deal, status=status, kind=kind))


async def outbox(factory: Factory) -> list[OutboxItem]:
    """Every queued message, in the order queued (claim takes them all: nothing else sends here)."""
    async with factory() as uow:
        items = list(await uow.outbox.claim(at(23, 59) + timedelta(days=30), limit=1000))
        await uow.rollback()
    return sorted(items, key=lambda i: i.id or 0)
