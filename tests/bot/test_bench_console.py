"""The bench-only console endpoint: off unless configured; on, it handles one message and returns its reply."""

from __future__ import annotations

from datetime import UTC, datetime

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.http import BENCH_PATH, make_web_app
from domain.customer import normalize_name
from tests.e2e.harness import start_console

NOW = datetime(2024, 5, 6, 9, 30, tzinfo=UTC)
Client = TestClient[web.Request, web.Application]


async def test_bench_console_is_off_by_default(db_url: str) -> None:
    console = await start_console(db_url, "zhangwei", NOW)
    try:
        async with TestClient(TestServer(make_web_app(console.app))) as client:
            response = await client.post(BENCH_PATH, json={"user": "zhangwei", "text": "我的商机"})
            assert response.status == 404
    finally:
        await console.app.close()


async def test_bench_console_handles_a_message_and_answers_its_reply(db_url: str) -> None:
    console = await start_console(db_url, "zhangwei", NOW, http={"bench_console": True})
    try:
        async with TestClient(TestServer(make_web_app(console.app))) as client:
            response = await client.post(BENCH_PATH, json={
                "user": "zhangwei", "text": "新客户 杭州明途信息技术有限公司 区域 华东"})
            replies = (await response.json())["replies"]
        async with console.app.uow_factory() as uow:
            stored = await uow.customers.by_name_key(normalize_name("杭州明途信息技术有限公司"))
            pending = await uow.outbox.pending_for("console", "zhangwei")
    finally:
        await console.app.close()
    assert stored is not None and stored.region == "华东"
    assert len(replies) == 1 and "杭州明途信息技术有限公司" in replies[0]
    assert list(pending) == []  # the reply was handed to the caller, not left for the dispatcher
