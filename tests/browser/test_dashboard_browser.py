"""The dashboard in headless Chromium at phone and desktop sizes, on the bot's real server: sign-in from
the chat link, the pickers, sign-out, and an expired link; a screenshot of every page reached."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import Live, overflows

pytestmark = pytest.mark.asyncio(loop_scope="module")
Shoot = Callable[[Any, str], Awaitable[Path]]


async def test_the_dashboard_renders_without_sideways_scrolling(live: Live, page: Any, shoot: Shoot) -> None:
    await page.goto(await live.login_link("赵敏"))
    await page.wait_for_url(f"{live.url}/dash")  # the token left the address bar
    assert await page.title() == "看板 · 华东一组 · dealbot"
    assert await page.text_content("#scope-name") == "华东一组"
    assert await page.text_content('[data-key="won"]') == "2"
    assert await page.locator("#funnel-chart rect").count() == 3
    assert not await overflows(page)
    assert (await shoot(page, "dashboard")).stat().st_size > 10_000


async def test_the_pickers_change_team_and_period(live: Live, page: Any, shoot: Shoot) -> None:
    await page.goto(await live.login_link("管理员"))
    await page.wait_for_url(f"{live.url}/dash")
    assert await page.text_content("#scope-name") == "全公司"
    await page.select_option("#team", label="华北组")
    await page.select_option("#period", value="quarter")
    async with page.expect_navigation():
        await page.click(".picker button[type=submit]")
    assert await page.text_content("#scope-name") == "华北组"
    assert await page.text_content("#period-name") == "2026 年第 4 季度"
    assert await page.text_content('[data-key="won-amount"]') == "¥40万"  # D8 won in November
    assert f"team={live.company.teams['华北组']}" in page.url and "period=quarter" in page.url
    assert not await overflows(page)
    await shoot(page, "dashboard-picked")
    async with page.expect_navigation():
        await page.click("text=English")
    assert await page.text_content("#period-name") == "Q4 2026" and await page.text_content("#scope-name") == "华北组"


async def test_signing_out_submits_its_form(live: Live, page: Any, shoot: Shoot) -> None:
    await page.goto(await live.login_link("赵敏"))
    await page.wait_for_url(f"{live.url}/dash")
    async with page.expect_navigation():
        await page.click(".signout button")
    assert page.url.endswith("/dash/signed-out") and "你已退出看板" in await page.text_content("main")
    again = await page.goto(f"{live.url}/dash")
    assert again.status == 403 and "请先登录" in await page.text_content("main")
    await shoot(page, "dashboard-signed-out")


async def test_an_expired_login_link_is_refused(live: Live, page: Any, shoot: Shoot) -> None:
    link = await live.login_link("赵敏")
    live.console.clock.now += timedelta(minutes=16)
    response = await page.goto(link)
    assert response.status == 410 and await page.text_content("h1") == "链接已过期"
    assert "赵敏" not in await page.content()
    assert not await overflows(page)
    await shoot(page, "dashboard-expired")


async def test_a_link_opened_from_another_site_signs_in(live: Live, page: Any) -> None:
    """Webmail or a chat's web client: a cross-site navigation; the SameSite=Strict cookie must still count."""
    link = await live.login_link("赵敏")
    await page.goto(live.url.replace("127.0.0.1", "localhost") + "/dash/signed-out")  # another site
    await page.evaluate("""(href) => { const a = document.createElement('a'); a.href = href; a.id = 'go';
                                       a.textContent = 'go'; document.body.appendChild(a); }""", link)
    await page.click("#go")
    await page.wait_for_url(f"{live.url}/dash")
    assert await page.text_content("#scope-name") == "华东一组"
