"""The open API in tests: the real `dealbot serve` application (bot.http.make_web_app) on the console test
company (tests/e2e/harness: 华东一组 with 王经理, 张伟, 李娜; 华南一组 with 陈晨; 管理员), on SQLite and
PostgreSQL. Tokens are made the way admins make them: `令牌 新建 …` in chat, reading the secret from the reply."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.http import make_web_app
from domain.api_tokens import ApiToken
from storage.repositories.api_tokens import SqlAlchemyApiTokenRepository
from storage.uow import SqlAlchemyUnitOfWork
from tests.e2e.harness import Console, start_console

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
SECRET = re.compile(r"dbt_[0-9a-f]{8}_[A-Za-z0-9_-]{43}")
Client = TestClient[web.Request, web.Application]


@dataclass
class Api:
    client: Client
    console: Console

    async def token(self, words: str, as_user: str = "admin") -> str:
        """`令牌 新建 <words>` in chat; the secret the bot answered."""
        reply = await self.console.say(f"令牌 新建 {words}", as_user=as_user)
        found = SECRET.search(reply)
        assert found, reply
        return found.group(0)

    async def call(self, method: str, path: str, token: str | None, body: Any = None,
                   **headers: str) -> tuple[int, Any, Any]:
        """(status, JSON body, headers) of one request to /api/v1<path>."""
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        response = await self.client.request(method, f"/api/v1{path}", json=body, headers=headers)
        text = await response.text()
        return response.status, (await response.json(content_type=None) if text else None), response.headers

    async def two_teams(self) -> dict[str, int]:
        """张伟 (华东一组): 杭州明途信息技术有限公司 and its deal ERP升级 (80万); 陈晨 (华南一组): 深圳华南科技有限公司
        and its deal MES (50万) — made in chat. Ids by name: the customers, the deals and everyone."""
        for words, who in (("新客户 杭州明途信息技术有限公司", "zhangwei"), ("新商机 明途 ERP升级 80万", "zhangwei"),
                           ("新客户 深圳华南科技有限公司", "chen"), ("新商机 华南科技 MES 50万", "chen")):
            await self.console.say(words, as_user=who)
        async with self.console.app.uow_factory() as uow:
            return {**{c.name: c.id or 0 for c in await uow.customers.list()},
                    **{d.name: d.id or 0 for d in await uow.opportunities.list()},
                    **{r.name: r.id or 0 for r in await uow.reps.list()}}

    async def seen(self, method: str, path: str, token: str | None, body: Any = None) -> tuple[int, Any, Any]:
        """What a caller can tell of one answer: status, body and every header but the clock's Date."""
        status, answer, headers = await self.call(method, path, token, body)
        return status, answer, sorted((k, v) for k, v in headers.items() if k.lower() != "date")

    async def tokens(self) -> list[ApiToken]:
        """Every stored token, as read back from the database."""
        async with self.console.app.uow_factory() as uow:
            assert isinstance(uow, SqlAlchemyUnitOfWork)
            return list(await SqlAlchemyApiTokenRepository(uow.session).everyone())


async def open_api(db_url: str, **sections: Any) -> tuple[Console, Client]:
    console = await start_console(db_url, "admin", NOW, **sections)
    client = TestClient(TestServer(make_web_app(console.app)))
    await client.start_server()
    return console, client


@pytest.fixture
async def api(db_url: str) -> AsyncIterator[Api]:
    console, client = await open_api(db_url)
    yield Api(client, console)
    await client.close()
    await console.app.close()
