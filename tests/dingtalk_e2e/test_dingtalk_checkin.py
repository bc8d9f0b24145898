"""Visit check-in over DingTalk (issue #14). DingTalk's chatbot callback documents no location message (it
delivers text, richText, picture, audio, video and file), so a rep checks in by text, `签到 明途`, as a text
or a richText message; a frame delivered again (or the same msgId under a new messageId) checks in once."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import FollowUpRow, VisitRow
from tests.dingtalk.fake_gateway import CHATBOT, eventually
from tests.dingtalk_e2e.harness import SESSION, DingTalkSession, shown


async def with_customer(dingtalk: DingTalkSession) -> None:
    await dingtalk.say("新客户 杭州明途信息技术有限公司 区域 华东")
    await dingtalk.say("新商机 明途 智能工厂MES 80万")


async def visit_rows(dingtalk: DingTalkSession) -> list[tuple[object, ...]]:
    async with dingtalk.app.uow_factory() as uow:
        session = uow.session  # type: ignore[attr-defined]
        rows = await session.execute(select(VisitRow.rep_id, VisitRow.customer_id, VisitRow.opportunity_id,
                                            VisitRow.latitude, VisitRow.followup_id))
        return [tuple(r) for r in rows]


async def test_a_replayed_text_check_in_is_one_visit_and_one_reply(dingtalk: DingTalkSession) -> None:
    await with_customer(dingtalk)
    fake = dingtalk.fake
    payload = fake.chatbot("签到 明途")
    first = fake.push(CHATBOT, payload)
    fake.resend(first)
    again = fake.push(CHATBOT, payload)  # the same msgId under a new messageId
    await dingtalk.acked(first, again)
    await eventually(lambda: fake.acks[first] == 2, what="two ACKs of the repeated frame")
    sends = await dingtalk.flush()
    assert [(r.path, shown(r)) for r in sends] == [
        (SESSION, "已签到：明途 10:00，未附位置，记在 #1 智能工厂MES。")]
    rows = await visit_rows(dingtalk)
    assert len(rows) == 1 and rows[0][1:4] == (1, 1, None)
    async with dingtalk.app.uow_factory() as uow:
        session = uow.session  # type: ignore[attr-defined]
        kinds = list(await session.scalars(select(FollowUpRow.kind).where(FollowUpRow.id == rows[0][4])))
    assert kinds == ["visit"]


async def test_a_rich_text_check_in_and_one_without_a_match(dingtalk: DingTalkSession) -> None:
    await with_customer(dingtalk)
    sends = await dingtalk.say("", msgtype="richText", content={"richText": [{"text": "签到 明途"}]})
    assert [shown(r) for r in sends] == ["已签到：明途 10:00，未附位置，记在 #1 智能工厂MES。"]
    sends = await dingtalk.say("签到 不存在的公司")
    assert [shown(r) for r in sends] == [
        "没有找到客户「不存在的公司」，没有签到。请写：签到 客户名，例如：签到 明途（在企业微信里也可以直接发送位置）"]
    assert len(await visit_rows(dingtalk)) == 1
