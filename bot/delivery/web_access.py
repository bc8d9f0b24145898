"""A project a signed-in rep may view on the web pages (the team's project page, file downloads), by chat's rule
(domain.permissions.project_right: the deal's circles, the project's manager, people with a task in it). None
for a project that does not exist and for one the rep may not view alike: the pages answer both with one 404.

The people directory is cached per process and reread only when its version changes (bot.directory_cache)."""

from __future__ import annotations

from bot.context import Directory
from bot.delivery.access import store
from bot.directory_cache import DirectoryCache
from domain import permissions
from domain.delivery import Project
from domain.people import Rep
from domain.ports import UnitOfWork
from storage.repositories.delivery_lists import SqlAlchemyDeliveryLists

_PEOPLE = DirectoryCache()


async def viewable_project(uow: UnitOfWork, rep: Rep, project_id: int) -> tuple[Project, Directory] | None:
    project = await uow.projects.find(project_id)
    deal = await uow.opportunities.find(project.opportunity_id) if project is not None else None
    if project is None or project.id is None or deal is None or rep.id is None:
        return None
    people = await _PEOPLE.get(uow)
    assigned = await SqlAlchemyDeliveryLists(store(uow).session).assigned(project.id, rep.id)
    if permissions.project_right(rep, deal, project, people.team_of, people.teams, assigned) is None:
        return None
    return project, people
