"""The customer portal in headless Chromium at phone and desktop sizes, on the bot's real server (SQLite and
PostgreSQL): the link from chat opens the project, the change-request and rating forms submit (rows stored),
an expired link is refused; a screenshot of every page reached (tests/browser/screenshots)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from aiohttp import web

from bot.http import make_web_app, start_http
from domain.delivery import ProjectEvent, Task, WorkStatus
from storage.uow import SqlAlchemyUnitOfWork
from tests.browser.conftest import _free_port, overflows
from tests.e2e.harness import Console, start_console
from tests.e2e.portal_world import NOW, P1_NAME, P2_NAME, seed_portal

pytestmark = pytest.mark.asyncio(loop_scope="module")
Shoot = Callable[[Any, str], Awaitable[Path]]
PAGE_LIMIT = 100 * 1024


@dataclass
class LivePortal:
    url: str
    console: Console
    runner: web.AppRunner
    project_id: int
    milestone_id: int

    async def link(self, locale: str = "") -> str:
        out = await self.console.say(f"门户 P{self.project_id} {locale}".strip(), as_user="zhangwei")
        found = re.search(r"http://\S+/p/\S+", out)
        assert found, out
        return found.group(0)

    async def stored(self) -> tuple[list[Any], list[Any]]:
        async with self.console.app.uow_factory() as uow:
            assert isinstance(uow, SqlAlchemyUnitOfWork)
            return (list(await uow.change_requests.for_project(self.project_id)),
                    list(await uow.ratings.for_project(self.project_id)))


async def _plan(console: Console, project_id: int) -> None:
    """Tasks (one done, one under way depending on it, one blocked) and public updates, for the Gantt."""
    async with console.app.uow_factory() as uow:
        assert isinstance(uow, SqlAlchemyUnitOfWork)
        start = NOW.date() - timedelta(days=30)
        first = await uow.tasks.add(Task("需求调研", project_id, starts_on=start, due_on=start + timedelta(days=12),
                                         status=WorkStatus.DONE, progress=100))
        await uow.tasks.add(Task("系统开发", project_id, starts_on=start + timedelta(days=13),
                                 due_on=start + timedelta(days=70), progress=45, depends_on=[first.id or 0]))
        await uow.tasks.add(Task("数据迁移", project_id, starts_on=start + timedelta(days=40),
                                 due_on=start + timedelta(days=75), blocker="等待历史数据"))
        for days, zh, en in ((20, "需求确认已验收", "Requirements accepted"), (5, "开发进度 45%", "Development 45%")):
            await uow.project_events.add(ProjectEvent(project_id, NOW - timedelta(days=days), "milestone", zh, en,
                                                      public=True))
        await uow.commit()


@pytest_asyncio.fixture(loop_scope="module")
async def live(db_url: str) -> AsyncIterator[LivePortal]:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    console = await start_console(db_url, "zhangwei", NOW, web={"public_url": url})
    p1, _, stones = await seed_portal(console)
    assert p1.id is not None and stones[0].id is not None
    await _plan(console, p1.id)
    runner = await start_http(make_web_app(console.app), "127.0.0.1", port)
    yield LivePortal(url, console, runner, p1.id, stones[0].id)
    await runner.cleanup()
    await console.app.close()


async def test_the_portal_renders_the_customers_project_only(live: LivePortal, page: Any, shoot: Shoot) -> None:
    response = await page.goto(await live.link())
    assert response.status == 200 and await page.text_content("#project-name") == P1_NAME
    html = await page.content()
    assert P2_NAME not in html and "南方" not in html
    assert len(await response.body()) < PAGE_LIMIT
    assert await page.locator(".gantt svg").count() == 1 and await page.locator("#milestones li").count() == 2
    assert not await overflows(page)
    assert (await shoot(page, "portal")).stat().st_size > 10_000
    async with page.expect_navigation():
        await page.click("text=English")
    assert await page.text_content("#milestones-title") == "Milestones"
    await shoot(page, "portal-en")


async def test_the_change_request_form_submits(live: LivePortal, page: Any, shoot: Shoot) -> None:
    await page.goto(await live.link())
    before = len((await live.stored())[0])
    await page.fill("#cr-name", "何总")
    await page.fill("#cr-title", "增加月度报表导出")
    await page.fill("#cr-details", "按车间汇总，导出 Excel")
    async with page.expect_navigation():
        await page.click("#change-form button[type=submit]")
    assert "done=change" in page.url and "已收到您的变更请求" in await page.text_content("#done")
    requests, _ = await live.stored()
    assert len(requests) == before + 1 and requests[-1].title == "增加月度报表导出"
    assert "增加月度报表导出" in await page.text_content("#requests")
    await shoot(page, "portal-change-sent")


async def test_the_rating_form_submits(live: LivePortal, page: Any, shoot: Shoot) -> None:
    await page.goto(await live.link())
    await page.click(f"[data-milestone='{live.milestone_id}'] summary")
    form = f"#rate-{live.milestone_id}"
    await page.check(f"{form} input[name=score][value='4']")
    await page.fill(f"{form} textarea", "进度清楚，沟通及时")
    await shoot(page, "portal-rating-form")
    async with page.expect_navigation():
        await page.click(f"{form} button[type=submit]")
    assert "感谢您的评分" in await page.text_content("#done")
    _, ratings = await live.stored()
    assert [(r.score, r.comment) for r in ratings] == [(4, "进度清楚，沟通及时")]
    assert "4/5" in await page.text_content(f"[data-milestone='{live.milestone_id}']")


async def test_an_expired_portal_link_is_refused(live: LivePortal, page: Any, shoot: Shoot) -> None:
    link = await live.link()
    live.console.clock.now += timedelta(days=31)
    try:
        response = await page.goto(link)
        assert response.status == 410 and await page.text_content("h1") == "链接已过期"
        assert P1_NAME not in await page.content() and "客户经理" in await page.text_content("main")
        assert not await overflows(page)
        await shoot(page, "portal-expired")
    finally:
        live.console.clock.now -= timedelta(days=31)
