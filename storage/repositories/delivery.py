"""Delivery rows (issue #15): projects of won deals, their milestones, tasks, change requests, ratings,
timeline events and files."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from domain.delivery import ChangeRequest, Milestone, Project, ProjectEvent, ProjectFile, Rating, Task
from storage.mapping import RowMapper
from storage.models import (
    ChangeRequestRow,
    MilestoneRow,
    ProjectEventRow,
    ProjectFileRow,
    ProjectRow,
    RatingRow,
    TaskRow,
)
from storage.repositories.base import PerOpportunityRepository, PerProjectRepository


class SqlAlchemyProjectRepository(PerOpportunityRepository[Project, ProjectRow]):
    row, mapper, what = ProjectRow, RowMapper(Project), ("项目", "project")

    async def for_customer(self, customer_id: int, limit: int = 100) -> Sequence[Project]:
        table = self.table()
        stmt = select(table).where(table.c.customer_id == customer_id).order_by(table.c.id).limit(limit)
        return await self._all(stmt)


class SqlAlchemyMilestoneRepository(PerProjectRepository[Milestone, MilestoneRow]):
    row, mapper, what, order = MilestoneRow, RowMapper(Milestone), ("里程碑", "milestone"), ("seq", "due_on")


class SqlAlchemyTaskRepository(PerProjectRepository[Task, TaskRow]):
    row, mapper, what = TaskRow, RowMapper(Task), ("任务", "task")


class SqlAlchemyChangeRequestRepository(PerProjectRepository[ChangeRequest, ChangeRequestRow]):
    row, mapper, what = ChangeRequestRow, RowMapper(ChangeRequest), ("变更请求", "change request")
    order = ("requested_at",)


class SqlAlchemyRatingRepository(PerProjectRepository[Rating, RatingRow]):
    row, mapper, what = RatingRow, RowMapper(Rating), ("评价", "rating")


class SqlAlchemyProjectEventRepository(PerProjectRepository[ProjectEvent, ProjectEventRow]):
    row, mapper, what, order = ProjectEventRow, RowMapper(ProjectEvent), ("项目动态", "project update"), ("at",)

    async def recent(self, project_id: int, limit: int = 20, public_only: bool = False) -> Sequence[ProjectEvent]:
        """The newest `limit` events, newest first (only those shown to the customer when `public_only`)."""
        table = self.table()
        stmt = select(table).where(table.c.project_id == project_id)
        if public_only:
            stmt = stmt.where(table.c.public.is_(True))
        return await self._all(stmt.order_by(table.c.at.desc(), table.c.id.desc()).limit(limit))


class SqlAlchemyProjectFileRepository(PerProjectRepository[ProjectFile, ProjectFileRow]):
    row, mapper, what, order = ProjectFileRow, RowMapper(ProjectFile), ("文件", "file"), ("at",)
