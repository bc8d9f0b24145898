"""Page views through the real web app become usage events (issue #16): the route's pattern, who, status as
outcome, written in one batch by the usage buffer; static files and health checks are not recorded."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from storage.models import UsageEventRow
from storage.uow import SqlAlchemyUnitOfWork
from tests.web.conftest import Web


async def page_events(web: Web) -> list[dict[str, Any]]:
    async with web.console.app.uow_factory() as uow:
        assert isinstance(uow, SqlAlchemyUnitOfWork)
        rows = (await uow.session.scalars(select(UsageEventRow).where(UsageEventRow.kind == "page")
                                          .order_by(UsageEventRow.id))).all()
        return [{"feature": r.feature, "person": r.person_id, "outcome": r.outcome, "channel": r.channel,
                 "timed": r.latency_ms is not None} for r in rows]


async def test_page_views_are_recorded_by_route_and_person(web: Web) -> None:
    await web.sign_in("赵敏")
    assert (await web.client.get("/dash")).status == 200
    assert (await web.client.get("/team/projects/999999")).status == 404
    assert (await web.client.get("/healthz")).status == 200
    buffer = web.console.app.usage_buffer
    assert buffer is not None and buffer.waiting == 3  # login page, /dash, the missing project
    assert await buffer.flush() == 3
    async with web.console.app.uow_factory() as uow:
        zhao = next(r.id for r in await uow.reps.list() if r.name == "赵敏")
    assert await page_events(web) == [
        {"feature": "/dash/login/{token}", "person": None, "outcome": "ok", "channel": "web", "timed": True},
        {"feature": "/dash", "person": zhao, "outcome": "ok", "channel": "web", "timed": True},
        {"feature": "/team/projects/{project_id}", "person": zhao, "outcome": "refused", "channel": "web",
         "timed": True}]
