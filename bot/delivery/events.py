"""A project's timeline (ProjectEvent): one line per change, zh and en, public when the customer may see it
(the project created, milestone progress and acceptance), internal otherwise (assignments, blockers). Each
is audited with the change it describes, so `撤销` removes it with that change."""

from __future__ import annotations

from bot.context import Context
from domain.delivery import Milestone, Project, ProjectEvent, Task


async def record(ctx: Context, project_id: int | None, kind: str, zh: str, en: str, public: bool = False) -> None:
    assert project_id is not None
    event = await ctx.uow.project_events.add(ProjectEvent(project_id, ctx.now, kind, zh, en, ctx.rep.id, public))
    await ctx.audit("project_event", event.id, "create")


async def created(ctx: Context, entity: str, obj: Project | Milestone | Task) -> None:
    """Audit a new row (undo deletes it)."""
    await ctx.audit(entity, obj.id, "create")
