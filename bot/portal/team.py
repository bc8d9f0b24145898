"""`GET /team/projects/<id>`: a delivery project's page for signed-in reps (session from bot.web.sessions).

The customer's view plus the tasks with owners, progress, due dates and blockers, every update (internal
ones too), and flags: late and blocked tasks, and the people working on it who are over-allocated in the next
LOAD_WEEKS weeks across all their projects (domain.delivery_load, as `资源` computes it; only people the reader
may see). Who may open it: the same rule as chat (domain.permissions.project_right: the deal's circle, the
project's manager, its assignees); anyone else, and any id that does not exist, gets the same 404 page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from aiohttp import web

from bot.context import Directory
from bot.delivery.access import store
from bot.delivery.web_access import viewable_project
from bot.portal.pages import PORTAL_KEY, today
from bot.portal.view import ProjectView, project_view
from bot.web.base import WEB_KEY, not_found, page_locale, render
from bot.web.security import csrf_token
from bot.web.sessions import require_rep, session_binding
from domain import permissions
from domain.delivery import Project
from domain.delivery_load import loads, weeks_from
from domain.delivery_rules import task_overdue
from domain.people import Rep
from domain.ports import UnitOfWork
from storage.repositories.delivery_load import SqlAlchemyLoadReader

LOAD_WEEKS = 4


@dataclass(frozen=True, slots=True)
class Flags:
    late: int
    blocked: int
    loaded: list[tuple[str, int]]  # (person, peak weekly load in percent) of those over 100 %


def flags_of(view: ProjectView, day: date, loaded: list[tuple[str, int]]) -> Flags:
    open_lines = [t for t in view.tasks if t.state != "done"]
    late = sum(1 for t in open_lines if task_overdue(t.task, day))  # blocked ones too
    return Flags(late, sum(1 for t in open_lines if t.state == "blocked"), loaded)


async def over_allocated(uow: UnitOfWork, rep: Rep, directory: Directory, project_id: int,
                         day: date) -> list[tuple[str, int]]:
    """(name, peak %) of the people on this project whose load over the next weeks passes 100 %."""
    reader = SqlAlchemyLoadReader(store(uow).session)
    mondays = weeks_from(day, LOAD_WEEKS)
    first, end = mondays[0], mondays[-1] + timedelta(days=7)
    visible = permissions.visible_owner_ids(rep, directory.reps, directory.teams)
    on_it = {t.assignee_id for t in await reader.open_tasks(None, first, end, project_id)}
    people = sorted(p for p in on_it if p is not None and (visible is None or p in visible))
    if not people:
        return []
    tasks = await reader.open_tasks(people, first, end)
    carried = await reader.carried([t.id for t in tasks if t.id is not None])
    found = loads(tasks, mondays, day, people, carried=carried)
    return [((who.name if (who := directory.rep(load.person_id)) else "?"), load.peak) for load in found if load.over]


async def visible_project(uow: UnitOfWork, rep: Rep, project_id: int) -> tuple[Project, Directory]:
    """The project if `rep` may view it (chat's rule); not_found() otherwise, as for a missing one."""
    found = await viewable_project(uow, rep, project_id)
    if found is None:
        raise not_found()
    return found


async def team_project(request: web.Request) -> web.StreamResponse:
    rep = await require_rep(request)
    ctx = request.app[WEB_KEY]
    number = request.match_info["project_id"]
    if not number.isdigit() or len(number) > 9:
        raise not_found()
    locale = page_locale(request, rep.locale)
    async with ctx.uow_factory() as uow:
        project, directory = await visible_project(uow, rep, int(number))
        names = {r.id: r.name for r in directory.reps if r.id is not None}
        view = await project_view(uow, project, today(request), locale, internal=True, names=names)
        loaded = await over_allocated(uow, rep, directory, int(number), today(request))
    manager = directory.rep(project.manager_id)
    return render(request, "team_project.html", {
        "view": view, "title": project.name, "rep": rep, "flags": flags_of(view, today(request), loaded),
        "manager": manager.name if manager else "", "portal_css": request.app[PORTAL_KEY].css_url,
        "csrf": csrf_token(ctx.settings.secret, session_binding(request))}, locale)


def add_team_routes(web_app: web.Application) -> None:
    web_app.router.add_get("/team/projects/{project_id}", team_project)
