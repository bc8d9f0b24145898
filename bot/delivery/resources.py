"""The resource view for one asker: whose load they may see (domain.permissions.visible_owner_ids: admin
everyone, a manager their teams' people, a rep themself), narrowed to a team or a project, and the reply's
lines. A project one may not view is named only as "other projects" in the list."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from bot.context import Context
from bot.delivery.access import open_project, store
from domain import permissions
from domain.delivery import Project, Task
from domain.delivery_load import PersonLoad, loads, weeks_from
from domain.errors import NotFound
from storage.repositories.delivery_load import SqlAlchemyLoadReader

MAX_PEOPLE = 30


@dataclass(frozen=True, slots=True)
class View:
    weeks: tuple[date, ...]
    people: list[PersonLoad]
    names: Mapping[int, str]  # shown projects: id -> "P3 name"
    scope: str  # what the view covers, for the title


async def resource_view(ctx: Context, weeks: int, project_ref: str | None, team: str | None) -> View:
    reader = SqlAlchemyLoadReader(store(ctx.uow).session)
    mondays = weeks_from(ctx.now.date(), weeks)
    first, end = mondays[0], mondays[-1] + timedelta(days=7)
    people, scope = await _people(ctx, project_ref, team, reader, first, end)
    tasks = await reader.open_tasks(people, first, end)
    carried = await reader.carried([t.id for t in tasks if t.id is not None])
    found = loads(tasks, mondays, ctx.now.date(), people, carried=carried)
    shown = await _visible_projects(ctx, reader, {p for load in found for p in load.project_ids}, tasks)
    return View(mondays, found, {p.id: f"P{p.id} {p.name}" for p in shown if p.id is not None}, scope)


async def _people(ctx: Context, project_ref: str | None, team: str | None, reader: SqlAlchemyLoadReader,
                  first: date, end: date) -> tuple[list[int] | None, str]:
    visible = permissions.visible_owner_ids(ctx.rep, ctx.directory.reps, ctx.directory.teams)
    active = [r for r in ctx.directory.reps if r.active and r.id is not None]
    if project_ref is not None:
        project = (await open_project(ctx, project_ref)).project
        assert project.id is not None
        tasks = await reader.open_tasks(None, first, end, project.id)
        carried = await reader.carried([t.id for t in tasks if t.id is not None])  # held by their subtasks
        on_it = {t.assignee_id for t in tasks if t.id not in carried}
        return [i for i in sorted(p for p in on_it if p is not None) if visible is None or i in visible], \
            f"P{project.id} {project.name}"
    if team is not None:
        found = next((t for t in ctx.directory.teams if t.name == team), None)
        members = [r.id for r in active if found is not None and r.team_id == found.id and r.id is not None]
        allowed = [i for i in members if visible is None or i in visible]
        if found is None or not allowed:
            raise NotFound("团队", f"「{team}」", "team")
        return allowed, found.name
    if visible is None:
        return None, ctx.t("全部", "everyone")
    return sorted(visible), ctx.t("你能看到的人", "the people you see")


async def _visible_projects(ctx: Context, reader: SqlAlchemyLoadReader, ids: set[int],
                            tasks: Sequence[Task]) -> list[Project]:
    """The projects the asker may view (by the project rights; holding one of the tasks read counts)."""
    projects = await reader.projects(sorted(ids))
    shown = []
    for project in projects.values():
        deal = await ctx.uow.opportunities.find(project.opportunity_id)
        mine = any(t.assignee_id == ctx.rep_id and t.project_id == project.id for t in tasks)
        if deal is not None and permissions.project_right(ctx.rep, deal, project, ctx.directory.team_of,
                                                          ctx.directory.teams, mine) is not None:
            shown.append(project)
    return shown


def view_lines(ctx: Context, view: View) -> list[str]:
    weeks = " · ".join(f"W{w.isocalendar().week:02d} {w:%m-%d}" for w in view.weeks)
    lines = [ctx.t(f"每周 5 人天 = 100%；{weeks}", f"5 person-days a week = 100%; {weeks}")]
    for load in view.people[:MAX_PEOPLE]:
        rep = ctx.directory.rep(load.person_id)
        named = [view.names[p].split(" ", 1)[0] for p in load.project_ids if p in view.names]
        others = len(load.project_ids) - len(named)
        if others:
            named.append(ctx.t(f"另 {others} 个项目", f"{others} other project{'s' if others > 1 else ''}"))
        where = " ".join(named) or ctx.t("无任务", "no tasks")
        cells = " · ".join(f"W{w.week.isocalendar().week:02d} {w.percent}%" + (" ⚠" if w.over else "")
                           for w in load.weeks)
        who = rep.name if rep else load.person_id
        lines.append(ctx.t(f"{who}（{where}）：{cells}", f"{who} ({where}): {cells}"))
    if len(view.people) > MAX_PEOPLE:
        more = len(view.people) - MAX_PEOPLE
        lines.append(ctx.t(f"… 还有 {more} 人未列出", f"… {more} more not listed"))
    over = [p for p in view.people if p.over]
    lines.append(ctx.t(f"⚠ 超过 100%：{len(over)} 人" if over else "没有人超过 100%",
                       f"⚠ over 100%: {len(over)} {'person' if len(over) == 1 else 'people'}" if over
                       else "nobody is over 100%"))
    return lines
