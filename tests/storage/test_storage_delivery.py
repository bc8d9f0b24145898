"""Delivery rows of issue #15 (migration 0021) round-trip on both engines: tasks with subtasks, progress,
effort and dependencies; change requests with their effect; ratings per milestone; the timeline; files."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from storage_helpers import Factory, Parents

from domain.billing import PaymentMilestone
from domain.delivery import (
    ChangeRequest,
    Milestone,
    ProjectEvent,
    ProjectFile,
    Rating,
    RequestState,
    Task,
    WorkStatus,
)
from domain.money import Money


async def test_tasks_keep_parent_progress_effort_and_dependencies(uow_factory: Factory, parents: Parents,
                                                                  now: datetime) -> None:
    async with uow_factory() as uow:
        plan = await uow.milestones.add(PaymentMilestone(parents.opportunity_id, 1, Money(Decimal("300000")),
                                                         date(2025, 4, 1)))
        stone = await uow.project_milestones.add(Milestone(parents.project_id, "上线", date(2025, 4, 1), seq=2,
                                                           payment_milestone_id=plan.id))
        first = await uow.tasks.add(Task("需求调研", parents.project_id, stone.id, parents.rep_id,
                                         date(2025, 3, 10), starts_on=date(2025, 3, 3), effort_days=Decimal("4.5")))
        assert first.id is not None
        second = await uow.tasks.add(Task("接口开发", parents.project_id, stone.id, parents.rep_id, date(2025, 3, 20),
                                          WorkStatus.BLOCKED, parent_id=first.id, progress=40, blocker="等客户账号",
                                          depends_on=[first.id], created_at=now))
        await uow.commit()
    async with uow_factory() as uow:
        tasks = list(await uow.tasks.for_project(parents.project_id))
        stones = list(await uow.project_milestones.for_project(parents.project_id))
    assert tasks == [first, second]
    assert tasks[1].depends_on == [first.id] and tasks[1].progress == 40 and tasks[1].blocker == "等客户账号"
    assert tasks[0].effort_days == Decimal("4.5") and tasks[0].depends_on == []
    assert stones[0].payment_milestone_id == plan.id and stones[0].seq == 2


async def test_change_requests_and_ratings_keep_their_effect_and_milestone(uow_factory: Factory, parents: Parents,
                                                                           now: datetime) -> None:
    async with uow_factory() as uow:
        stone = await uow.project_milestones.add(Milestone(parents.project_id, "验收", date(2025, 5, 1)))
        request = await uow.change_requests.add(ChangeRequest(
            parents.project_id, "增加报表模块", now, description="月度销售报表", source="portal", requester="何总",
            days_delta=10, amount_delta=Money(Decimal("50000"))))
        rating = await uow.ratings.add(Rating(parents.project_id, 4, "按时", milestone_id=stone.id, rated_at=now,
                                              source="portal", rater="何总"))
        await uow.commit()
    async with uow_factory() as uow:
        [stored] = await uow.change_requests.for_project(parents.project_id)
        assert stored == request and stored.state is RequestState.OPEN
        assert stored.amount_delta == Money(Decimal("50000"))
        assert list(await uow.ratings.for_project(parents.project_id)) == [rating]


async def test_recent_events_newest_first_and_public_only(uow_factory: Factory, parents: Parents,
                                                          now: datetime) -> None:
    async with uow_factory() as uow:
        for i in range(5):
            await uow.project_events.add(ProjectEvent(parents.project_id, now + timedelta(minutes=i), "task",
                                                      f"更新{i}", f"update {i}", public=i % 2 == 0))
        await uow.project_files.add(ProjectFile(parents.project_id, "需求.pdf", "application/pdf", 1234, "ab" * 32,
                                                now, source="email"))
        await uow.commit()
    async with uow_factory() as uow:
        recent = await uow.project_events.recent(parents.project_id, limit=2)
        public = await uow.project_events.recent(parents.project_id, public_only=True)
        files = await uow.project_files.for_project(parents.project_id)
    assert [e.text for e in recent] == ["更新4", "更新3"]
    assert [e.text for e in public] == ["更新4", "更新2", "更新0"]
    assert [(f.filename, f.size, f.source) for f in files] == [("需求.pdf", 1234, "email")]
