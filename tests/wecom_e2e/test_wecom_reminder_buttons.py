"""Reminder cards in WeCom, on SQLite and PostgreSQL: the reminder arrives at its minute with a
button_interaction card (完成 / 延后一天 / 改时间 / 查看); a tap, replayed as the template_card_event the fake
WeCom builds for it, completes or postpones the reminder once and settles the card (update_template_card with
the tap's ResponseCode); a second tap of the same card changes nothing; someone else's tap is refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from domain.activity import ReminderStatus
from storage.models import ReminderRow
from tests.wecom.wecom_support import AGENT_ID, CORP_ID
from tests.wecom_e2e.harness import WeComSession, content

UPDATE = "/cgi-bin/message/update_template_card"
DUE = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)  # 11:00 in Shanghai; the session starts at 10:00
DONE, SNOOZE = "reminder done R1@202611240300", "reminder snooze R1@202611240300"


async def pushed_card(wecom: WeComSession) -> dict[str, Any]:
    await wecom.say("新客户 杭州明途信息技术有限公司 区域 华东")
    await wecom.say("新商机 明途 MES 80万")
    await wecom.say("跟进 #1 电话沟通 下次 2026-11-24 11:00 发方案")
    assert await wecom.tick(timedelta(minutes=59)) == []
    bodies = [r.body for r in await wecom.tick(timedelta(minutes=1)) if r.body is not None]
    assert [b["msgtype"] for b in bodies] == ["text", "template_card"]
    assert bodies[0]["text"]["content"] == "⏰ 提醒 R1：#1 明途 · 发方案"
    card: dict[str, Any] = bodies[1]["template_card"]
    assert [(b["text"], b["key"]) for b in card["button_list"]] == [
        ("完成", DONE), ("延后一天", SNOOZE), ("改时间", "reminder reschedule R1@202611240300"),
        ("查看", "reminder show R1@202611240300")]
    return card


async def tap(wecom: WeComSession, card: dict[str, Any], key: str, user: str = "zhangwei") -> list[str]:
    wecom.advance(timedelta(seconds=10))
    xml = wecom.fake.tap(card, key, user=user, corp_id=CORP_ID, agent_id=AGENT_ID, create_time=int(wecom.epoch()))
    status, _ = await wecom.callback(xml)
    assert status == 200
    await wecom.settle()
    await wecom.deliver()
    return [content(r) for r in wecom.new_sends()]


def updates(wecom: WeComSession) -> list[dict[str, Any]]:
    return [r.body for r in wecom.fake.received(UPDATE) if r.body is not None]


async def row(wecom: WeComSession) -> tuple[str, datetime, datetime | None]:
    async with wecom.app.uow_factory() as uow:
        found = (await uow.session.execute(select(ReminderRow))).scalar_one()  # type: ignore[attr-defined]
        return found.status, found.due_at, found.done_at


async def test_a_tap_on_done_completes_it_once_and_settles_the_card(wecom: WeComSession) -> None:
    card = await pushed_card(wecom)
    replies = await tap(wecom, card, DONE)
    assert len(replies) == 1 and "已完成 R1" in replies[0]
    assert await row(wecom) == (ReminderStatus.DONE, DUE, DUE + timedelta(seconds=10))
    assert updates(wecom) == [{"userids": ["zhangwei"], "agentid": AGENT_ID, "response_code": "RC000001",
                               "button": {"replace_name": "✅ 已完成"}}]
    replies = await tap(wecom, card, DONE)
    assert len(replies) == 1 and "R1 已经完成了，这次没有改动" in replies[0]
    assert await row(wecom) == (ReminderStatus.DONE, DUE, DUE + timedelta(seconds=10))
    assert len(updates(wecom)) == 1


async def test_a_tap_on_snooze_postpones_it_a_day_once(wecom: WeComSession) -> None:
    card = await pushed_card(wecom)
    replies = await tap(wecom, card, SNOOZE)
    assert len(replies) == 1 and "已延后 R1" in replies[0]
    assert await row(wecom) == (ReminderStatus.PENDING, DUE + timedelta(days=1), None)
    assert [u["button"]["replace_name"] for u in updates(wecom)] == ["已延后至 11-25 11:00"]
    replies = await tap(wecom, card, SNOOZE)
    assert len(replies) == 1 and "这张提醒卡片已经处理过" in replies[0]
    assert await tap(wecom, card, DONE) != []  # the old card cannot complete the re-armed reminder either
    assert await row(wecom) == (ReminderStatus.PENDING, DUE + timedelta(days=1), None)
    assert len(updates(wecom)) == 1
    sends = await wecom.tick(timedelta(days=1))
    assert [r.body["msgtype"] for r in sends if r.body] == ["text", "template_card"]  # pushed again


async def test_someone_elses_tap_is_refused_and_changes_nothing(wecom: WeComSession) -> None:
    card = await pushed_card(wecom)
    replies = await tap(wecom, card, DONE, user="lina")
    assert len(replies) == 1 and "找不到提醒 R1" in replies[0]
    assert await row(wecom) == (ReminderStatus.SENT, DUE, None)
    assert updates(wecom) == []
    replies = await tap(wecom, card, DONE)  # the owner's own tap still works
    assert "已完成 R1" in replies[0]
