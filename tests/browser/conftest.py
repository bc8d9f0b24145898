"""Browser tests in Debian's headless Chromium (/usr/bin/chromium, `make system-deps`), driven by
Playwright's Python package through `executable_path` (never `playwright install`: nothing is downloaded).

- `live`: the bot's real aiohttp server (bot.http.make_web_app + start_http, as `dealbot serve` runs it) on
  a free port, with the analytics fixture company (tests/analytics_company.py; the bot's clock stands at
  2026-12-15 10:00 Shanghai and can be moved), on SQLite and PostgreSQL; `[web] public_url` is its address,
  so the links the bot sends in chat open in the browser as they are.
- `browser`: Chromium with the flags below; `viewport` is "phone" (390 × 844) or "desktop" (1280 × 800);
  `shoot(page, name)` saves tests/browser/screenshots/<name>-<viewport>-<engine>.png (gitignored).
Without Chromium or Playwright the tests skip with the reason, except under CI (`CI` set), where they fail.
"""

from __future__ import annotations

import os
import re
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from aiohttp import web

from bot.http import make_web_app, start_http
from tests.analytics_company import CONFIG_TEAMS, CONFIG_USERS, NOW, Company, build_company
from tests.e2e.harness import Console, start_console
from tests.web.conftest import LINK, outbox_texts

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
SCREENSHOTS = Path(__file__).parent / "screenshots"


def _missing(what: str) -> None:
    message = (f"{what}: browser tests need Debian's chromium (`make system-deps`, apt-get install chromium "
               "fonts-noto-cjk) and the playwright package (`pip install -e '.[dev]'`)")
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Live:
    url: str
    console: Console
    company: Company
    runner: web.AppRunner

    async def login_link(self, name: str) -> str:
        """Ask 看板 in chat as `name`: the sign-in link the bot stored for them."""
        await self.console.say("看板", as_user=name)
        found = LINK.search((await outbox_texts(self.console, name))[-1])
        assert found, "no sign-in link in the reply"
        return found.group(0)


# One Chromium per test module: the tests and their async fixtures share the module's event loop
# (test modules here set `pytestmark = pytest.mark.asyncio(loop_scope="module")`).
@pytest_asyncio.fixture(loop_scope="module")
async def live(db_url: str, db_backend: str) -> AsyncIterator[Live]:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    console = await start_console(db_url, "赵敏", NOW, teams=CONFIG_TEAMS, users=CONFIG_USERS, assignment=[],
                                  web={"public_url": url})
    company = await build_company(console.app.uow_factory, people=False)
    runner = await start_http(make_web_app(console.app), "127.0.0.1", port)
    yield Live(url, console, company, runner)
    await runner.cleanup()
    await console.app.close()


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def browser() -> AsyncIterator[Any]:
    if not CHROMIUM.exists():
        _missing(f"{CHROMIUM} not found")
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        _missing("the playwright package is not installed")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        yield launched
        await launched.close()


@pytest_asyncio.fixture(loop_scope="module")
async def page(browser: Any, viewport: str) -> AsyncIterator[Any]:
    context = await browser.new_context(viewport=VIEWPORTS[viewport], locale="zh-CN",
                                        device_scale_factor=2 if viewport == "phone" else 1)
    opened = await context.new_page()
    yield opened
    await context.close()


@pytest.fixture
def shoot(viewport: str, db_backend: str) -> Callable[[Any, str], Awaitable[Path]]:
    async def save(page: Any, name: str) -> Path:
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{re.sub(r'[^a-z0-9-]', '-', name)}-{viewport}-{db_backend}.png"
        await page.screenshot(path=str(path), full_page=True)
        return path

    return save


async def overflows(page: Any) -> bool:
    """Whether the page scrolls sideways (it must not, on a phone)."""
    return bool(await page.evaluate("document.scrollingElement.scrollWidth > window.innerWidth"))
