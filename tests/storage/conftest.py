"""Fixtures for the storage tests: a fixed clock and a few parent rows to hang children on."""

from __future__ import annotations

from datetime import datetime

import pytest
from storage_helpers import SHANGHAI, Factory, Parents

from domain.customer import Customer
from domain.delivery import Project
from domain.opportunity import Opportunity
from domain.people import Rep, Team


@pytest.fixture
def now() -> datetime:
    """Monday 2025-03-03 09:30 in Shanghai (01:30 UTC): deliberately not UTC."""
    return datetime(2025, 3, 3, 9, 30, tzinfo=SHANGHAI)


@pytest.fixture
async def parents(uow_factory: Factory, now: datetime) -> Parents:
    async with uow_factory() as uow:
        team = await uow.teams.add(Team("华东一组", region="华东"))
        assert team.id is not None
        rep = await uow.reps.add(Rep("张三", team_id=team.id, identities={"wecom": "zhangsan"}))
        customer = await uow.customers.add(Customer("明途科技有限公司", created_at=now))
        assert rep.id is not None and customer.id is not None
        deal = await uow.opportunities.add(
            Opportunity(customer.id, "ERP 项目", owner_id=rep.id, created_at=now))
        assert deal.id is not None
        project = await uow.projects.add(Project(deal.id, "ERP 实施", manager_id=rep.id))
        assert project.id is not None
        await uow.commit()
    return Parents(team.id, rep.id, customer.id, deal.id, project.id)
