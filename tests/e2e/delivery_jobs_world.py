"""Delivery rows for the jobs' end-to-end tests (issue #15): a won deal of a console rep with its project,
milestones, tasks, change requests and timeline, written straight to the database."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

from sqlalchemy import select

from bot.bootstrap import App
from domain.customer import Customer
from domain.delivery import ChangeRequest, Milestone, Project, ProjectEvent, Task, WorkStatus
from domain.money import Money
from domain.opportunity import Opportunity, Stage
from storage.models import OutboxRow


class Console(Protocol):  # a console session, a WeCom session: anything driving an app
    app: App


async def rep_id(console: Console, name: str) -> int:
    async with console.app.uow_factory() as uow:
        rep = await uow.reps.by_name(name)  # type: ignore[attr-defined]
    assert rep is not None and rep.id is not None
    return int(rep.id)


async def won_project(console: Console, owner: str, name: str, manager: str | None = None,
                      at: datetime | None = None) -> int:
    """A won deal of `owner` (a customer of its own) and its open project; the project's id."""
    owner_id = await rep_id(console, owner)
    manager_id = await rep_id(console, manager) if manager else None
    async with console.app.uow_factory() as uow:
        team = (await uow.reps.get(owner_id)).team_id
        customer = await uow.customers.add(Customer(f"{name}有限公司", short_name=name))
        assert customer.id is not None
        deal = await uow.opportunities.add(Opportunity(customer.id, f"{name} MES", owner_id=owner_id, team_id=team,
                                                       stage=Stage.WON, closed_at=at))
        assert deal.id is not None
        project = await uow.projects.add(Project(deal.id, f"{name} MES 实施", manager_id=manager_id,  # type: ignore[attr-defined]
                                                 starts_on=date(2026, 11, 2), status=WorkStatus.DOING,
                                                 customer_id=customer.id, created_at=at))
        await uow.commit()
    assert project.id is not None
    return int(project.id)


async def add_rows(console: Console, *items: Any) -> list[int]:
    """Add milestones, tasks, change requests and events (each to its repository); their ids."""
    repos = {Milestone: "project_milestones", Task: "tasks", ChangeRequest: "change_requests",
             ProjectEvent: "project_events"}
    ids = []
    async with console.app.uow_factory() as uow:
        for item in items:
            added = await getattr(uow, repos[type(item)]).add(item)
            ids.append(added.id)
        await uow.commit()
    return ids


def money(amount: int) -> Money:
    return Money(Decimal(amount))


async def outbox_rows(console: Console, prefix: str) -> list[tuple[str, str, str, str]]:
    """(channel, recipient, dedupe key, text) of the outbox rows whose dedupe key starts with `prefix`."""
    async with console.app.uow_factory() as uow:
        stmt = select(OutboxRow).where(OutboxRow.dedupe_key.like(f"{prefix}%")).order_by(OutboxRow.id)
        rows = (await uow.session.execute(stmt)).scalars()  # type: ignore[attr-defined]
        return [(r.channel, r.recipient, r.dedupe_key or "", r.text) for r in rows]
