"""Delivery rows on top of risk_world's company: a won deal's project, its milestones and tasks."""

from __future__ import annotations

from datetime import date

from risk_world import NOW, World, add_contract, add_deal, days

from domain.delivery import Milestone, Project, Task, WorkStatus
from domain.opportunity import Stage


async def add_project(w: World, owner: int, *, manager: int | None = None, name: str = "明途 MES 实施",
                      status: WorkStatus = WorkStatus.DOING) -> int:
    deal = await add_deal(w, owner, stage=Stage.WON, entered=NOW - days(40), closed_at=NOW - days(40))
    await add_contract(w, deal)  # signed: the deal itself raises no warning
    async with w.uow() as uow:
        project = await uow.projects.add(Project(deal, name, manager_id=manager, starts_on=date(2026, 10, 15),
                                                 status=status, customer_id=w.customer, created_at=NOW - days(40)))
        await uow.commit()
    assert project.id is not None
    return project.id


async def add_stone(w: World, project: int, name: str, due: date, *, seq: int = 1,
                    accepted: date | None = None) -> int:
    async with w.uow() as uow:
        status = WorkStatus.DONE if accepted else WorkStatus.TODO
        stone = await uow.project_milestones.add(Milestone(project, name, due, status, seq=seq, accepted_on=accepted))
        await uow.commit()
    assert stone.id is not None
    return stone.id


async def add_task(w: World, project: int, title: str, due: date | None, *, assignee: int | None = None,
                   milestone: int | None = None, status: WorkStatus = WorkStatus.DOING, progress: int = 0,
                   blocker: str = "") -> int:
    async with w.uow() as uow:
        task = await uow.tasks.add(Task(title, project, milestone, assignee, due, status, progress=progress,
                                        blocker=blocker, created_at=NOW - days(30)))
        await uow.commit()
    assert task.id is not None
    return task.id


async def set_task(w: World, task_id: int, **fields: object) -> None:
    async with w.uow() as uow:
        task = await uow.tasks.get(task_id)
        for key, value in fields.items():
            setattr(task, key, value)
        await uow.tasks.save(task)
        await uow.commit()
