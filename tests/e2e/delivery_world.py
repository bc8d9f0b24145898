"""A small delivery project written straight to the database (the project commands are another module's): P1 on
张伟's deal #1 (华东一组), two milestones, tasks for 张伟 and 李娜 with efforts and a dependency."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from decimal import Decimal

from domain.delivery import Milestone, Project, Task, WorkStatus
from domain.ports import UnitOfWork
from tests.e2e.harness import Console

ZHANG, LI = 2, 3  # rep ids in tests.e2e.harness.USERS order: 王经理 1, 张伟 2, 李娜 3, 陈晨 4, 管理员 5


async def delivery_project(console: Console, *, li_task: bool = True) -> int:
    """Deal #1 of 张伟 and its project P1 (starting 2026-11-16); returns the project id."""
    project_id = await said_project(console.say, console.app.uow_factory, li_task=li_task)
    console.read()
    return project_id


async def said_project(say: Callable[[str], Awaitable[object]], uow_factory: Callable[[], UnitOfWork], *,
                       li_task: bool = True) -> int:
    """The customer and deal #1 said in chat by its default speaker (张伟) on any channel, then P1 written."""
    await say("新客户 杭州明途信息技术有限公司 区域 华东")
    await say("新商机 明途 MES 80万")
    return await write_project(uow_factory, li_task=li_task)


async def write_project(uow_factory: Callable[[], UnitOfWork], *, li_task: bool = True) -> int:
    """P1 on deal #1 (张伟's, already there): two milestones, three tasks (see the module's docstring)."""
    async with uow_factory() as uow:
        deal = await uow.opportunities.find(1)
        assert deal is not None and deal.owner_id == ZHANG
        project = await uow.projects.add(Project(1, "明途 MES 实施", manager_id=ZHANG, starts_on=date(2026, 11, 16),
                                                 customer_id=deal.customer_id))
        assert project.id is not None
        first = await uow.project_milestones.add(Milestone(project.id, "需求确认", date(2026, 11, 27), seq=1))
        second = await uow.project_milestones.add(Milestone(project.id, "上线", date(2026, 12, 31), seq=2))
        survey = await uow.tasks.add(Task("需求调研", project.id, first.id, ZHANG, date(2026, 11, 27),
                                          WorkStatus.DOING, starts_on=date(2026, 11, 16), progress=60,
                                          effort_days=Decimal(10)))
        assert survey.id is not None
        await uow.tasks.add(Task("接口开发", project.id, second.id, LI if li_task else ZHANG, date(2026, 12, 11),
                                 WorkStatus.DOING, starts_on=date(2026, 11, 30), effort_days=Decimal(15),
                                 depends_on=[survey.id]))
        await uow.tasks.add(Task("数据迁移", project.id, second.id, ZHANG, date(2026, 12, 4), WorkStatus.BLOCKED,
                                 starts_on=date(2026, 11, 30), blocker="等客户导出数据"))
        await uow.commit()
    return project.id


async def other_team_project(console: Console) -> int:
    """陈晨's deal #2 (华南) and its project P2, where 李娜 holds a task for the week of 12-14 (5 person-days)."""
    speaker = console.connector.user
    await console.say("新客户 深圳华强电子有限公司 区域 华南", as_user="chen")
    await console.say("新商机 华强 ERP 50万", as_user="chen")
    console.connector.user = speaker  # `say(as_user=...)` keeps the new speaker
    console.read()
    async with console.app.uow_factory() as uow:
        deal = await uow.opportunities.find(2)
        assert deal is not None and deal.owner_id == 4
        project = await uow.projects.add(Project(2, "华强 ERP 上线", manager_id=4, starts_on=date(2026, 12, 14),
                                                 customer_id=deal.customer_id))
        assert project.id is not None
        await uow.tasks.add(Task("现场部署", project.id, None, LI, date(2026, 12, 18), WorkStatus.TODO,
                                 starts_on=date(2026, 12, 14), effort_days=Decimal(5)))
        await uow.commit()
    return project.id
