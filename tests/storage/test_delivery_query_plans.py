"""The delivery lists of the chat (`项目`, `团队任务`; storage.repositories.delivery_lists) read through indexes
on both engines: who may see a project is a UNION of index reads (projects by manager, tasks by assignee, deals
by owner or team, shares by rep, projects by deal), never a walk over every project or deal. 4,000 deals, one
project for every second deal, three tasks each; plans as in test_storage_query_plans."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial

import pytest
from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncEngine
from storage_helpers import Factory
from test_storage_query_plans import _plans, _scans_whole

from bench.lists_data import Size, load_company
from domain.listing import ViewScope
from storage.engine import make_engine, make_session_factory
from storage.models import ProjectRow, TaskRow
from storage.repositories.delivery_lists import SqlAlchemyDeliveryLists
from storage.search_schema import analyze
from storage.uow import SqlAlchemyUnitOfWork
from tests.conftest import BACKENDS, empty_migrated_url, run_async

PEOPLE, DEALS = 40, 4000
TODAY = date(2026, 12, 1)


@pytest.fixture(scope="module", params=[backend for backend in BACKENDS if backend != "mysql"])
def db_backend(request: pytest.FixtureRequest) -> str:
    """Module-scoped here: the company below is built once per engine; the tests only read it.
    Not MySQL/MariaDB: its optimizer answers the project list's union of circles (IN over a UNION) by
    reading the 2,000 projects whole at this size, which judges the table size, not the indexes; the deal
    lists and customer search have their MySQL plan checks in test_storage_query_plans."""
    backend: str = request.param
    return backend


@pytest.fixture(scope="module")
def delivery(db_backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated database of that engine holding the company, shared by this module's tests."""
    url = empty_migrated_url(db_backend, request, tmp_path_factory.mktemp("delivery-plans"))
    run_async(lambda: _load(url))
    return url


@pytest.fixture
def db_url(delivery: str) -> str:
    return delivery


async def _load(url: str) -> None:
    engine = make_engine(url)
    try:
        uow_factory = partial(SqlAlchemyUnitOfWork, make_session_factory(engine), worker_id="test-worker")
        await _fill(uow_factory)
    finally:
        await engine.dispose()


async def _fill(uow_factory: Callable[[], SqlAlchemyUnitOfWork]) -> None:
    async with uow_factory() as uow:
        await load_company(uow.session, Size(deals=DEALS, people=PEOPLE, groups=8))
        projects = [{"id": n, "opportunity_id": n * 2, "name": f"项目{n}", "manager_id": n % PEOPLE + 1,
                     "status": ("todo", "doing", "done", "cancelled")[n % 4], "template": "", "link_version": 1}
                    for n in range(1, DEALS // 2 + 1)]
        await uow.session.execute(insert(ProjectRow), projects)
        await uow.session.execute(insert(TaskRow), [
            {"title": f"任务{n}", "project_id": n // 3 + 1, "assignee_id": n % PEOPLE + 1, "status": "todo",
             "progress": 0, "blocker": "", "depends_on": [], "due_on": date(2026, 11, 1 + n % 28)}
            for n in range(0, 3 * DEALS // 2)])
        if uow.session.get_bind().dialect.name == "postgresql":
            for table in ("projects", "tasks"):
                await uow.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                               f"(SELECT max(id) FROM {table}))"))
        await uow.commit()
    async with uow_factory() as uow:
        await analyze(uow.session)
        await uow.commit()


REP = ViewScope(owner_ids=frozenset({7}), sharee_id=7)
MANAGER = ViewScope(owner_ids=frozenset({1, 9, 17, 25, 33}), team_ids=frozenset({1}), sharee_id=1)


@pytest.mark.parametrize("scope, rep_id", [(REP, 7), (MANAGER, 1)], ids=["rep", "manager"])
async def test_the_project_list_reads_each_circle_through_its_index(
        engine: AsyncEngine, uow_factory: Factory, scope: ViewScope, rep_id: int) -> None:
    async with uow_factory() as uow:
        lists = SqlAlchemyDeliveryLists(uow.session)
        found, total = await lists.open_projects(scope, rep_id)
        assert found and total >= len(found)
        plan = await _plans(engine, uow, partial(lists.open_projects, scope, rep_id), walks=False)
        everything = await _plans(engine, uow, partial(lists.open_projects, scope, rep_id, closed=True), walks=False)
    for index in ("ix_projects_manager_id", "ix_tasks_assignee_id", "ix_projects_opportunity_id",
                  "ix_opportunity_shares_rep_id_opportunity_id"):
        assert index in plan, plan
    owner = "ix_opportunities_owner_id_stage_next_at_team_id"
    assert owner in plan or "ix_opportunities_team_id_stage_next_at_created_at" in plan, plan
    for table in ("projects", "tasks", "opportunities", "opportunity_shares"):
        assert not _scans_whole(plan + everything, table), plan + everything


async def test_team_tasks_read_the_members_tasks_through_the_assignee_index(
        engine: AsyncEngine, uow_factory: Factory) -> None:
    members = [1, 2, 3, 4, 5]
    async with uow_factory() as uow:
        lists = SqlAlchemyDeliveryLists(uow.session)
        found, total = await lists.team_tasks(MANAGER, 1, members, TODAY)
        assert found and total >= len(found) and {t.assignee_id for t in found} <= set(members)
        plan = await _plans(engine, uow, partial(lists.team_tasks, MANAGER, 1, members, TODAY), walks=False)
    assert "ix_tasks_assignee_id" in plan, plan
    for table in ("projects", "tasks", "opportunities", "opportunity_shares"):
        assert not _scans_whole(plan, table), plan
