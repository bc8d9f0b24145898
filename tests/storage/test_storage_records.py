"""Rows per opportunity and per project come back oldest first; quote versions are unique."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy.exc import IntegrityError
from storage_helpers import Factory, Parents

from domain.activity import FollowUp
from domain.billing import Contract, Invoice, Payment, PaymentMilestone
from domain.delivery import ChangeRequest, Milestone, Project, Rating, Task
from domain.money import Money
from domain.opportunity import Opportunity
from domain.quote import Quote


async def test_quotes_come_back_by_version_and_only_for_their_deal(
        uow_factory: Factory, parents: Parents) -> None:
    deal = parents.opportunity_id
    async with uow_factory() as uow:
        other = await uow.opportunities.add(Opportunity(parents.customer_id, "另一个"))
        v2 = await uow.quotes.add(Quote(deal, 2, Money(Decimal("90000"))))
        v1 = await uow.quotes.add(Quote(deal, 1, Money(Decimal("100000"))))
        await uow.quotes.add(Quote(other.id or 0, 1, Money(Decimal("5"))))
        await uow.commit()
    async with uow_factory() as uow:
        assert list(await uow.quotes.for_opportunity(deal)) == [v1, v2]


async def test_a_quote_version_cannot_be_stored_twice(uow_factory: Factory, parents: Parents) -> None:
    async with uow_factory() as uow:
        await uow.quotes.add(Quote(parents.opportunity_id, 1, Money(Decimal("1"))))
        with pytest.raises(IntegrityError):
            await uow.quotes.add(Quote(parents.opportunity_id, 1, Money(Decimal("2"))))


async def test_followups_come_back_by_time(uow_factory: Factory, parents: Parents, now: datetime) -> None:
    deal = parents.opportunity_id
    async with uow_factory() as uow:
        late = await uow.followups.add(FollowUp(parents.rep_id, "后", now, opportunity_id=deal))
        early = await uow.followups.add(FollowUp(None, "前", now - timedelta(days=1), opportunity_id=deal))
        await uow.followups.add(FollowUp(parents.rep_id, "只关联客户", now, customer_id=parents.customer_id))
        await uow.commit()
    async with uow_factory() as uow:
        assert list(await uow.followups.for_opportunity(deal)) == [early, late]


async def test_billing_rows_come_back_oldest_first(uow_factory: Factory, parents: Parents) -> None:
    deal, cny = parents.opportunity_id, Money(Decimal("100"))
    async with uow_factory() as uow:
        m2 = await uow.milestones.add(PaymentMilestone(deal, 2, cny, date(2025, 6, 1)))
        m1 = await uow.milestones.add(PaymentMilestone(deal, 1, cny, date(2025, 5, 1), Decimal("0.25")))
        p2 = await uow.payments.add(Payment(deal, cny, date(2025, 5, 2)))
        p1 = await uow.payments.add(Payment(deal, cny, date(2025, 5, 1)))
        c1 = await uow.contracts.add(Contract(deal, "HT-1", cny))
        c2 = await uow.contracts.add(Contract(deal, "HT-1-补", cny))
        i1 = await uow.invoices.add(Invoice(deal, cny, number="1"))
        i2 = await uow.invoices.add(Invoice(deal, cny, number="2"))
        await uow.commit()
    async with uow_factory() as uow:
        assert list(await uow.milestones.for_opportunity(deal)) == [m1, m2]
        assert list(await uow.payments.for_opportunity(deal)) == [p1, p2]
        assert list(await uow.contracts.for_opportunity(deal)) == [c1, c2]
        assert list(await uow.invoices.for_opportunity(deal)) == [i1, i2]
        assert await uow.invoices.for_opportunity(999_999) == []


async def test_projects_and_delivery_rows_are_listed_per_parent(
        uow_factory: Factory, parents: Parents, now: datetime) -> None:
    project = parents.project_id
    async with uow_factory() as uow:
        second_project = await uow.projects.add(Project(parents.opportunity_id, "二期"))
        late = await uow.project_milestones.add(Milestone(project, "验收", date(2025, 7, 1)))
        early = await uow.project_milestones.add(Milestone(project, "上线", date(2025, 6, 1)))
        task = await uow.tasks.add(Task("部署", project_id=project, milestone_id=early.id))
        await uow.tasks.add(Task("没有项目的任务"))
        change = await uow.change_requests.add(ChangeRequest(project, "加字段", now))
        rating = await uow.ratings.add(Rating(project, 5))
        await uow.commit()
    async with uow_factory() as uow:
        assert [p.name for p in await uow.projects.for_opportunity(parents.opportunity_id)] == [
            "ERP 实施", second_project.name]
        assert list(await uow.project_milestones.for_project(project)) == [early, late]
        assert list(await uow.tasks.for_project(project)) == [task]
        assert list(await uow.change_requests.for_project(project)) == [change]
        assert list(await uow.ratings.for_project(project)) == [rating]
