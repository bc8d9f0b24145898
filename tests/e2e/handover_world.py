"""张伟's book of business for the handover tests, and the stored state a handover changes (read with SQL)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select

from domain.activity import Reminder, ReminderStatus
from domain.customer import Customer
from domain.lead import Lead, LeadStatus
from domain.money import Money
from domain.opportunity import Opportunity, Stage
from storage.models import (
    AuditRow,
    CustomerRow,
    LeadRow,
    OpportunityRow,
    OpportunityShareRow,
    OutboxRow,
    ReminderRow,
    RepRow,
)
from storage.uow import SqlAlchemyUnitOfWork
from tests.e2e.conftest import NOW
from tests.e2e.harness import Console


async def ids(console: Console) -> dict[str, int]:
    async with console.app.uow_factory() as uow:
        return {r.name: r.id or 0 for r in await uow.reps.list()}


async def seed_book(console: Console) -> dict[str, int]:
    """张伟 (华东一组): 3 customers, 2 open leads and a converted one, 3 open deals (80万, 30万, $5,000), a won
    and a lost deal, 2 pending and 1 sent reminders and a done one; shares both ways. Returns the people's ids."""
    people = await ids(console)
    zw, ln, cc = people["张伟"], people["李娜"], people["陈晨"]
    async with console.app.uow_factory() as uow:
        team = (await uow.reps.get(zw)).team_id
        south = (await uow.reps.get(cc)).team_id
        names = ("杭州明途信息技术有限公司", "青岛海纳电子有限公司", "苏州恒瑞智能装备有限公司")
        c = [await uow.customers.add(Customer(name, owner_id=zw)) for name in names]
        own = await uow.customers.add(Customer("李娜的客户有限公司", owner_id=ln))
        for title, status in (("MES", LeadStatus.ASSIGNED), ("WMS", LeadStatus.NEW), ("旧线索", LeadStatus.CONVERTED)):
            await uow.leads.add(Lead(c[0].id or 0, title, status=status, owner_id=zw, team_id=team))
        deals = [await uow.opportunities.add(Opportunity(
            c[i].id or 0, name, owner_id=zw, team_id=team, stage=stage, amount=amount))
            for i, name, stage, amount in (
                (0, "MES", Stage.PROPOSAL, Money(Decimal(800000))), (1, "ERP", Stage.INITIAL_CONTACT,
                                                                     Money(Decimal(300000))),
                (2, "Export", Stage.NEGOTIATION, Money(Decimal(5000), "USD")),
                (0, "一期", Stage.WON, Money(Decimal(500000))), (1, "旧项目", Stage.LOST, None))]
        deals[0].shared_with = [cc]  # a sharee who stays
        deals[1].shared_with = [ln]  # the successor: her share goes, she owns it now
        for deal in deals[:2]:
            await uow.opportunities.save(deal)
        await uow.opportunities.add(Opportunity(own.id or 0, "李娜的商机", owner_id=ln, team_id=team,
                                                shared_with=[zw]))  # dropped: she owns it
        await uow.opportunities.add(Opportunity(own.id or 0, "陈晨的商机", owner_id=cc, team_id=south,
                                                shared_with=[zw]))  # moves to 李娜
        for n, reminder in enumerate((ReminderStatus.PENDING, ReminderStatus.PENDING, ReminderStatus.SENT,
                                    ReminderStatus.DONE)):
            await uow.reminders.add(Reminder(zw, NOW + timedelta(days=n + 1), f"提醒{n}", deals[0].id,
                                             status=reminder))
        await uow.commit()
    return people


async def state(console: Console) -> dict[str, Any]:
    """Owners, teams, shares, reminders' people and the people's accounts, as stored."""
    async with console.app.uow_factory() as uow:
        assert isinstance(uow, SqlAlchemyUnitOfWork)
        s = uow.session

        async def rows(stmt: Any) -> list[tuple[Any, ...]]:
            return sorted(tuple(r) for r in await s.execute(stmt))
        return {
            "customers": await rows(select(CustomerRow.id, CustomerRow.owner_id)),
            "leads": await rows(select(LeadRow.id, LeadRow.owner_id, LeadRow.team_id, LeadRow.status)),
            "deals": await rows(select(OpportunityRow.id, OpportunityRow.owner_id, OpportunityRow.team_id)),
            "shares": await rows(select(OpportunityShareRow.opportunity_id, OpportunityShareRow.rep_id)),
            "reminders": await rows(select(ReminderRow.id, ReminderRow.rep_id, ReminderRow.status)),
            "active": await rows(select(RepRow.id, RepRow.active)),
        }


async def outbox_to(console: Console, recipient: str) -> list[str]:
    async with console.app.uow_factory() as uow:
        assert isinstance(uow, SqlAlchemyUnitOfWork)
        stmt = select(OutboxRow.text).where(OutboxRow.recipient == recipient).order_by(OutboxRow.id)
        return list(await uow.session.scalars(stmt))


async def handover_audits(console: Console) -> list[tuple[int, dict[str, Any]]]:
    """(leaver id, changes) of each handover audit entry."""
    async with console.app.uow_factory() as uow:
        assert isinstance(uow, SqlAlchemyUnitOfWork)
        stmt = select(AuditRow.entity_id, AuditRow.changes).where(AuditRow.entity == "handover")
        return [(leaver, dict(changes)) for leaver, changes in await uow.session.execute(stmt.order_by(AuditRow.id))]


async def seed_big_book(uow: SqlAlchemyUnitOfWork, owner: int, team: int | None, deals: int) -> None:
    """`deals` open deals (1万 each) on one customer of `owner`, written in one multi-row statement."""
    customer = await uow.customers.add(Customer("大客户集团有限公司", owner_id=owner))
    rows = [{"customer_id": customer.id, "name": f"D{n}", "owner_id": owner, "team_id": team,
             "stage": Stage.PROPOSAL.value, "amount": Decimal(10000), "amount_currency": "CNY", "next_step": "",
             "lost_note": "", "created_at": NOW} for n in range(deals)]
    await uow.session.execute(insert(OpportunityRow), rows)
    await uow.commit()
