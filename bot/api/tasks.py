"""/api/v1/tasks: tasks of delivery projects — list (project_id, opportunity_id, customer_id, assignee_id,
status, updated_since), get, create (`任务 P3 新增`, bot.handlers.tasks.create_task) and patch progress,
assignee and due date through chat's task actions (bot.delivery.task_actions: the same rights, timeline
lines, the project started, the assignee told)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.api import work_common as wc
from bot.api.call import ApiCall
from bot.api.endpoints import ResourceApi
from bot.api.problems import field_problem
from bot.api.schema import Field, Resource
from bot.delivery import task_actions
from bot.delivery.access import open_project, open_task
from bot.handlers.tasks import create_task
from domain.delivery import Task, WorkStatus
from domain.errors import NotFound
from domain.permissions import Right

STATUSES = tuple(s.value for s in WorkStatus)
RESOURCE = Resource("tasks", "Task", (
    Field("id", "id", create=False, patch=False),
    Field("project_id", "id", required=True, patch=False),
    Field("milestone_id", "id", "a milestone of the same project", nullable=True, patch=False),
    Field("parent_id", "id", "a task of the same project (this is then its subtask)", nullable=True, patch=False),
    Field("title", "string", required=True, min_length=1, max_length=255, patch=False),
    Field("assignee_id", "id", nullable=True),
    Field("due_on", "date", nullable=True),
    Field("starts_on", "date", nullable=True, create=False, patch=False),
    Field("progress", "integer", "percent 0..100; 100 marks it done", create=False),
    Field("status", "enum", choices=STATUSES, create=False, patch=False),
    Field("blocker", "string", "why it is stuck (blocked); \"\" unblocks", max_length=1000, create=False),
    Field("created_at", "datetime", nullable=True, create=False, patch=False),
    Field("updated_at", "datetime", nullable=True, create=False, patch=False),
), filters=(Field("project_id", "id"), *wc.DEAL_FILTERS, Field("assignee_id", "id"),
            Field("status", "enum", choices=STATUSES)))


def dump(t: Task) -> dict[str, Any]:
    return {"id": t.id, "project_id": t.project_id, "milestone_id": t.milestone_id, "parent_id": t.parent_id,
            "title": t.title, "assignee_id": t.assignee_id, "due_on": wc.at(t.due_on),
            "starts_on": wc.at(t.starts_on), "progress": t.progress, "status": t.status.value,
            "blocker": t.blocker, "created_at": wc.at(t.created_at), "updated_at": wc.at(t.updated_at)}


async def page(call: ApiCall, after: int, limit: int) -> Sequence[Task]:
    return await wc.lists(call).task_page(call.scope, call.filters, after, limit)


async def find(call: ApiCall, task_id: int) -> Task | None:
    try:
        return (await open_task(call.context, task_id))[0]
    except NotFound:
        return None


async def _in_project(call: ApiCall, field: str, found: Any, project_id: int) -> int | None:
    if found is None or found.project_id != project_id:
        raise field_problem([{"field": field, "detail": "no such record in this project"}])
    return int(found.id)


async def create(call: ApiCall) -> Task:
    body, ctx = call.body, call.context
    try:
        access = await open_project(ctx, body["project_id"], Right.WORK)
    except NotFound:
        raise field_problem([{"field": "project_id", "detail": "no such project"}]) from None
    project_id = body["project_id"]
    parent = stone = None
    if body.get("parent_id") is not None:
        parent = await call.uow.tasks.find(body["parent_id"])
        await _in_project(call, "parent_id", parent, project_id)
    if body.get("milestone_id") is not None:
        stone = await _in_project(call, "milestone_id", await call.uow.project_milestones.find(body["milestone_id"]),
                                  project_id)
    assignee = body.get("assignee_id")
    if assignee is not None:
        wc.checked_person(call, assignee, "assignee_id")
    elif parent is not None:
        assignee = parent.assignee_id
    task = Task(body["title"], project_id, stone or (parent.milestone_id if parent else None), assignee,
                body.get("due_on"), parent_id=parent.id if parent else None)
    return (await create_task(ctx, access, task))[0]


async def patch(call: ApiCall, task: Task) -> Task:
    """Progress and blocker (the assignee's own report too), assignee, due date — each as its chat command does."""
    body, ctx = call.body, call.context
    if "progress" in body and not 0 <= body["progress"] <= 100:
        raise field_problem([{"field": "progress", "detail": "must be between 0 and 100"}])
    nulls = [{"field": k, "detail": "must not be null"} for k in ("assignee_id", "due_on") if k in body
             and body[k] is None]
    if nulls:
        raise field_problem(nulls)
    if "assignee_id" in body:
        wc.checked_person(call, body["assignee_id"], "assignee_id")
    own = set(body) <= {"progress", "blocker"}  # an assignee's own report, as in chat
    task, access = await open_task(ctx, task.id or 0, Right.WORK, own=own)
    if "progress" in body:
        await task_actions.set_progress(ctx, task, access, body["progress"])
    if "assignee_id" in body:
        await task_actions.assign(ctx, task, access, body["assignee_id"])
    if "due_on" in body:
        await task_actions.set_due(ctx, task, access, body["due_on"])
    if "blocker" in body:
        await task_actions.block(ctx, task, access, body["blocker"])
    return task


API = ResourceApi(RESOURCE, "task", dump, page, find, create, patch)
