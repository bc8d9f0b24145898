"""Replies, proactive messages and team notices reach DingTalk through the outbox, within its limits and
through its failures: nothing is lost, no custom robot is ever banned, one access token for all processes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import timedelta

from sqlalchemy import select

from bot.channels.dingtalk import build
from domain.messaging import OutboxItem, OutboxStatus
from storage.models import OutboxRow
from tests.dingtalk_e2e.harness import (
    CLIENT_ID,
    ROBOT,
    ROBOT_SECRET,
    ROBOT_TOKEN,
    SESSION,
    TO_USERS,
    DingTalkSession,
    shown,
)

TOKEN = "/v1.0/oauth2/accessToken"


async def outbox(dingtalk: DingTalkSession) -> list[tuple[str, int]]:
    async with dingtalk.app.uow_factory() as uow:
        session = uow.session  # type: ignore[attr-defined]
        rows = (await session.execute(select(OutboxRow.status, OutboxRow.attempts).order_by(OutboxRow.id))).all()
    return [(str(status), int(attempts)) for status, attempts in rows]


async def notices(dingtalk: DingTalkSession, count: int) -> None:
    async with dingtalk.app.uow_factory() as uow:
        for i in range(count):
            await uow.outbox.add(OutboxItem(channel="dingtalk", recipient="robot:华东一组", text=f"通知 {i}",
                                            markdown=f"### 团队通知 {i}\n**新增商机**：{i} 个",
                                            created_at=dingtalk.clock()))
        await uow.commit()


async def test_twenty_five_notices_in_a_minute_all_arrive_and_never_faster_than_twenty_a_minute(
        dingtalk: DingTalkSession) -> None:
    await notices(dingtalk, 25)
    for _ in range(8):
        await dingtalk.app.dispatcher.drain()
        dingtalk.clock.now += timedelta(seconds=15)
    sent = dingtalk.fake.received(ROBOT)
    assert sorted(r.body["markdown"]["title"] for r in sent) == sorted(f"通知 {i}" for i in range(25))
    times = [r.at for r in sent]
    assert all(sum(1 for t in times if start <= t < start + 60) <= 20 for start in times)
    assert times[-1] - times[0] >= 60  # the last five waited for the window to move
    assert dingtalk.fake.banned_until == {}  # never over DingTalk's limit
    first = sent[0]
    stamp = first.query["timestamp"]
    expected = base64.b64encode(hmac.new(ROBOT_SECRET.encode(), f"{stamp}\n{ROBOT_SECRET}".encode(),
                                         hashlib.sha256).digest()).decode()
    assert (first.query["access_token"], first.query["sign"]) == (ROBOT_TOKEN, expected)
    assert first.body["markdown"]["text"].startswith("### 团队通知")
    assert {status for status, _ in await outbox(dingtalk)} == {OutboxStatus.SENT}


async def test_a_banned_robot_waits_out_the_ban_and_loses_nothing(dingtalk: DingTalkSession) -> None:
    dingtalk.fake.banned_until[ROBOT_TOKEN] = dingtalk.clock.epoch() + 600  # another sender used up the minute
    await notices(dingtalk, 1)
    await dingtalk.app.dispatcher.drain()
    assert await outbox(dingtalk) == [(OutboxStatus.PENDING, 1)]
    dingtalk.clock.now += timedelta(minutes=9)
    await dingtalk.app.dispatcher.drain()
    assert await outbox(dingtalk) == [(OutboxStatus.PENDING, 1)]  # still inside the 10-minute ban
    dingtalk.clock.now += timedelta(minutes=2)
    await dingtalk.app.dispatcher.drain()
    assert await outbox(dingtalk) == [(OutboxStatus.SENT, 2)]
    assert [r.body["markdown"]["title"] for r in dingtalk.fake.received(ROBOT)] == ["通知 0"] * 2


async def test_throttling_403_is_retried_later_from_the_outbox(dingtalk: DingTalkSession) -> None:
    dingtalk.fake.faults[TO_USERS] = [(403, {"code": "Forbidden.AccessDenied.QpsLimitForApi", "message": "qps"})]
    [refused] = await dingtalk.say("新客户 苏州恒瑞智能装备有限公司", lapsed=True)
    assert refused.path == TO_USERS and await outbox(dingtalk) == [(OutboxStatus.PENDING, 1)]
    dingtalk.clock.now += timedelta(seconds=61)
    await dingtalk.app.dispatcher.drain()
    [delivered] = dingtalk.new_sends()
    assert delivered.body == refused.body and "已创建客户" in shown(delivered)
    assert await outbox(dingtalk) == [(OutboxStatus.SENT, 2)]


async def test_one_access_token_in_the_database_serves_every_process(dingtalk: DingTalkSession) -> None:
    await dingtalk.say("新客户 苏州恒瑞智能装备有限公司", lapsed=True)
    other = build(dingtalk.app.config, dingtalk.clock.epoch, dingtalk.app.uow_factory)  # a second process
    assert other is not None
    await other.api.to_users(["lina"], "sampleText", json.dumps({"content": "hi"}))
    await other.stop()
    assert len(dingtalk.fake.received(TOKEN)) == 1
    async with dingtalk.app.uow_factory() as uow:
        stored = await uow.settings.get(f"dingtalk:{CLIENT_ID}")
    assert isinstance(stored, dict) and stored["token"] == dingtalk.fake.tokens[0]
    dingtalk.fake.tokens.append("rotated")  # DingTalk no longer accepts the stored token: 401
    await dingtalk.say("客户 恒瑞", lapsed=True)
    assert len(dingtalk.fake.received(TOKEN)) == 2 and await outbox(dingtalk) == [(OutboxStatus.SENT, 1)] * 2


async def test_a_webhook_expiring_midway_sends_only_the_rest_through_the_openapi(dingtalk: DingTalkSession) -> None:
    lines = "\n".join(f"**第 {i} 行**：{'明途智能工厂' * 8}" for i in range(60))  # 3 markdown parts
    url = dingtalk.fake.session_url()
    dingtalk.fake.faults[SESSION] = [(200, {"errcode": 0}), (200, {"errcode": 300001, "errmsg": "expired"})]
    async with dingtalk.app.uow_factory() as uow:
        await uow.outbox.add(OutboxItem(channel="dingtalk", recipient="zhangwei", text="长回复", markdown=lines,
                                        created_at=dingtalk.clock(), extra={
                                            "session_webhook": url,
                                            "session_webhook_expires": int(dingtalk.clock.epoch() * 1000) + 3_600_000}))
        await uow.commit()
    await dingtalk.app.dispatcher.drain()
    sends = dingtalk.new_sends()
    webhook = [r for r in sends if r.path == SESSION]
    api = [r for r in sends if r.path == TO_USERS]
    assert len(webhook) == 2 and len(api) >= 2  # part 1 by webhook, part 2 refused there, parts 2… by the API
    texts = [shown(r) for r in webhook[:1] + api]
    assert "".join(texts).count("**第 0 行**") == 1 and "第 59 行" in texts[-1]  # every part once, in order
    assert shown(webhook[1]) == shown(api[0])  # the refused part went through the OpenAPI
