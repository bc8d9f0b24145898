"""What the resource view (domain.delivery_load) reads: the open tasks that may fall in a range of weeks, for
some people or everyone, and which of them are carried by open subtasks. Indexed: tasks by assignee, and by
(status, due_on) for everyone's."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.delivery import Project, Task, WorkStatus
from storage.mapping import RowMapper
from storage.models import ProjectRow, TaskRow
from storage.repositories.base import table_of

TASKS, PROJECTS = table_of(TaskRow), table_of(ProjectRow)
CLOSED = [WorkStatus.DONE.value, WorkStatus.CANCELLED.value]
_TASK, _PROJECT = RowMapper(Task), RowMapper(Project)
MAX_TASKS = 20_000  # a bound on one view (2,000 people with 10 open tasks each)


class SqlAlchemyLoadReader:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def open_tasks(self, people: Sequence[int] | None, first: date, end: date,
                         project_id: int | None = None) -> list[Task]:
        """Open, assigned tasks due on or after `first` that start before `end` (or have no start);
        only those of `people` (None: everyone's), only of `project_id` when given."""
        stmt = select(TASKS).where(TASKS.c.status.not_in(CLOSED), TASKS.c.assignee_id.is_not(None),
                                   TASKS.c.due_on >= first, or_(TASKS.c.starts_on.is_(None), TASKS.c.starts_on < end))
        if people is not None:
            stmt = stmt.where(TASKS.c.assignee_id.in_(sorted(set(people))))
        if project_id is not None:
            stmt = stmt.where(TASKS.c.project_id == project_id)
        rows = await self.session.execute(stmt.order_by(TASKS.c.id).limit(MAX_TASKS))
        return [_TASK.load(row) for row in rows]

    async def carried(self, task_ids: Sequence[int]) -> set[int]:
        """Those of `task_ids` that have an open subtask (whoever holds it, whenever it is due)."""
        found: set[int] = set()
        ids = sorted(set(task_ids))
        for start in range(0, len(ids), 1000):
            stmt = select(TASKS.c.parent_id).distinct().where(TASKS.c.parent_id.in_(ids[start:start + 1000]),
                                                              TASKS.c.status.not_in(CLOSED))
            found.update(int(p) for p in await self.session.scalars(stmt))
        return found

    async def projects(self, project_ids: Sequence[int]) -> dict[int, Project]:
        if not project_ids:
            return {}
        rows = await self.session.execute(select(PROJECTS).where(PROJECTS.c.id.in_(sorted(set(project_ids)))))
        return {p.id: p for p in (_PROJECT.load(row) for row in rows) if p.id is not None}
