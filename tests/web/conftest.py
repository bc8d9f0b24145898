"""The bot's web server in tests: the real aiohttp application of `dealbot serve` (bot.http.make_web_app)
on the analytics fixture company (tests/analytics_company.py, now = 2026-12-15 10:00 Shanghai), on SQLite
and PostgreSQL. `web` gives an aiohttp test client and the console; `sign_in` asks 看板 in chat as one
person and follows the link the bot stored, as a browser would."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.http import make_web_app
from storage.models import OutboxRow
from storage.uow import SqlAlchemyUnitOfWork
from tests.analytics_company import Company
from tests.e2e.analytics_world import company_session  # noqa: F401  (fixture)
from tests.e2e.harness import Console

SIGNED_IN = '<meta http-equiv="refresh" content="0; url=/dash">'  # the same-site redirect of a sign-in
LINK = re.compile(r"https?://\S+/dash/login/([A-Za-z0-9_.-]+)")


@dataclass
class Web:
    client: TestClient
    console: Console
    company: Company

    async def link_for(self, name: str) -> str:
        """Ask 看板 as `name` in a one-to-one console chat; the login token of the stored reply."""
        await self.console.say("看板", as_user=name)
        texts = await outbox_texts(self.console, name)
        found = LINK.search(texts[-1])
        assert found, texts[-1]
        return found.group(1)

    async def sign_in(self, name: str) -> None:
        self.client.session.cookie_jar.clear()
        token = await self.link_for(name)
        response = await self.client.get(f"/dash/login/{token}", allow_redirects=False)
        assert response.status == 200 and SIGNED_IN in await response.text()


async def outbox_texts(console: Console, recipient: str) -> list[str]:
    async with console.app.uow_factory() as uow:
        assert isinstance(uow, SqlAlchemyUnitOfWork)
        stmt = select(OutboxRow.text).where(OutboxRow.recipient == recipient).order_by(OutboxRow.id)
        return list(await uow.session.scalars(stmt))


@pytest.fixture
async def web(company_session: tuple[Console, Company]) -> AsyncIterator[Web]:  # noqa: F811
    console, company = company_session
    client = TestClient(TestServer(make_web_app(console.app)))
    await client.start_server()
    yield Web(client, console, company)
    await client.close()
