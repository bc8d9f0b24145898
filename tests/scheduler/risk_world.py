"""A small company for the risk-scan tests: two teams, a manager, reps on the console, a customer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select

from domain.activity import FollowUp
from domain.billing import Contract, Invoice, InvoiceStatus, Payment, PaymentMilestone
from domain.customer import Customer
from domain.lead import Lead, LeadStatus
from domain.money import Money
from domain.opportunity import Opportunity, Stage, StageChange
from domain.people import Rep, Role, Team
from domain.quote import Quote
from storage.models import OutboxRow, RiskAlertRow
from storage.uow import SqlAlchemyUnitOfWork

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI)  # a Tuesday, outside quiet hours
Factory = Callable[[], SqlAlchemyUnitOfWork]


@dataclass(frozen=True)
class World:
    uow_factory: Factory
    east: int  # team ids
    south: int
    wang: int  # manager of east
    zhang: int  # reps of east
    li: int
    chen: int  # rep of south, reads English
    customer: int

    def uow(self) -> SqlAlchemyUnitOfWork:
        return self.uow_factory()


async def make_world(uow_factory: Factory) -> World:
    async with uow_factory() as uow:
        east = await uow.teams.add(Team("华东一组", region="华东"))
        south = await uow.teams.add(Team("华南一组", region="华南"))
        assert east.id is not None and south.id is not None
        wang = await uow.reps.add(Rep("王经理", Role.MANAGER, east.id, identities={"console": "wang"}))
        zhang = await uow.reps.add(Rep("张伟", team_id=east.id, identities={"console": "zhangwei"}))
        li = await uow.reps.add(Rep("李娜", team_id=east.id, identities={"console": "lina"}))
        chen = await uow.reps.add(Rep("陈晨", team_id=south.id, locale="en", identities={"console": "chen"}))
        east.manager_id = wang.id
        await uow.teams.save(east)
        customer = await uow.customers.add(Customer("杭州明途信息技术有限公司", short_name="明途", created_at=NOW))
        await uow.commit()
    ids = [wang.id, zhang.id, li.id, chen.id, customer.id]
    assert all(i is not None for i in ids)
    return World(uow_factory, east.id, south.id, *ids)  # type: ignore[arg-type]


async def add_deal(w: World, owner: int, *, stage: Stage = Stage.INITIAL_CONTACT, created: datetime = NOW,
                   entered: datetime | None = None, name: str = "MES", **fields: object) -> int:
    """A deal of `owner`'s team; `entered`: when it reached `stage` (a stage change is recorded)."""
    async with w.uow() as uow:
        team = (await uow.reps.get(owner)).team_id
        history = [StageChange(Stage.INITIAL_CONTACT, stage, entered, owner)] if entered else []
        deal = await uow.opportunities.add(Opportunity(w.customer, name, owner_id=owner, team_id=team, stage=stage,
                                                       created_at=created, history=history, **fields))  # type: ignore[arg-type]
        await uow.commit()
    assert deal.id is not None
    return deal.id


async def change(w: World, deal_id: int, **fields: object) -> None:
    async with w.uow() as uow:
        deal = await uow.opportunities.get(deal_id)
        for key, value in fields.items():
            setattr(deal, key, value)
        await uow.opportunities.save(deal)
        await uow.commit()


async def move(w: World, deal_id: int, target: Stage, at: datetime) -> None:
    async with w.uow() as uow:
        deal = await uow.opportunities.get(deal_id)
        deal.history.append(StageChange(deal.stage, target, at, deal.owner_id))
        deal.stage = target
        if target.is_closed:
            deal.closed_at = at
        await uow.opportunities.save(deal)
        await uow.commit()


async def add_quote(w: World, deal_id: int, version: int, amount: int) -> None:
    async with w.uow() as uow:
        await uow.quotes.add(Quote(deal_id, version, Money(Decimal(amount)), created_at=NOW))
        await uow.commit()


async def add_milestone(w: World, deal_id: int, due: date, amount: int = 300000) -> int:
    async with w.uow() as uow:
        m = await uow.milestones.add(PaymentMilestone(deal_id, 1, Money(Decimal(amount)), due))
        await uow.commit()
    assert m.id is not None
    return m.id


async def add_payment(w: World, deal_id: int, amount: int, on: date) -> None:
    async with w.uow() as uow:
        await uow.payments.add(Payment(deal_id, Money(Decimal(amount)), on))
        await uow.commit()


async def pay_milestone(w: World, milestone_id: int, amount: int) -> None:
    async with w.uow() as uow:
        m = await uow.milestones.get(milestone_id)
        m.paid = Money(Decimal(amount))
        await uow.milestones.save(m)
        await uow.commit()


async def add_invoice(w: World, deal_id: int, amount: int, issued: date) -> int:
    async with w.uow() as uow:
        inv = await uow.invoices.add(Invoice(deal_id, Money(Decimal(amount)), InvoiceStatus.ISSUED, issued_on=issued))
        await uow.commit()
    assert inv.id is not None
    return inv.id


async def add_contract(w: World, deal_id: int) -> None:
    async with w.uow() as uow:
        await uow.contracts.add(Contract(deal_id, "HT-1", Money(Decimal(960000))))
        await uow.commit()


async def add_lead(w: World, owner: int, created: datetime, status: LeadStatus = LeadStatus.ASSIGNED) -> int:
    async with w.uow() as uow:
        team = (await uow.reps.get(owner)).team_id
        lead = await uow.leads.add(Lead(w.customer, "明途 二期", owner_id=owner, team_id=team, status=status,
                                        created_at=created))
        await uow.commit()
    assert lead.id is not None
    return lead.id


async def add_followup(w: World, at: datetime) -> None:
    async with w.uow() as uow:
        await uow.followups.add(FollowUp(rep_id=w.zhang, note="电话", at=at, customer_id=w.customer))
        await uow.commit()


async def alerts(w: World) -> list[tuple[str, str, int, str]]:
    """(rule, subject kind, subject id, state) of every stored warning, oldest first."""
    async with w.uow() as uow:
        rows = (await uow.session.execute(select(RiskAlertRow).order_by(RiskAlertRow.id))).scalars()
        return [(r.rule, r.subject_kind, r.subject_id, r.state) for r in rows]


async def rules_of(w: World) -> list[tuple[str, int]]:
    return [(rule, subject) for rule, _, subject, _ in await alerts(w)]


async def outbox(w: World) -> list[tuple[str, str, str]]:
    """(recipient, dedupe key, text) of every risk message queued, oldest first."""
    async with w.uow() as uow:
        stmt = select(OutboxRow).where(OutboxRow.dedupe_key.like("risks%")).order_by(OutboxRow.id)
        return [(r.recipient, r.dedupe_key or "", r.text) for r in (await uow.session.execute(stmt)).scalars()]


def days(n: float) -> timedelta:
    return timedelta(days=n)
