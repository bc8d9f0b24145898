"""Usage events recorded by the real pipeline: one per message, in the batch's own transaction."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from sqlalchemy import event, select

from storage.models import UsageEventRow
from storage.uow import SqlAlchemyUnitOfWork
from tests.e2e.harness import Console


async def events(console: Console) -> list[dict[str, Any]]:
    async with console.app.uow_factory() as uow:
        rows = (await cast(SqlAlchemyUnitOfWork, uow).session.scalars(
            select(UsageEventRow).order_by(UsageEventRow.id))).all()
        return [{"kind": r.kind, "feature": r.feature, "outcome": r.outcome, "channel": r.channel,
                 "person_id": r.person_id, "latency_ms": r.latency_ms, "target": r.target} for r in rows]


async def rep_id(console: Console, name: str) -> int:
    async with console.app.uow_factory() as uow:
        rep = next(r for r in await uow.reps.list() if r.name == name)
    assert rep.id is not None
    return rep.id


async def test_a_command_through_the_console_stores_its_event_with_latency(console: Console) -> None:
    msg = console.connector.message("新客户 杭州明途信息技术有限公司 区域 华东")
    msg = type(msg)(**{**{f: getattr(msg, f) for f in msg.__dataclass_fields__},
                       "received_at": console.clock.now - timedelta(milliseconds=250)})
    await console.app.bot.receive(msg)
    stored = await events(console)
    assert stored == [{"kind": "command", "feature": "新客户", "outcome": "ok", "channel": "console",
                       "person_id": await rep_id(console, "张伟"), "latency_ms": 250, "target": None}]


async def test_a_refused_command_is_stored_as_refused(console: Console) -> None:
    reply = await console.say("阶段 #99 谈判")
    assert reply  # answered (the deal does not exist)
    assert [(e["kind"], e["feature"], e["outcome"]) for e in await events(console)] == [
        ("command", "阶段", "refused")]


async def test_free_text_nobody_can_place_is_a_fallback(console: Console) -> None:
    await console.say("嗯嗯好的")
    assert [(e["kind"], e["outcome"]) for e in await events(console)] == [("fallback", "fallback")]


async def test_a_capture_then_undo_counts_as_an_undone_capture(console: Console) -> None:
    await console.say("新客户 杭州明途信息技术有限公司 区域 华东")
    await console.say("今天拜访了明途的王总，聊了MES项目，预算80万，下周三再约")
    await console.say("撤销")
    kinds = [(e["kind"], e["outcome"], e["target"]) for e in await events(console)]
    assert kinds[1][:2] == ("capture", "ok")
    assert kinds[2] == ("undo", "ok", "capture")


async def test_a_correction_of_a_capture_is_a_correction_event(console: Console) -> None:
    await console.say("新客户 杭州明途信息技术有限公司 区域 华东")
    await console.say("今天拜访了明途的王总，聊了MES项目，预算80万，下周三再约")
    reply = await console.say("改成周四")
    assert "已更正" in reply
    kinds = [(e["kind"], e["outcome"]) for e in await events(console)]
    assert kinds == [("command", "ok"), ("capture", "ok"), ("correction", "ok")]


async def test_an_unknown_sender_leaves_no_event(console: Console) -> None:
    await console.say("我的商机", as_user="stranger")
    assert await events(console) == []


async def test_recording_usage_adds_no_commit_to_a_message(console: Console) -> None:
    """The event is written in the batch's own transaction: a message commits as often with usage as without."""
    commits: list[str] = []

    def counted(_conn: Any) -> None:
        commits.append("commit")

    engine = console.app.engine.sync_engine
    event.listen(engine, "commit", counted)
    try:
        await console.say("新客户 杭州明途信息技术有限公司 区域 华东")
        with_usage = len(commits)
        usage, console.app.bot.usage = console.app.bot.usage, None
        commits.clear()
        await console.say("新客户 青岛海纳电子有限公司 区域 华东")
        without = len(commits)
        console.app.bot.usage = usage
    finally:
        event.remove(engine, "commit", counted)
    assert with_usage == without > 0
    assert [e["feature"] for e in await events(console)] == ["新客户"]  # the second message: usage off
