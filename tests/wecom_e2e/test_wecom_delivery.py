"""Replies, reminders and team notices reach WeCom through the outbox, within WeCom's limits and
through its failures: nothing is lost, nothing goes faster than WeCom accepts."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from domain.messaging import OutboxItem, OutboxStatus
from storage.models import OutboxRow
from tests.wecom.wecom_support import AGENT_ID, CORP_ID, ROBOT_KEY
from tests.wecom_e2e.harness import GETTOKEN, SEND, WEBHOOK, WeComSession, content

TOKEN_KEY = f"wecom:{CORP_ID}:{AGENT_ID}"


async def outbox(wecom: WeComSession) -> list[tuple[str, int]]:
    """(status, attempts) of every outbox row, oldest first."""
    async with wecom.app.uow_factory() as uow:
        session = uow.session  # type: ignore[attr-defined]
        rows = (await session.execute(select(OutboxRow.status, OutboxRow.attempts).order_by(OutboxRow.id))).all()
    return [(str(status), int(attempts)) for status, attempts in rows]


async def test_due_reminder_is_delivered_to_the_reps_wecom(wecom: WeComSession) -> None:
    await wecom.say("新客户 苏州恒瑞智能装备有限公司 区域 华东")
    await wecom.say("新商机 恒瑞 产线改造 80万")
    await wecom.say("跟进 #1 拜访了周总 下次 2026-11-25 发送方案")
    assert await wecom.tick(timedelta(hours=1)) == []
    reminder, buttons = await wecom.tick(timedelta(days=1))  # the text, then its button card
    assert reminder.body is not None and reminder.body["touser"] == "zhangwei"
    assert buttons.body is not None and buttons.body["msgtype"] == "template_card"
    assert "提醒" in content(reminder) and "#1" in content(reminder)
    assert await wecom.tick(timedelta(days=1)) == []  # once only


async def test_token_expired_mid_send_is_refreshed_once_and_delivered(wecom: WeComSession) -> None:
    await wecom.say("新客户 苏州恒瑞智能装备有限公司")
    wecom.fake.send_faults.append({"errcode": 42001, "errmsg": "access_token expired"})
    sends = await wecom.say("新商机 恒瑞 产线改造 80万")
    assert [r.query["access_token"] for r in sends] == wecom.fake.issued  # old token refused, new one taken
    assert "#1" in content(sends[-1])
    assert len(wecom.fake.received(GETTOKEN)) == 2
    async with wecom.app.uow_factory() as uow:
        stored = await uow.settings.get(TOKEN_KEY)
    assert isinstance(stored, dict) and stored["token"] == wecom.fake.issued[1]
    assert [status for status, _ in await outbox(wecom)] == [OutboxStatus.SENT] * 2


async def test_api_freq_out_of_limit_is_retried_later_by_the_outbox(wecom: WeComSession) -> None:
    wecom.fake.send_faults.append({"errcode": 45009, "errmsg": "api freq out of limit"})
    [refused] = await wecom.say("新客户 苏州恒瑞智能装备有限公司")
    assert await outbox(wecom) == [(OutboxStatus.PENDING, 1)]  # kept, waiting for its retry time
    assert await wecom.tick(timedelta(seconds=30)) == []  # not yet due
    [delivered] = await wecom.tick(timedelta(seconds=31))
    assert delivered.body == refused.body
    assert await outbox(wecom) == [(OutboxStatus.SENT, 2)]


async def test_forty_messages_in_a_minute_all_arrive_and_never_faster_than_thirty_a_minute(
        wecom: WeComSession) -> None:
    await wecom.say("新客户 苏州恒瑞智能装备有限公司")
    wecom.advance(timedelta(minutes=5))
    first = len(wecom.fake.received(SEND))
    for i in range(40):
        await wecom.say(f"客户 恒瑞{i}")
        wecom.advance(timedelta(seconds=1))
    for _ in range(10):  # then time passes; the outbox retries whatever was held back
        await wecom.tick(timedelta(seconds=10))
    times = wecom.fake.times(SEND)[first:]
    assert len(times) == 40
    assert all(sum(1 for t in times if start <= t < start + 60) <= 30 for start in times)
    assert times[-1] - times[0] >= 60  # the last ten had to wait for the window to move
    assert {status for status, _ in await outbox(wecom)} == {OutboxStatus.SENT}


async def test_team_notice_goes_to_the_teams_group_robot(wecom: WeComSession) -> None:
    async with wecom.app.uow_factory() as uow:
        await uow.outbox.add(OutboxItem(channel="wecom", recipient="robot:华东一组", text="本周新增商机 3 个",
                                        markdown="### 本周简报\n**新增商机**：3 个", created_at=wecom.now()))
        await uow.commit()
    assert await wecom.deliver() == 1
    [notice] = wecom.fake.received(WEBHOOK)
    assert notice.query == {"key": ROBOT_KEY}
    assert notice.body == {"msgtype": "markdown", "markdown": {"content": "### 本周简报\n**新增商机**：3 个"}}
