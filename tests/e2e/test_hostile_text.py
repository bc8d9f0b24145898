"""NUL bytes, lone surrogates and invalid UTF-8 are cleaned, on SQLite and PostgreSQL, on every path in."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from connectors.base import InboundMessage
from domain.customer import Customer
from storage.uow import SqlAlchemyUnitOfWork
from tests.e2e.harness import Console

REPO = Path(__file__).resolve().parents[2]


async def stored(console: Console, sql: str) -> list[tuple[object, ...]]:
    async with console.app.engine.connect() as conn:
        return [tuple(row) for row in (await conn.execute(text(sql))).all()]


async def test_nul_bytes_and_lone_surrogates_from_a_channel_are_stored_cleanly(console: Console) -> None:
    reply = await console.say("新客户 杭州明\x00途信息技术有限公司 区域 华东")
    assert "已创建客户" in reply
    reply = await console.say("新商机 明途 MES\udc80 80万")
    assert "#1" in reply
    assert await stored(console, "select name from customers") == [("杭州明途信息技术有限公司",)]
    assert await stored(console, "select name from opportunities") == [("MES\ufffd",)]
    texts = [row[0] for row in await stored(console, "select text from inbox order by id")]
    assert texts == ["新客户 杭州明途信息技术有限公司 区域 华东", "新商机 明途 MES\ufffd 80万"]
    assert "帮助" in await console.say("\x00\x00帮助\x00")  # the session carries on


async def test_hostile_channel_extras_reach_the_inbox_without_breaking_the_batch(console: Console) -> None:
    message = InboundMessage(channel="console", external_id="x\x00-1", conversation_id="zhangwei",
                             sender_id="zhangwei", text="帮助", received_at=datetime.now(UTC),
                             extra={"raw": "a\x00b\ud800c"}, subject="s\udcff")
    await console.app.bot.receive(message)
    await console.app.dispatcher.drain()
    rows = await stored(console, "select external_id, text from inbox")
    assert rows == [("x-1", "帮助")]
    sent = await stored(console, "select count(*) from outbox")
    assert sent == [(1,)]


async def test_the_storage_guard_cleans_values_that_bypass_the_channels(uow_factory: Callable[[], SqlAlchemyUnitOfWork],
                                                                        db_url: str) -> None:
    async with uow_factory() as uow:
        customer = await uow.customers.add(Customer("明\x00途\ud800科技", short_name="明\x00途",
                                                    aliases=["Ming\x00Tu\udc80"]))
        await uow.commit()
    async with uow_factory() as uow:
        assert customer.id is not None
        again = await uow.customers.get(customer.id)
        found = await uow.customers.search("明\x00途", 5)
    assert (again.name, again.short_name, again.aliases) == ("明途\ufffd科技", "明途", ["MingTu\ufffd"])
    assert [c.id for c in found] == [customer.id]


def test_a_console_session_survives_nul_bytes_and_invalid_utf8(tmp_path: Path, db_url: str) -> None:
    config = tmp_path / "dealbot.toml"
    config.write_text(f'[database]\nurl = "{db_url}"\n', encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEALBOT_")}
    env["PYTHONPATH"] = str(REPO)
    stdin = "新客户 杭州明\x00途信息技术有限公司 区域 华东\n".encode() + b"\xff\xfe\xc3(\xed\xa0\x80\n" + \
        "帮助\n新商机 明途 MES 80万\n".encode()
    done = subprocess.run([sys.executable, "-m", "bot.cli", "chat", "--as", "admin", "--config", str(config)],
                          cwd=tmp_path, env=env, input=stdin, capture_output=True, timeout=180)
    out, err = done.stdout.decode("utf-8", "replace"), done.stderr.decode("utf-8", "replace")
    assert done.returncode == 0, err
    assert "Traceback" not in out + err
    assert "已创建客户" in out and "查看命令说明" in out and "已创建商机 #1" in out
