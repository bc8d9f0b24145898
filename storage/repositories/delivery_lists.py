"""Lists over the delivery rows (issue #15) that the chat commands need: the open projects a person may see
(the deal's viewers, the project's manager, people with a task in it), one person's open tasks, the tasks and
milestones of several projects at once, and whether someone holds a task in a project.

Projects are few beside deals (one per won deal), so the scope is one OR over the joined deal; each part
is indexed (deals by owner and team, shares by rep, projects by manager, tasks by assignee)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, exists, false, func, or_, select, true
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


def _visible(scope: ViewScope, rep_id: int) -> ColumnElement[bool]:
    """Projects of deals in `scope`, managed by `rep_id`, or with a task of theirs."""
    if scope.everything:
        return true()
    parts: list[ColumnElement[bool]] = [PROJECTS.c.manager_id == rep_id, exists().where(
        TASKS.c.project_id == PROJECTS.c.id, TASKS.c.assignee_id == rep_id)]
    if scope.owner_ids:
        parts.append(DEALS.c.owner_id.in_(sorted(scope.owner_ids)))
    if scope.team_ids:
        parts.append(DEALS.c.team_id.in_(sorted(scope.team_ids)))
    if scope.sharee_id is not None:
        parts.append(exists().where(SHARES.c.opportunity_id == DEALS.c.id, SHARES.c.rep_id == scope.sharee_id))
    return or_(*parts) if not scope.empty else false()


class SqlAlchemyDeliveryLists:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def open_projects(self, scope: ViewScope, rep_id: int, offset: int = 0,
                            limit: int = 10) -> tuple[list[Project], int]:
        """A page of the open projects `rep_id` may see, newest first, and how many there are in all."""
        where = [PROJECTS.c.status.not_in(CLOSED), _visible(scope, rep_id)]
        joined = PROJECTS.join(DEALS, DEALS.c.id == PROJECTS.c.opportunity_id)
        total = await self.session.scalar(select(func.count()).select_from(joined).where(*where))
        rows = await self.session.execute(select(PROJECTS).select_from(joined).where(*where)
                                          .order_by(PROJECTS.c.id.desc()).offset(offset).limit(limit))
        return [_PROJECT.load(row) for row in rows], int(total or 0)

    async def open_tasks_of(self, rep_id: int, limit: int = 50) -> list[Task]:
        """`rep_id`'s open tasks, soonest due first (undated last)."""
        stmt = (select(TASKS).where(TASKS.c.assignee_id == rep_id, TASKS.c.status.not_in(CLOSED))
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
