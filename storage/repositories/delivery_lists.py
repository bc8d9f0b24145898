"""Lists over the delivery rows (issue #15) that the chat commands need: the open projects a person may see
(the deal's viewers, the project's manager, people with a task in it), one person's open tasks, the tasks and
milestones of several projects at once, and whether someone holds a task in a project.

Who may see a project is a UNION of index reads (visible_ids: projects by manager, tasks by assignee, deals by
owner and team, shares by rep, projects by deal); tests/storage/test_delivery_query_plans.py holds the plans."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, CompoundSelect, Select, case, false, func, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from domain.delivery import Milestone, Project, Task, WorkStatus
from domain.listing import ViewScope
from storage.mapping import RowMapper
from storage.models import MilestoneRow, OpportunityRow, OpportunityShareRow, ProjectRow, TaskRow
from storage.repositories.base import table_of

PROJECTS, TASKS, STONES = table_of(ProjectRow), table_of(TaskRow), table_of(MilestoneRow)
DEALS, SHARES = table_of(OpportunityRow), table_of(OpportunityShareRow)
CLOSED = [WorkStatus.DONE.value, WorkStatus.CANCELLED.value]
_PROJECT, _TASK, _STONE = RowMapper(Project), RowMapper(Task), RowMapper(Milestone)


def visible_ids(scope: ViewScope, rep_id: int) -> Select[Any] | CompoundSelect[Any]:
    """Ids of the projects of deals in `scope`, managed by `rep_id`, or with a task of theirs: a UNION of
    index reads (projects by manager, tasks by assignee, deals by owner / team, shares by rep, then projects
    by deal), so a list never walks every project. An empty scope (an inactive person) admits nothing."""
    if scope.empty:
        return select(PROJECTS.c.id).where(false())
    by_deal = PROJECTS.join(DEALS, DEALS.c.id == PROJECTS.c.opportunity_id)
    parts: list[Select[Any]] = [select(PROJECTS.c.id).where(PROJECTS.c.manager_id == rep_id),
                                select(TASKS.c.project_id).where(TASKS.c.assignee_id == rep_id)]
    if scope.owner_ids:
        parts.append(select(PROJECTS.c.id).select_from(by_deal).where(DEALS.c.owner_id.in_(sorted(scope.owner_ids))))
    if scope.team_ids:
        parts.append(select(PROJECTS.c.id).select_from(by_deal).where(DEALS.c.team_id.in_(sorted(scope.team_ids))))
    if scope.sharee_id is not None:
        parts.append(select(PROJECTS.c.id).select_from(
            PROJECTS.join(SHARES, SHARES.c.opportunity_id == PROJECTS.c.opportunity_id))
            .where(SHARES.c.rep_id == scope.sharee_id))
    return union(*parts)


def _late_first(today: date) -> tuple[Any, ...]:
    """Overdue first, then by due date (undated last), then by number."""
    return (case((TASKS.c.due_on < today, 0), else_=1), TASKS.c.due_on.is_(None), TASKS.c.due_on, TASKS.c.id)


class SqlAlchemyDeliveryLists:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def open_projects(self, scope: ViewScope, rep_id: int, offset: int = 0, limit: int = 10,
                            closed: bool = False) -> tuple[list[Project], int]:
        """A page of the open projects `rep_id` may see (`closed`: done and cancelled ones too), newest first,
        and how many there are in all."""
        where: list[ColumnElement[bool]] = [] if closed else [PROJECTS.c.status.not_in(CLOSED)]
        if not scope.everything:
            where.append(PROJECTS.c.id.in_(visible_ids(scope, rep_id)))
        total = await self.session.scalar(select(func.count()).select_from(PROJECTS).where(*where))
        rows = await self.session.execute(select(PROJECTS).where(*where)
                                          .order_by(PROJECTS.c.id.desc()).offset(offset).limit(limit))
        return [_PROJECT.load(row) for row in rows], int(total or 0)

    async def project_tasks(self, project_id: int, today: date, offset: int = 0,
                            limit: int = 10) -> tuple[list[Task], int]:
        """A page of a project's open tasks and subtasks, overdue first, and how many there are."""
        where = [TASKS.c.project_id == project_id, TASKS.c.status.not_in(CLOSED)]
        return await self._task_page(where, today, offset, limit)

    async def team_tasks(self, scope: ViewScope, rep_id: int, assignees: Sequence[int] | None, today: date,
                         offset: int = 0, limit: int = 10) -> tuple[list[Task], int]:
        """A page of the open tasks of open projects held by `assignees` (None: anyone's) in projects `rep_id`
        may see, overdue first, and how many there are."""
        live = select(PROJECTS.c.id).where(PROJECTS.c.status.not_in(CLOSED))
        if not scope.everything:
            live = live.where(PROJECTS.c.id.in_(visible_ids(scope, rep_id)))
        where = [TASKS.c.status.not_in(CLOSED), TASKS.c.project_id.in_(live)]
        if assignees is not None:
            where.append(TASKS.c.assignee_id.in_(sorted(set(assignees))))
        return await self._task_page(where, today, offset, limit)

    async def _task_page(self, where: Sequence[ColumnElement[bool]], today: date, offset: int,
                         limit: int) -> tuple[list[Task], int]:
        total = await self.session.scalar(select(func.count()).select_from(TASKS).where(*where))
        stmt = select(TASKS).where(*where).order_by(*_late_first(today)).offset(offset).limit(limit)
        return [_TASK.load(row) for row in await self.session.execute(stmt)], int(total or 0)

    async def open_tasks_of(self, rep_id: int, limit: int = 50) -> list[Task]:
        """`rep_id`'s open tasks in open projects, soonest due first (undated last)."""
        live = select(PROJECTS.c.id).where(PROJECTS.c.status.not_in(CLOSED))
        stmt = (select(TASKS).where(TASKS.c.assignee_id == rep_id, TASKS.c.status.not_in(CLOSED),
                                    TASKS.c.project_id.in_(live))
                .order_by(TASKS.c.due_on.is_(None), TASKS.c.due_on, TASKS.c.id).limit(limit))
        return [_TASK.load(row) for row in await self.session.execute(stmt)]

    async def tasks_of(self, project_ids: Sequence[int]) -> dict[int, list[Task]]:
        return _grouped(await self._rows(TASKS, project_ids, TASKS.c.id), _TASK)

    async def milestones_of(self, project_ids: Sequence[int]) -> dict[int, list[Milestone]]:
        return _grouped(await self._rows(STONES, project_ids, STONES.c.seq, STONES.c.due_on, STONES.c.id), _STONE)

    async def _rows(self, table: Any, project_ids: Sequence[int], *order: Any) -> Sequence[Any]:
        if not project_ids:
            return []
        stmt = select(table).where(table.c.project_id.in_(sorted(set(project_ids)))).order_by(*order)
        return (await self.session.execute(stmt)).all()

    async def assigned(self, project_id: int, rep_id: int) -> bool:
        """Whether `rep_id` holds a task (or subtask) of the project."""
        stmt = select(TASKS.c.id).where(TASKS.c.project_id == project_id, TASKS.c.assignee_id == rep_id).limit(1)
        return await self.session.scalar(stmt) is not None


def _grouped(rows: Sequence[Any], mapper: RowMapper[Any]) -> dict[int, list[Any]]:
    found: dict[int, list[Any]] = {}
    for row in rows:
        item = mapper.load(row)
        found.setdefault(item.project_id, []).append(item)
    return found
