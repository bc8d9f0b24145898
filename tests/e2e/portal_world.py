"""The customer portal's world (issue #15): 张伟's won deal #1 with 明途 and its delivery project P1 (one
milestone accepted, one open), 陈晨's deal #2 with 南方 and its project P2; the bot's real web app behind an
aiohttp test client. Projects are written through storage, as the project commands would."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.http import make_web_app
from bot.portal.links import portal_token
from domain.delivery import Milestone, Project, WorkStatus
from domain.ports import UnitOfWork
from tests.e2e.harness import Console, start_console

Client = TestClient[web.Request, web.Application]
SECRET = "portal-test-secret"
P1_NAME, P2_NAME = "明途MES实施项目", "南方仓储上线项目"
OTHER_CUSTOMER = "广州南方物流有限公司"
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # tests.e2e.conftest's NOW (it imports us)


@dataclass
class Portal:
    console: Console
    client: Client
    p1: Project
    p2: Project
    done_milestone: Milestone  # accepted: may be rated
    open_milestone: Milestone  # not yet: may not

    def token(self, project: Project | None = None, locale: str = "zh") -> str:
        return portal_token(self.console.app.bot.settings.web, project or self.p1, self.console.clock.now, locale)

    async def page(self, token: str, query: str = "") -> tuple[int, str]:
        response = await self.client.get(f"/p/{token}{query}", allow_redirects=False)
        return response.status, await response.text()

    async def csrf(self, token: str) -> str:
        status, html = await self.page(token)
        assert status == 200
        found = re.search(r'name="csrf" value="([^"]+)"', html)
        assert found is not None
        return found.group(1)

    async def post(self, token: str, what: str, form: dict[str, Any], query: str = "") -> web.Response | Any:
        return await self.client.post(f"/p/{token}/{what}{query}", data=form, allow_redirects=False)

    async def stored(self) -> dict[str, Any]:
        """Every row a portal form could write."""
        async with self.console.app.uow_factory() as uow:
            return {"requests": list(await uow.change_requests.for_project(self.p1.id or 0)),
                    "ratings": list(await uow.ratings.for_project(self.p1.id or 0)),
                    "events": list(await uow.project_events.for_project(self.p1.id or 0)),
                    "outbox": list(await uow.outbox.pending_for("console", "zhangwei"))}


async def add_project(uow: UnitOfWork, deal_id: int, name: str, stones: list[tuple[str, int, bool]],
                      today: date | None = None) -> tuple[Project, list[Milestone]]:
    """A project of the deal started 30 days before `today`, its milestones due `offset` days after the start
    (accepted on that day when the flag says so)."""
    deal = await uow.opportunities.get(deal_id)
    start = (today or NOW.date()) - timedelta(days=30)
    project = await uow.projects.add(Project(deal_id, name, starts_on=start, ends_on=start + timedelta(days=90),
                                             customer_id=deal.customer_id, status=WorkStatus.DOING))
    assert project.id is not None
    made = []
    for seq, (title, offset, accepted) in enumerate(stones, 1):
        due: date = start + timedelta(days=offset)
        made.append(await uow.project_milestones.add(Milestone(
            project.id, title, due, WorkStatus.DONE if accepted else WorkStatus.DOING, seq=seq,
            accepted_on=due if accepted else None)))
    return project, made


async def seed_portal(console: Console) -> tuple[Project, Project, list[Milestone]]:
    """张伟's deal #1 (明途) with P1, 陈晨's deal #2 (南方物流) with P2; P1's milestones."""
    await console.say("新客户 杭州明途信息技术有限公司 区域 华东", as_user="zhangwei")
    await console.say("新商机 明途 MES 80万")
    await console.say(f"新客户 {OTHER_CUSTOMER} 区域 华南", as_user="chen")
    await console.say("新商机 南方物流 WMS 50万", as_user="chen")
    console.connector.user = "zhangwei"
    async with console.app.uow_factory() as uow:
        p1, stones = await add_project(uow, 1, P1_NAME, [("需求确认", 14, True), ("上线", 80, False)])
        p2, _ = await add_project(uow, 2, P2_NAME, [("仓库调研", 10, True)])
        await uow.commit()
    console.read()
    return p1, p2, stones


async def build_portal(db_url: str) -> Portal:
    console = await start_console(db_url, "zhangwei", NOW, web={"secret": SECRET,
                                                                "public_url": "http://portal.example.cn"})
    p1, p2, stones = await seed_portal(console)
    client: Client = TestClient(TestServer(make_web_app(console.app)))
    await client.start_server()
    return Portal(console, client, p1, p2, stones[0], stones[1])


@pytest.fixture
async def portal(db_url: str) -> AsyncIterator[Portal]:
    world = await build_portal(db_url)
    yield world
    await world.client.close()
    await world.console.app.close()
