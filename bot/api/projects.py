"""/api/v1/projects: delivery projects of won deals — list (opportunity_id, customer_id, status,
updated_since), get, and create through chat's `项目 新建` (bot.delivery.create: only a won deal, one project
per deal, milestones from the template, linked to the payment plan)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.api import work_common as wc
from bot.api.call import ApiCall
from bot.api.endpoints import ResourceApi
from bot.api.problems import field_problem
from bot.api.schema import Field, Resource
from bot.delivery.access import open_project
from bot.delivery.create import DealNotWon, ProjectExists, create_project, refuse_second, refuse_unless_won
from domain.delivery import Project, WorkStatus
from domain.errors import NotFound

STATUSES = tuple(s.value for s in WorkStatus)
RESOURCE = Resource("projects", "Project", (
    Field("id", "id", create=False, patch=False),
    Field("opportunity_id", "id", "a won deal", required=True, patch=False),
    Field("customer_id", "integer", nullable=True, create=False, patch=False),
    Field("name", "string", create=False, patch=False),
    Field("manager_id", "id", "default: the deal's owner", nullable=True, patch=False),
    Field("template", "string", "default: the configured default template", max_length=64, patch=False),
    Field("starts_on", "date", "default: today", nullable=True, patch=False),
    Field("ends_on", "date", nullable=True, create=False, patch=False),
    Field("status", "enum", choices=STATUSES, create=False, patch=False),
    Field("created_at", "datetime", nullable=True, create=False, patch=False),
), filters=(*wc.DEAL_FILTERS, Field("status", "enum", choices=STATUSES)))


def dump(p: Project) -> dict[str, Any]:
    return {"id": p.id, "opportunity_id": p.opportunity_id, "customer_id": p.customer_id, "name": p.name,
            "manager_id": p.manager_id, "template": p.template, "starts_on": wc.at(p.starts_on),
            "ends_on": wc.at(p.ends_on), "status": p.status.value, "created_at": wc.at(p.created_at)}


async def page(call: ApiCall, after: int, limit: int) -> Sequence[Project]:
    return await wc.page(call, "projects", after, limit)


async def find(call: ApiCall, project_id: int) -> Project | None:
    """The project when chat's `项目 P<id>` would show it to the token's principal."""
    try:
        return (await open_project(call.context, project_id)).project
    except NotFound:
        return None


async def create(call: ApiCall) -> Project:
    body = call.body
    deal = await wc.deal_to_change(call, body["opportunity_id"])
    refuse_unless_won(deal)
    template = call.settings.delivery.template(body.get("template"))
    if template is None:
        known = call.settings.delivery.names(", ")
        raise field_problem([{"field": "template", "detail": f"no such template (known: {known})"}])
    manager_id = body.get("manager_id")
    if manager_id is not None:
        wc.checked_person(call, manager_id, "manager_id")
    await refuse_second(call.context, deal)
    project, _ = await create_project(call.context, deal, template, body.get("starts_on") or call.now.date(),
                                      manager_id)
    return project


API = ResourceApi(RESOURCE, "project", dump, page, find, create, conflicts=(ProjectExists, DealNotWon))
