"""`dealbot chat --as X` (a real process) prints and marks sent only X's messages and reminders."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from domain.messaging import OutboxStatus
from storage.engine import make_engine, make_session_factory
from storage.models import OutboxRow
from storage.uow import SqlAlchemyUnitOfWork
from tests.e2e.harness import Console

ROOT = Path(__file__).resolve().parents[2]


async def outbox(db_url: str) -> dict[str, set[str]]:
    """recipient -> statuses of their console rows."""
    found: dict[str, set[str]] = {}
    engine = make_engine(db_url)
    try:
        async with SqlAlchemyUnitOfWork(make_session_factory(engine)) as uow:
            for recipient, status in await uow.session.execute(select(OutboxRow.recipient, OutboxRow.status)):
                found.setdefault(recipient, set()).add(status)
    finally:
        await engine.dispose()
    return found


async def queue(console: Console, user: str, text: str) -> None:
    """Process a message without delivering what it sends."""
    console.connector.user = user
    await console.app.bot.receive(console.connector.message(text))


async def test_chat_as_a_user_shows_only_that_users_messages(console_with_deal: Console, db_url: str) -> None:
    console = console_with_deal
    await console.say("跟进 #1 拜访了何总 下次 2026-11-25 发方案", as_user="zhangwei")  # 张伟's reminder
    await console.say("新商机 明途 运维 30万", as_user="lina")
    await console.say("跟进 #2 电话沟通 下次 2026-11-25 约演示", as_user="lina")  # 李娜's reminder
    await queue(console, "zhangwei", "共享 #1 李娜")  # 张伟's answer and 李娜's notice wait in the outbox
    await queue(console, "wang", "我的商机")
    await console.app.close()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DEALBOT_DATABASE_URL": db_url}
    done = subprocess.run([sys.executable, "-m", "bot.cli", "chat", "--as", "lina"], input="", text=True,
                          capture_output=True, env=env, cwd=ROOT, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert "张伟 把商机 #1 MES 共享给了你" in done.stdout and "#2 明途 · 约演示" in done.stdout
    assert "#1 明途 · 发方案" not in done.stdout and "已共享给" not in done.stdout and "进行中的商机" not in done.stdout
    assert "[→" not in done.stdout
    rows = await outbox(db_url)
    assert rows["lina"] == {OutboxStatus.SENT.value}
    assert OutboxStatus.PENDING.value in rows["zhangwei"] and rows["wang"] == {OutboxStatus.PENDING.value}
