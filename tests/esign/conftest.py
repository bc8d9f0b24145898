"""A console session with [esign] pointed at the local fake e签宝, and the bot's HTTP server running where the
fake's callbacks go; on SQLite and PostgreSQL (the `db_url` fixture)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from aiohttp.test_utils import TestServer, unused_port

from bot.http import make_web_app
from tests.e2e.harness import Console, start_console
from tests.esign.fake_esign import APP_ID, SECRET, FakeEsign

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@dataclass
class EsignWorld:
    console: Console
    fake: FakeEsign
    server: TestServer
    files: Path

    @property
    def callback_url(self) -> str:
        return str(self.server.make_url("/esign/callback"))


@pytest.fixture
async def esign_world(db_url: str, tmp_path: Path) -> AsyncIterator[EsignWorld]:
    """张伟 with deal #1 (明途 MES, contact 何总 13800138000) and its contract C1 HT-001 (96万, plan 30/70)."""
    fake = FakeEsign()
    base = await fake.start()
    port = unused_port()
    esign = {"app_id": APP_ID, "app_secret": SECRET, "base_url": base, "company": "示例软件有限公司",
             "callback_url": f"http://127.0.0.1:{port}/esign/callback", "upload_wait": 0.01}
    console = await start_console(db_url, "zhangwei", NOW, esign=esign, files={"dir": str(tmp_path / "files")})
    server = TestServer(make_web_app(console.app), port=port)
    await server.start_server()
    for text in ("新客户 杭州明途信息技术有限公司 区域 华东", "新商机 明途 MES 80万", "明途何总的电话 13800138000"):
        await console.say(text)
    assert "电子签署：合同 C1 签署 签署人 姓名 手机号" in await console.say("合同 #1 96万 编号 HT-001")
    await console.say("回款计划 #1 30% 2026-12-15 70% 2027-03-01")
    try:
        yield EsignWorld(console, fake, server, tmp_path / "files")
    finally:
        await server.close()
        await console.app.close()
        await fake.close()
