"""Open delivery projects page by page (the weekly summary walks them all): keyset on the primary key."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.delivery import Project, WorkStatus
from storage.mapping import RowMapper
from storage.models import ProjectRow
from storage.repositories.base import table_of

PROJECTS = table_of(ProjectRow)
CLOSED = (WorkStatus.DONE.value, WorkStatus.CANCELLED.value)
_PROJECT = RowMapper(Project)


async def open_projects_after(session: AsyncSession, after: int, limit: int) -> list[Project]:
    """Up to `limit` projects neither done nor cancelled with an id above `after`, by id."""
    stmt = (select(PROJECTS).where(PROJECTS.c.id > after, PROJECTS.c.status.not_in(CLOSED))
            .order_by(PROJECTS.c.id).limit(limit))
    return [_PROJECT.load(row) for row in await session.execute(stmt)]
