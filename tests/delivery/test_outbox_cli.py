"""`dealbot outbox [--pending|--failed|--dead] [--limit N]` on both engines: status, attempts, next try,
channel, recipient and the reason of the last failure of what was not delivered."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from domain.messaging import OutboxItem
from domain.people import Rep
from storage.uow import SqlAlchemyUnitOfWork
from tests.queue.test_inbox_cli import cli, config_file

Factory = Callable[[], SqlAlchemyUnitOfWork]


async def fill(uow_factory: Factory) -> dict[str, int]:
    now = datetime.now(UTC)
    ids: dict[str, int] = {}
    async with uow_factory() as uow:
        for name, recipient in (("held", "lina"), ("retrying", "zhangwei"), ("dead", "ghost"), ("sent", "wang")):
            item = await uow.outbox.add(OutboxItem("wecom", recipient, f"{name} 消息", created_at=now,
                                                   not_before=now + timedelta(days=1) if name == "held" else None))
            assert item is not None and item.id is not None
            ids[name] = item.id
        await uow.outbox.claim(now, channels=["wecom"])  # retrying, dead and sent are tried once
        await uow.outbox.mark_retry(ids["retrying"], datetime(2099, 1, 1, 8, 0, tzinfo=UTC), "wecom: HTTP 502")
        await uow.outbox.mark_failed(ids["dead"], "wecom message/send: errcode 40003 invalid userid")
        await uow.outbox.mark_sent(ids["sent"], now)
        await uow.commit()
    return ids


async def test_outbox_lists_everything_undelivered_with_state_and_reason(
        uow_factory: Factory, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ids = await fill(uow_factory)
    assert await cli("outbox", "--config", config_file(tmp_path, db_url)) == 0
    out = capsys.readouterr().out
    assert "未送达的消息 3 条 / 3 undelivered message(s)" in out and "sent 消息" not in out
    assert f"#{ids['held']}  held until " in out and "(quiet hours, UTC) 免打扰暂缓至" in out
    assert (f"#{ids['retrying']}  retrying 待重试  wecom → zhangwei  尝试 attempts 1  下次 next 2099-01-01 08:00"
            in out)
    assert "原因 reason: wecom: HTTP 502" in out
    assert f"#{ids['dead']}  dead 死信  wecom → ghost  尝试 attempts 1  下次 next -" in out
    assert "原因 reason: wecom message/send: errcode 40003 invalid userid" in out


@pytest.mark.parametrize(("flag", "shown", "title"), [
    ("--pending", {"held", "retrying"}, "待发送的消息 2 条"),
    ("--failed", {"retrying"}, "发送失败待重试的消息 1 条"),
    ("--dead", {"dead"}, "已放弃（死信）的消息 1 条 / 1 dead-letter message(s)"),
])
async def test_outbox_flags_pick_pending_failed_or_dead(
        uow_factory: Factory, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        flag: str, shown: set[str], title: str) -> None:
    ids = await fill(uow_factory)
    assert await cli("outbox", flag, "--config", config_file(tmp_path, db_url)) == 0
    out = capsys.readouterr().out
    assert title in out
    assert {name for name, item_id in ids.items() if f"#{item_id}  " in out} == shown


async def test_outbox_limit_and_an_empty_outbox(uow_factory: Factory, db_url: str, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    config = config_file(tmp_path, db_url)
    assert await cli("outbox", "--dead", "--config", config) == 0
    assert "没有已放弃（死信）的消息。/ No dead-letter messages." in capsys.readouterr().out
    await fill(uow_factory)
    assert await cli("outbox", "--limit", "1", "--config", config) == 0
    assert "未送达的消息 1 条" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        await cli("outbox", "--limit", "zero", "--config", config)
    assert "--limit must be a positive number" in capsys.readouterr().err


async def test_a_held_message_says_until_when_in_the_recipients_time_zone(
        uow_factory: Factory, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Held for quiet hours: "held until 08:00 (quiet hours, Asia/Shanghai)", the not_before in the zone of the
    person it is for (UTC when the recipient is nobody known)."""
    now = datetime.now(UTC)
    morning = now + timedelta(hours=2)
    async with uow_factory() as uow:
        await uow.reps.add(Rep("李娜", identities={"wecom": "lina"}, timezone="Asia/Shanghai"))
        held = await uow.outbox.add(OutboxItem("wecom", "lina", "今日摘要", created_at=now, not_before=morning))
        await uow.commit()
    assert held is not None
    assert await cli("outbox", "--pending", "--config", config_file(tmp_path, db_url)) == 0
    local = morning.astimezone(ZoneInfo("Asia/Shanghai"))
    assert (f"#{held.id}  held until {local:%H:%M} (quiet hours, Asia/Shanghai) 免打扰暂缓至 {local:%H:%M}  "
            "wecom → lina") in capsys.readouterr().out
