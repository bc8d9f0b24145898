"""Delivery candidates of the risk scan (issue #15), in SQL: never every task, only those that may be late.

- overdue tasks: one keyset scan per open status, `status = X AND due_on in [lookback, today)` in the
  order of ix_tasks_status_due_on (status, due_on) plus the id, so each page is an index range read.
- slipping milestones: milestones not accepted, due since the lookback, whose date has passed or that have
  an open task due after them (ix_tasks_milestone_id); walked by id. Milestones are a handful per project.
Projects done or cancelled are left out. `delivery_facts` reads given subjects (delivery of the warnings,
`风险`) with padded IN lists.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncSession

from domain.delivery import WorkStatus
from domain.delivery_risks import MILESTONE_KIND, TASK_KIND
from domain.risks import Facts, ProjectMilestoneFacts, RiskDay, RiskSettings, TaskFacts
from storage.models import MilestoneRow, OpportunityRow, ProjectRow, TaskRow
from storage.repositories.base import table_of

TASKS, MILESTONES, PROJECTS, DEALS = (table_of(TaskRow), table_of(MilestoneRow), table_of(ProjectRow),
                                      table_of(OpportunityRow))
OPEN_WORK = (WorkStatus.TODO.value, WorkStatus.DOING.value, WorkStatus.BLOCKED.value)
CLOSED_WORK = (WorkStatus.DONE.value, WorkStatus.CANCELLED.value)
Make = Callable[[Sequence[Row[Any]]], Awaitable[list[Facts]]]
Scan = tuple[Select[Any], list[Any], Make]
ScanBuilder = Callable[[RiskDay, RiskSettings], Scan]


def _task_query() -> Select[Any]:
    told = func.coalesce(TASKS.c.assignee_id, PROJECTS.c.manager_id, DEALS.c.owner_id)
    return (select(TASKS.c.id, TASKS.c.title, TASKS.c.project_id, PROJECTS.c.name.label("project_name"),
                   told.label("rep_id"), TASKS.c.due_on, TASKS.c.progress, TASKS.c.blocker)
            .join(PROJECTS, PROJECTS.c.id == TASKS.c.project_id).join(DEALS, DEALS.c.id == PROJECTS.c.opportunity_id)
            .where(PROJECTS.c.status.not_in(CLOSED_WORK)))


def _task(row: Any) -> Facts:
    return TaskFacts(row.id, row.title, row.project_id, row.project_name, row.rep_id, row.due_on,
                     row.progress or 0, row.blocker or "")


def _open_after(milestone_due: Any) -> Any:
    """An open task of the milestone due after `milestone_due` (walked on ix_tasks_milestone_id)."""
    return exists().where(TASKS.c.milestone_id == MILESTONES.c.id, TASKS.c.status.in_(OPEN_WORK),
                          TASKS.c.due_on > milestone_due)


def _milestone_query() -> Select[Any]:
    last = (select(func.max(TASKS.c.due_on))
            .where(TASKS.c.milestone_id == MILESTONES.c.id, TASKS.c.status.in_(OPEN_WORK)).scalar_subquery())
    told = func.coalesce(PROJECTS.c.manager_id, DEALS.c.owner_id)
    return (select(MILESTONES.c.id, MILESTONES.c.name, MILESTONES.c.project_id,
                   PROJECTS.c.name.label("project_name"), told.label("rep_id"), DEALS.c.team_id,
                   MILESTONES.c.due_on, last.label("last_task_due"))
            .join(PROJECTS, PROJECTS.c.id == MILESTONES.c.project_id)
            .join(DEALS, DEALS.c.id == PROJECTS.c.opportunity_id)
            .where(PROJECTS.c.status.not_in(CLOSED_WORK), MILESTONES.c.status.not_in(CLOSED_WORK),
                   MILESTONES.c.accepted_on.is_(None)))


def _milestone(row: Any) -> Facts:
    return ProjectMilestoneFacts(row.id, row.name, row.project_id, row.project_name, row.rep_id, row.team_id,
                                 row.due_on, row.last_task_due)


def _as_facts(make: Callable[[Any], Facts]) -> Make:
    async def facts(rows: Sequence[Row[Any]]) -> list[Facts]:
        return [make(row) for row in rows]
    return facts


def _task_scan(status: str) -> ScanBuilder:
    def scan(day: RiskDay, s: RiskSettings) -> Scan:
        late = _task_query().where(TASKS.c.status == status,
                                   TASKS.c.due_on >= day.today - timedelta(days=s.lookback_days),
                                   TASKS.c.due_on < day.today)
        return late, [TASKS.c.due_on, TASKS.c.id], _as_facts(_task)
    return scan


def _milestone_scan(day: RiskDay, s: RiskSettings) -> Scan:
    slipping = _milestone_query().where(MILESTONES.c.due_on >= day.today - timedelta(days=s.lookback_days),
                                        or_(MILESTONES.c.due_on < day.today, _open_after(MILESTONES.c.due_on)))
    return slipping, [MILESTONES.c.id], _as_facts(_milestone)


DELIVERY_SCANS: tuple[ScanBuilder, ...] = (*(_task_scan(status) for status in OPEN_WORK), _milestone_scan)


async def delivery_facts(session: AsyncSession, by_kind: dict[str, list[int]],
                         padded: Callable[[list[int]], list[int]]) -> list[Facts]:
    """The facts of these tasks (still open) and milestones (still not accepted); others are left out."""
    found: list[Facts] = []
    if ids := padded(by_kind.get(TASK_KIND, [])):
        stmt = _task_query().where(TASKS.c.id.in_(ids), TASKS.c.status.in_(OPEN_WORK), TASKS.c.due_on.is_not(None))
        found += [_task(row) for row in await session.execute(stmt)]
    if ids := padded(by_kind.get(MILESTONE_KIND, [])):
        found += [_milestone(row) for row in await session.execute(_milestone_query().where(MILESTONES.c.id.in_(ids)))]
    return found
