"""`dealbot housekeeping [--dry-run] [--archive DIR]` and the `[retention]` config, on both engines."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.cli import main
from bot.config import ConfigError, load_config
from bot.housekeeping_cli import policy_from_config
from domain.messaging import InboxRecord, InboxState, OutboxItem, OutboxStatus
from storage.models import InboxRow, OutboxRow
from storage.uow import SqlAlchemyUnitOfWork

Factory = Callable[[], SqlAlchemyUnitOfWork]


async def _old_rows(uow_factory: Factory) -> None:
    """Two sent replies and one processed message a month old; one pending reply and one dead message."""
    month_ago = datetime.now(UTC) - timedelta(days=30)
    async with uow_factory() as uow:
        for n, status in enumerate((OutboxStatus.SENT, OutboxStatus.SENT, OutboxStatus.PENDING)):
            sent = month_ago if status is OutboxStatus.SENT else None
            await uow.outbox.add(OutboxItem("wecom", "zw", f"回复 {n}", month_ago, status=status, sent_at=sent,
                                            dedupe_key=f"reply:{n}"))
        for key, state in (("m1", InboxState.DONE), ("m2", InboxState.DEAD)):
            done = month_ago if state is InboxState.DONE else None
            await uow.inbox.add(InboxRecord("wecom", key, "c", "zw", "新客户 明途", month_ago, state=state,
                                            processed_at=done))
        await uow.commit()


async def _counts(uow_factory: Factory) -> tuple[int, int]:
    async with uow_factory() as uow:
        inbox = await uow.session.scalar(select(func.count()).select_from(InboxRow))
        outbox = await uow.session.scalar(select(func.count()).select_from(OutboxRow))
    return int(inbox or 0), int(outbox or 0)


def _config(tmp_path: Path, db_url: str) -> str:
    path = tmp_path / "dealbot.toml"
    path.write_text(f'[database]\nurl = "{db_url}"\n[retention]\ninbox_days = 14\noutbox_days = 7\n',
                    encoding="utf-8")
    return str(path)


async def cli(*argv: str) -> int:
    return await asyncio.to_thread(main, list(argv))  # main runs its own event loop


async def test_a_dry_run_prints_what_would_go_and_changes_nothing(
        uow_factory: Factory, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    await _old_rows(uow_factory)
    assert await cli("housekeeping", "--dry-run", "--config", _config(tmp_path, db_url)) == 0
    out = capsys.readouterr().out
    assert "演练：将删除以下数据（未做任何改动）/ Dry run: would delete (nothing was changed)" in out
    assert "已处理的收到消息 / processed inbox messages: 1  (保留 14 天 / kept 14 days, [retention] inbox_days)" in out
    assert "已发送的消息 / sent outbox messages: 2" in out
    assert await _counts(uow_factory) == (2, 3)


async def test_a_run_deletes_the_expired_rows_and_archives_them_as_json_lines(
        uow_factory: Factory, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    await _old_rows(uow_factory)
    archive = tmp_path / "archive"
    archive.mkdir()
    assert await cli("housekeeping", "--archive", str(archive), "--config", _config(tmp_path, db_url)) == 0
    out = capsys.readouterr().out
    assert "已删除 / Deleted" in out and "已发送的消息 / sent outbox messages: 2" in out
    assert await _counts(uow_factory) == (1, 1)  # the dead message and the pending reply stay
    outbox_file, = archive.glob("outbox_sent-*.jsonl")
    rows = [json.loads(line) for line in outbox_file.read_text(encoding="utf-8").splitlines()]
    assert [row["text"] for row in rows] == ["回复 0", "回复 1"] and rows[0]["status"] == "sent"
    inbox_file, = archive.glob("inbox-*.jsonl")
    assert json.loads(inbox_file.read_text(encoding="utf-8"))["external_id"] == "m1"


async def test_an_archive_folder_that_does_not_exist_is_refused_and_nothing_is_deleted(
        uow_factory: Factory, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    await _old_rows(uow_factory)
    missing = tmp_path / "nope"
    assert await cli("housekeeping", "--archive", str(missing), "--config", _config(tmp_path, db_url)) == 2
    err = capsys.readouterr().err
    assert f"「{missing}」不是已存在的文件夹" in err and f"e.g. mkdir -p {missing}" in err
    assert await _counts(uow_factory) == (2, 3)


def test_retention_keys_are_read_and_checked(tmp_path: Path) -> None:
    path = tmp_path / "dealbot.toml"
    path.write_text("[retention]\ninbox_days = 30\naudit_days = 0\nchunk = 1000\n", encoding="utf-8")
    policy = policy_from_config(load_config(path, environ={"DEALBOT_RETENTION_OUTBOX_DAYS": "3"}))
    assert (policy.inbox_days, policy.outbox_days, policy.audit_days, policy.chunk) == (30, 3, 0, 1000)
    assert policy_from_config(load_config(environ={})).inbox_days == 14  # the default
    for text, message in (("inbox_dayz = 3", "unknown key 'inbox_dayz' (did you mean 'inbox_days'?)"),
                          ("outbox_days = -1", "[retention] outbox_days must be a whole number of at least 0"),
                          ("chunk = 0", "[retention] chunk must be a whole number from 1 to 30000"),
                          ("interval_hours = 0", "[retention] interval_hours must be a number greater than 0")):
        path.write_text(f"[retention]\n{text}\n", encoding="utf-8")
        with pytest.raises(ConfigError, match=re.escape(message)):
            load_config(path, environ={})
