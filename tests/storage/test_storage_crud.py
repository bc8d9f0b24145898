"""add / get / find / save / delete for every repository, on both engines."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from storage_helpers import Factory, Parents

from domain.activity import FollowUp, FollowUpKind, Reminder, ReminderStatus
from domain.billing import Contract, Invoice, InvoiceStatus, MilestoneStatus, Payment, PaymentMilestone
from domain.customer import Contact, Customer, Lifecycle
from domain.delivery import ChangeRequest, Milestone, Project, Rating, Task, WorkStatus
from domain.errors import NotFound
from domain.lead import Lead, LeadStatus
from domain.money import USD, Money
from domain.opportunity import LostReason, Opportunity, Stage
from domain.people import Rep, Role, Team
from domain.quote import Quote

Build = Callable[[Parents, datetime], Any]
Change = Callable[[Any, datetime], None]


def _set(**values: Any) -> Change:
    def change(item: Any, now: datetime) -> None:
        for name, value in values.items():
            setattr(item, name, value(now) if callable(value) else value)
    return change


# repository attribute -> (new object, a change to save, NotFound names, reference prefix)
CASES: dict[str, tuple[Build, Change, tuple[str, str], str]] = {
    "reps": (
        lambda p, t: Rep("李四", role=Role.MANAGER, team_id=p.team_id, regions=["华南", "华东"],
                         identities={"dingtalk": "lisi01", "email": "lisi@example.cn"},
                         email="lisi@example.cn"),
        _set(name="李四四", active=False, identities={"wecom": "lisi"}, regions=[]),
        ("销售", "rep"), "#"),
    "teams": (
        lambda p, t: Team("华南组", region="华南", manager_id=p.rep_id),
        _set(name="华南二组", manager_id=None), ("团队", "team"), "#"),
    "customers": (
        lambda p, t: Customer("蓝海物流股份有限公司", short_name="蓝海", industry="物流", region="华南",
                              tags=["重点", "KA"], aliases=["Blue Sea"], lifecycle=Lifecycle.ACTIVE,
                              phone="020-88886666", email="info@bluesea.cn", domain="bluesea.cn",
                              owner_id=p.rep_id, created_at=t),
        _set(lifecycle=Lifecycle.CUSTOMER, tags=["重点"], aliases=[]), ("客户", "customer"), "#"),
    "contacts": (
        lambda p, t: Contact(p.customer_id, "王经理", title="IT 经理", phone="13800138000",
                             email="wang@mingtu.com"),
        _set(bouncing=True, title="CIO"), ("联系人", "contact"), "#"),
    "leads": (
        lambda p, t: Lead(p.customer_id, title="仓储系统", budget=Money(Decimal("80000.00"), USD),
                          region="华东", source="email", status=LeadStatus.ASSIGNED, owner_id=p.rep_id,
                          team_id=p.team_id, created_at=t),
        _set(status=LeadStatus.DISQUALIFIED, budget=None), ("线索", "lead"), "L"),
    "opportunities": (
        lambda p, t: Opportunity(p.customer_id, "WMS 二期", owner_id=p.rep_id, team_id=p.team_id,
                                 amount=Money(Decimal("528000.50")), expected_close=t + timedelta(days=30),
                                 next_step="发方案", next_at=t + timedelta(days=2), shared_with=[p.rep_id],
                                 created_at=t, updated_at=t),
        _set(stage=Stage.LOST, lost_reason=LostReason.COMPETITOR, lost_note="竞品低价", shared_with=[],
             closed_at=lambda t: t + timedelta(hours=3), amount=Money(Decimal("1.10"), USD)),
        ("商机", "deal"), "#"),
    "followups": (
        lambda p, t: FollowUp(p.rep_id, "电话沟通需求", t, opportunity_id=p.opportunity_id,
                              customer_id=p.customer_id, kind=FollowUpKind.CALL, next_step="发报价",
                              next_at=t + timedelta(days=1)),
        _set(kind=FollowUpKind.VISIT, next_at=None), ("跟进记录", "follow-up"), "#"),
    "quotes": (
        lambda p, t: Quote(p.opportunity_id, 1, Money(Decimal("100000")), note="首版", created_by=p.rep_id,
                           created_at=t),
        _set(note="首版（含税）"), ("报价", "quote"), "#"),
    "contracts": (
        lambda p, t: Contract(p.opportunity_id, "HT-2025-001", Money(Decimal("500000")),
                              signed_on=date(2025, 3, 1), created_by=p.rep_id, created_at=t),
        _set(signed_on=None, note="补充协议"), ("合同", "contract"), "#"),
    "milestones": (
        lambda p, t: PaymentMilestone(p.opportunity_id, 1, Money(Decimal("150000")), date(2025, 4, 1),
                                      percent=Decimal("0.3"), paid=Money(Decimal("50000")),
                                      status=MilestoneStatus.PARTIAL),
        _set(status=MilestoneStatus.PAID, paid=Money(Decimal("150000"))),
        ("回款节点", "payment milestone"), "#"),
    "payments": (
        lambda p, t: Payment(p.opportunity_id, Money(Decimal("50000")), date(2025, 3, 10),
                             recorded_by=p.rep_id),
        _set(note="首付款"), ("回款", "payment"), "#"),
    "invoices": (
        lambda p, t: Invoice(p.opportunity_id, Money(Decimal("50000")), number="No.0001",
                             issued_on=date(2025, 3, 11)),
        _set(status=InvoiceStatus.VOID), ("发票", "invoice"), "#"),
    "projects": (
        lambda p, t: Project(p.opportunity_id, "WMS 实施", manager_id=p.rep_id, starts_on=date(2025, 4, 1),
                             ends_on=date(2025, 6, 30)),
        _set(status=WorkStatus.DOING, ends_on=None), ("项目", "project"), "#"),
    "project_milestones": (
        lambda p, t: Milestone(p.project_id, "上线", date(2025, 6, 1)),
        _set(status=WorkStatus.DONE), ("里程碑", "milestone"), "#"),
    "tasks": (
        lambda p, t: Task("数据迁移", project_id=p.project_id, assignee_id=p.rep_id, due_on=date(2025, 5, 1)),
        _set(status=WorkStatus.BLOCKED, assignee_id=None), ("任务", "task"), "#"),
    "change_requests": (
        lambda p, t: ChangeRequest(p.project_id, "增加报表", t),
        _set(approved=False), ("变更请求", "change request"), "#"),
    "ratings": (
        lambda p, t: Rating(p.project_id, 5, comment="交付很顺利"),
        _set(score=4), ("评价", "rating"), "#"),
    "reminders": (
        lambda p, t: Reminder(p.rep_id, t + timedelta(hours=1), "给明途回电话",
                              opportunity_id=p.opportunity_id),
        _set(status=ReminderStatus.SENT), ("提醒", "reminder"), "#"),
}

REPOSITORIES = sorted(CASES)


async def _add(uow_factory: Factory, repo: str, parents: Parents, now: datetime) -> Any:
    async with uow_factory() as uow:
        item = await getattr(uow, repo).add(CASES[repo][0](parents, now))
        await uow.commit()
    return item


@pytest.mark.parametrize("repo", REPOSITORIES)
async def test_add_assigns_an_id_and_get_returns_an_equal_domain_object(
        uow_factory: Factory, parents: Parents, now: datetime, repo: str) -> None:
    original = CASES[repo][0](parents, now)
    item = await _add(uow_factory, repo, parents, now)
    assert isinstance(item.id, int)
    async with uow_factory() as uow:
        loaded = await getattr(uow, repo).get(item.id)
    assert type(loaded) is type(original)
    assert loaded == replace(original, id=item.id)


@pytest.mark.parametrize("repo", REPOSITORIES)
async def test_save_writes_changes_back(
        uow_factory: Factory, parents: Parents, now: datetime, repo: str) -> None:
    item = await _add(uow_factory, repo, parents, now)
    async with uow_factory() as uow:
        loaded = await getattr(uow, repo).get(item.id)
        CASES[repo][1](loaded, now)
        await getattr(uow, repo).save(loaded)
        await uow.commit()
    async with uow_factory() as uow:
        assert await getattr(uow, repo).get(item.id) == loaded


@pytest.mark.parametrize("repo", REPOSITORIES)
async def test_delete_removes_the_row(
        uow_factory: Factory, parents: Parents, now: datetime, repo: str) -> None:
    item = await _add(uow_factory, repo, parents, now)
    async with uow_factory() as uow:
        await getattr(uow, repo).delete(await getattr(uow, repo).get(item.id))
        await uow.commit()
    async with uow_factory() as uow:
        assert await getattr(uow, repo).find(item.id) is None


@pytest.mark.parametrize("repo", REPOSITORIES)
async def test_missing_rows_find_none_and_get_raises_not_found_in_both_languages(
        uow_factory: Factory, parents: Parents, repo: str) -> None:
    _, _, (zh, en), prefix = CASES[repo]
    async with uow_factory() as uow:
        assert await getattr(uow, repo).find(999_999) is None
        with pytest.raises(NotFound) as caught:
            await getattr(uow, repo).get(999_999)
    assert caught.value.message("zh") == f"找不到{zh} {prefix}999999"
    assert caught.value.message("en") == f"No {en} {prefix}999999 found"


async def test_saving_an_object_that_is_not_stored_raises_not_found(uow_factory: Factory) -> None:
    async with uow_factory() as uow:
        with pytest.raises(NotFound):
            await uow.teams.save(Team("幽灵组", id=424242))
