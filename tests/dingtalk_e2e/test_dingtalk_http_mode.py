"""HTTP mode: DingTalk's outgoing robot POSTs to /dingtalk/callback on the bot's own web server, signed with
the app secret; forged, stale or unreadable requests are refused and record nothing."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy import func, select

from bot.bootstrap import App, bootstrap
from bot.http import make_web_app, start_http
from connectors.dingtalk import signature
from storage.models import CustomerRow, InboxRow
from tests.chat_world import Clock
from tests.dingtalk.fake_gateway import FakeDingTalk
from tests.dingtalk_e2e.conftest import NOW
from tests.dingtalk_e2e.harness import CLIENT_SECRET, SESSION, make_config, settle, shown


@pytest.fixture
async def http_bot(db_url: str, fake: FakeDingTalk) -> AsyncIterator[tuple[App, str]]:
    clock = Clock(NOW)  # the bot's; the connector (production wiring) and the fake run on the wall clock
    config = make_config(db_url, fake.url, mode="http")
    app = await bootstrap(config, clock=clock)  # production wiring: the connector from build_channels
    runner: web.AppRunner = await start_http(make_web_app(app), "127.0.0.1", 0)
    host, port = runner.addresses[0][:2]
    await app.start_channels()
    yield app, f"http://{host}:{port}/dingtalk/callback"
    await runner.cleanup()
    await app.close()


def signed(offset_ms: int = 0, secret: str = CLIENT_SECRET) -> dict[str, str]:
    stamp = str(int(time.time() * 1000) + offset_ms)
    return {"timestamp": stamp, "sign": signature(secret, stamp), "Content-Type": "application/json"}


async def post(url: str, headers: dict[str, str], body: bytes) -> int:
    async with aiohttp.ClientSession() as http, http.post(url, headers=headers, data=body) as resp:
        return resp.status


async def test_a_signed_callback_is_recorded_and_answered_through_the_session_webhook(
        http_bot: tuple[App, str], fake: FakeDingTalk) -> None:
    app, url = http_bot
    body = json.dumps(fake.chatbot("新客户 杭州明途信息技术有限公司 区域 华东"), ensure_ascii=False).encode()
    assert await post(url, signed(), body) == 200
    assert await post(url, signed(), body) == 200  # DingTalk's retry: the same msgId
    await settle(app)
    await app.dispatcher.drain()
    [reply] = fake.received(SESSION)
    assert "已创建客户" in shown(reply)
    assert await counts(app) == (1, 1)


async def counts(app: App) -> tuple[int, int]:
    async with app.uow_factory() as uow:
        session = uow.session  # type: ignore[attr-defined]
        return (int(await session.scalar(select(func.count()).select_from(CustomerRow))),
                int(await session.scalar(select(func.count()).select_from(InboxRow))))


@pytest.mark.parametrize(("headers", "status"), [
    ("forged", 403), ("stale", 403), ("future", 403), ("unsigned", 403)])
async def test_forged_or_stale_callbacks_are_refused_and_record_nothing(
        http_bot: tuple[App, str], fake: FakeDingTalk, headers: str, status: int) -> None:
    app, url = http_bot
    chosen = {"forged": signed(secret="not-the-secret"), "stale": signed(-3_601_000),
              "future": signed(3_601_000), "unsigned": {"Content-Type": "application/json"}}[headers]
    body = json.dumps(fake.chatbot("新客户 杭州明途信息技术有限公司")).encode()
    assert await post(url, chosen, body) == status
    assert await post(url, signed(), b"{not json") == 400
    assert await counts(app) == (0, 0)
