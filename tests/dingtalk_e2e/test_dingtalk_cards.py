"""Interactive cards in DingTalk, on SQLite and PostgreSQL: a due reminder arrives as a card
(createAndDeliver to the rep's robot chat, callbackType STREAM) with 完成 / 延后一天 / 改时间 / 查看; a tap comes
back on the card callback topic and goes through the same command path as typed text, once; the card is
updated with what happened; a second tap changes nothing; a tap by anyone else is refused. Without a card
template, the reminder is markdown that says what to reply."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from domain.activity import ReminderStatus
from storage.models import FollowUpRow, ReminderRow
from tests.dingtalk.fake_gateway import FakeDingTalk
from tests.dingtalk_e2e.conftest import NOW
from tests.dingtalk_e2e.harness import (
    CARD_CREATE,
    CARD_UPDATE,
    SESSION,
    TEMPLATE,
    TO_USERS,
    DingTalkSession,
    shown,
    start_session,
)

DUE = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)  # 11:00 in Shanghai; the session starts at 10:00
DONE, SNOOZE = "reminder done R1@202611240300", "reminder snooze R1@202611240300"


async def pushed_card(dingtalk: DingTalkSession) -> dict[str, Any]:
    await dingtalk.say("新客户 杭州明途信息技术有限公司 区域 华东")
    await dingtalk.say("新商机 明途 MES 80万")
    await dingtalk.say("跟进 #1 电话沟通 下次 2026-11-24 11:00 发方案")
    assert await dingtalk.tick(timedelta(minutes=59)) == []
    [card] = await dingtalk.tick(timedelta(minutes=1))
    assert card.path == CARD_CREATE
    body = card.body
    assert (body["cardTemplateId"], body["callbackType"], body["openSpaceId"]) == (
        TEMPLATE, "STREAM", "dtv1.card//IM_ROBOT.zhangwei")
    params = body["cardData"]["cardParamMap"]
    assert all(isinstance(v, str) for v in params.values())  # DingTalk takes string values only
    assert params["owner"] == "zhangwei" and params["markdown"].startswith("⏰ 提醒 R1：#1 明途 · 发方案")
    assert [(b["text"], b["key"]) for b in json.loads(params["buttons"])] == [
        ("完成", DONE), ("延后一天", SNOOZE), ("改时间", "reminder reschedule R1@202611240300"),
        ("查看", "reminder show R1@202611240300")]
    return body


async def tap(dingtalk: DingTalkSession, card: dict[str, Any], button: int, user: str = "zhangwei") -> list[str]:
    dingtalk.taps.append(message_id := dingtalk.fake.tap(card["outTrackId"], user, button))
    await dingtalk.acked(message_id)
    return [shown(r) for r in await dingtalk.flush() if r.path != CARD_UPDATE]


def updates(dingtalk: DingTalkSession) -> list[dict[str, Any]]:
    return [r.body for r in dingtalk.fake.received(CARD_UPDATE)]


async def row(dingtalk: DingTalkSession) -> tuple[str, datetime, bool]:
    async with dingtalk.app.uow_factory() as uow:
        found = (await uow.session.execute(select(ReminderRow))).scalar_one()  # type: ignore[attr-defined]
        return found.status, found.due_at, found.done_at is not None


async def test_a_tap_on_done_completes_it_once_and_updates_the_card(dingtalk: DingTalkSession) -> None:
    card = await pushed_card(dingtalk)
    replies = await tap(dingtalk, card, 0)
    assert len(replies) == 1 and "已完成 R1" in replies[0]
    assert await row(dingtalk) == (ReminderStatus.DONE, DUE, True)
    assert updates(dingtalk) == [{"outTrackId": card["outTrackId"], "cardData": {"cardParamMap": {
        "result": "✅ 已完成", "buttons": "[]"}}, "cardUpdateOptions": {"updateCardDataByKey": True}}]
    assert dingtalk.fake.cards[card["outTrackId"]]["cardData"]["cardParamMap"]["result"] == "✅ 已完成"
    dingtalk.fake.resend(dingtalk.taps[-1])  # the gateway delivers the tap's frame again: the same message
    await dingtalk.acked(dingtalk.taps[-1])
    assert await dingtalk.flush() == []
    message_id = dingtalk.fake.replay(dingtalk.taps[-1])  # a second tap: answered, and nothing changes
    await dingtalk.acked(message_id)
    [again] = [shown(r) for r in await dingtalk.flush()]
    assert "R1 已经完成了，这次没有改动" in again
    assert await row(dingtalk) == (ReminderStatus.DONE, DUE, True)
    assert len(updates(dingtalk)) == 1 and await dingtalk.inbox_count() == 5


async def test_a_tap_on_snooze_postpones_it_a_day(dingtalk: DingTalkSession) -> None:
    card = await pushed_card(dingtalk)
    replies = await tap(dingtalk, card, 1)
    assert len(replies) == 1 and "已延后 R1" in replies[0]
    assert await row(dingtalk) == (ReminderStatus.PENDING, DUE + timedelta(days=1), False)
    assert [u["cardData"]["cardParamMap"]["result"] for u in updates(dingtalk)] == ["已延后至 11-25 11:00"]
    [again] = await dingtalk.tick(timedelta(days=1))  # a new card at the new time
    assert again.path == CARD_CREATE and again.body["outTrackId"] != card["outTrackId"]


async def test_someone_elses_tap_is_refused_and_changes_nothing(dingtalk: DingTalkSession) -> None:
    card = await pushed_card(dingtalk)
    replies = await tap(dingtalk, card, 0, user="lina")
    assert len(replies) == 1 and "这张卡片是发给别人的" in replies[0]
    assert await row(dingtalk) == (ReminderStatus.SENT, DUE, False)
    assert updates(dingtalk) == []
    replies = await tap(dingtalk, card, 0)  # the recipient's own tap still works
    assert "已完成 R1" in replies[0] and await row(dingtalk) == (ReminderStatus.DONE, DUE, True)


async def test_without_a_card_template_the_reminder_says_what_to_reply(db_url: str, fake: FakeDingTalk) -> None:
    session = await start_session(db_url, fake, NOW, cards=False)
    try:
        await session.say("新客户 杭州明途信息技术有限公司 区域 华东")
        await session.say("新商机 明途 MES 80万")
        await session.say("跟进 #1 电话沟通 下次 2026-11-24 11:00 发方案")
        [reminder] = await session.tick(timedelta(hours=1))
        assert reminder.path == TO_USERS and reminder.body["userIds"] == ["zhangwei"]
        text = shown(reminder)
        assert text.startswith("⏰ 提醒 R1：#1 明途 · 发方案") and "回复" in text and "完成" in text
        replies = [shown(r) for r in await session.say("1")]  # the numbered reply completes it
        assert len(replies) == 1 and "已完成 R1" in replies[0]
        assert fake.received(CARD_CREATE) == [] and fake.received(SESSION)
    finally:
        await session.close()


async def test_a_held_sentence_comes_as_a_card_and_a_tap_on_confirm_writes_it(dingtalk: DingTalkSession) -> None:
    await dingtalk.say("新客户 杭州明途信息技术有限公司 区域 华东")
    await dingtalk.say("新商机 明途 MES 80万")
    [card] = await dingtalk.say("#1 项目暂停了 客户内部调整")
    assert card.path == CARD_CREATE and "请确认" in shown(card)
    assert json.loads(card.body["cardData"]["cardParamMap"]["buttons"]) == [
        {"text": "确认", "key": "confirm"}, {"text": "取消", "key": "cancel"}]
    assert await dingtalk.row_counts(FollowUpRow) == (0,)
    replies = await tap(dingtalk, card.body, 0)
    assert len(replies) == 1 and "已确认" in replies[0]
    assert await dingtalk.row_counts(FollowUpRow) == (1,)
