"""Load a project, milestone or task by its reference (P3, M5, T12, or the bare number) for a person, with the
right they hold (domain.permissions.project_right). Anything they may not view answers NotFound exactly like
a reference that does not exist; one they may view but not change answers PermissionDenied.

Other parts of issue #15 (Gantt, portal, scheduler) import `load_project`, `load_milestone`, `load_task`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import cast

from bot.context import Context
from domain import permissions
from domain.delivery import Milestone, Project, Task
from domain.errors import NotFound, PermissionDenied
from domain.opportunity import Opportunity
from domain.permissions import Right
from domain.ports import UnitOfWork
from storage.repositories.delivery_lists import SqlAlchemyDeliveryLists
from storage.uow import SqlAlchemyUnitOfWork

KINDS = {"P": ("项目", "project"), "M": ("里程碑", "milestone"), "T": ("任务", "task")}


@dataclass(frozen=True, slots=True)
class Access:
    project: Project
    deal: Opportunity
    right: Right  # the widest right held: VIEW, WORK or CONTROL


def store(uow: UnitOfWork) -> SqlAlchemyUnitOfWork:
    """The SQL unit of work, for what domain.ports does not name: its session (the delivery list and load
    queries) and change_requests.open_ones. Everything else reads `uow` through the protocol."""
    return cast(SqlAlchemyUnitOfWork, uow)


def lists(ctx: Context) -> SqlAlchemyDeliveryLists:
    return SqlAlchemyDeliveryLists(store(ctx.uow).session)


def ref_number(kind: str, ref: int | str) -> int | None:
    """3 for P3 / p3 / 3 (kind "P"); None when `ref` is not such a reference."""
    if isinstance(ref, int):
        return ref
    found = re.fullmatch(rf"[{kind}{kind.lower()}]?(\d{{1,9}})", ref.strip())
    return int(found.group(1)) if found else None


def not_found(kind: str, ref: int | str) -> NotFound:
    zh, en = KINDS[kind]
    number = ref_number(kind, ref)
    return NotFound(zh, f"{kind}{number}" if number is not None else f"「{ref}」", en)


def _deny(kind: str, number: int) -> PermissionDenied:
    zh, en = KINDS[kind]
    return PermissionDenied(f"{zh} {kind}{number}", f"{en} {kind}{number}")


async def open_project(ctx: Context, ref: int | str, need: Right = Right.VIEW, kind: str = "P",
                       shown: int | None = None) -> Access:
    """The project with the right held on it; NotFound (named as `kind` `shown`: a task's or milestone's
    reference when reached through one) when it is missing or not visible; PermissionDenied below `need`."""
    number = ref_number("P", ref)
    project = await ctx.uow.projects.find(number) if number is not None else None
    missing = not_found(kind, shown if shown is not None else ref)
    if project is None or project.id is None:
        raise missing
    deal = await ctx.uow.opportunities.find(project.opportunity_id)
    if deal is None:
        raise missing
    assigned = await lists(ctx).assigned(project.id, ctx.rep_id)
    held = permissions.project_right(ctx.rep, deal, project, ctx.directory.team_of, ctx.directory.teams, assigned)
    if held is None:
        raise missing
    if held < need:
        raise _deny(kind, shown if shown is not None else project.id)
    return Access(project, deal, held)


async def load_project(ctx: Context, ref: int | str, need: Right = Right.VIEW) -> Project:
    return (await open_project(ctx, ref, need)).project


async def open_milestone(ctx: Context, ref: int | str, need: Right = Right.VIEW) -> tuple[Milestone, Access]:
    number = ref_number("M", ref)
    stone = await ctx.uow.project_milestones.find(number) if number is not None else None
    if stone is None or number is None:
        raise not_found("M", ref)
    return stone, await open_project(ctx, stone.project_id, need, "M", number)


async def load_milestone(ctx: Context, ref: int | str, need: Right = Right.VIEW) -> Milestone:
    return (await open_milestone(ctx, ref, need))[0]


async def open_task(ctx: Context, ref: int | str, need: Right = Right.VIEW,
                    own: bool = False) -> tuple[Task, Access]:
    """The task and its project; `own`: its assignee may do this even below `need` (progress, blocker)."""
    number = ref_number("T", ref)
    task = await ctx.uow.tasks.find(number) if number is not None else None
    if task is None or task.project_id is None or number is None:
        raise not_found("T", ref)
    access = await open_project(ctx, task.project_id, Right.VIEW, "T", number)
    if access.right < need and not (own and permissions.may_update_task(ctx.rep, access.right, task)):
        raise _deny("T", number)
    return task, access


async def load_task(ctx: Context, ref: int | str, need: Right = Right.VIEW, own: bool = False) -> Task:
    return (await open_task(ctx, ref, need, own))[0]
