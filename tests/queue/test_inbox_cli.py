"""`dealbot inbox --failed` and `dealbot inbox --retry ID`, on both engines."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.cli import main
from domain.messaging import Claim, InboxRecord, InboxState, RetryPolicy
from storage.models import InboxRow
from storage.uow import SqlAlchemyUnitOfWork

Factory = Callable[[], SqlAlchemyUnitOfWork]
RECEIVED = datetime(2026, 12, 5, 9, 30, tzinfo=UTC)
LONG_TEXT = "新客户 杭州明途信息技术有限公司 " + "很长的备注" * 20


async def dead_letter(uow_factory: Factory, external_id: str, text: str) -> int:
    async with uow_factory() as uow:
        record = InboxRecord("wecom", external_id, "conv", "zhangwei", text, RECEIVED, sender_name="张伟")
        await uow.inbox.add(record, Claim("w", datetime.now(UTC)))
        state = await uow.inbox.fail(("wecom", external_id), "w", "RuntimeError: database said no", RECEIVED,
                                     RetryPolicy(max_attempts=1))
        await uow.commit()
    assert state is InboxState.DEAD and record.id is not None
    return record.id


def config_file(tmp_path: Path, db_url: str) -> str:
    path = tmp_path / "dealbot.toml"
    path.write_text(f'[database]\nurl = "{db_url}"\n', encoding="utf-8")
    return str(path)


async def cli(*argv: str) -> int:
    return await asyncio.to_thread(main, list(argv))  # main runs its own event loop


async def test_inbox_failed_lists_the_dead_letters(uow_factory: Factory, db_url: str, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    row_id = await dead_letter(uow_factory, "m1", LONG_TEXT)
    assert await cli("inbox", "--failed", "--config", config_file(tmp_path, db_url)) == 0
    out = capsys.readouterr().out
    assert "处理失败的消息 1 条 / 1 failed message(s)" in out
    assert f"#{row_id}  wecom  张伟 (zhangwei)  收到 received 2026-12-05 09:30 UTC  尝试 attempts 1" in out
    assert "错误 error: RuntimeError: database said no" in out
    assert f"内容 text: {LONG_TEXT[:60]}…" in out and LONG_TEXT[:61] not in out


async def test_inbox_failed_says_when_there_are_none(db_url: str, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert await cli("inbox", "--failed", "--config", config_file(tmp_path, db_url)) == 0
    assert "没有处理失败的消息。/ No failed messages." in capsys.readouterr().out


async def test_inbox_retry_puts_a_dead_letter_back_to_pending_once(
        uow_factory: Factory, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    row_id = await dead_letter(uow_factory, "m1", "新客户 明途")
    config = config_file(tmp_path, db_url)
    assert await cli("inbox", "--retry", str(row_id), "--config", config) == 0
    assert f"#{row_id} 已放回队列" in capsys.readouterr().out
    async with uow_factory() as uow:
        row = (await uow.session.execute(select(InboxRow.__table__))).one()
        assert await uow.inbox.count_dead() == 0
    assert (row.state, row.attempts, row.claimed_by) == ("pending", 0, None)
    assert await cli("inbox", "--retry", str(row_id), "--config", config) == 1
    assert "不是处理失败的消息" in capsys.readouterr().err


async def test_inbox_retry_with_a_bad_id_says_how_to_write_it_and_changes_nothing(
        uow_factory: Factory, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    await dead_letter(uow_factory, "m1", "新客户 明途")
    assert await cli("inbox", "--retry", "abc", "--config", config_file(tmp_path, db_url)) == 2
    err = capsys.readouterr().err
    assert "「abc」不是消息编号" in err and "e.g. dealbot inbox --retry 12" in err
    async with uow_factory() as uow:
        assert await uow.inbox.count_dead() == 1
