"""Visit check-in over WeCom (issue #14): a location message, encrypted with the reference crypto and posted
to the bot's own callback, is parsed by the real connector (wechatpy), stored in the inbox and checked in; the
same callback replayed (WeCom's retry: same MsgId) stores one visit and sends one reply."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import FollowUpRow, InboxRow, VisitRow
from tests.wecom.wecom_support import AGENT_ID, CORP_ID
from tests.wecom_e2e.harness import WeComSession, content
from tests.wecom_e2e.test_wecom_rep_flow import only


def location_xml(wecom: WeComSession, lat: str, lng: str, label: str, msg_id: str, user: str = "zhangwei") -> bytes:
    """A member's location message as the WeCom app callback carries it (MsgType location)."""
    return (f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName><FromUserName><![CDATA[{user}]]></FromUserName>"
            f"<CreateTime>{int(wecom.epoch())}</CreateTime><MsgType><![CDATA[location]]></MsgType>"
            f"<Location_X>{lat}</Location_X><Location_Y>{lng}</Location_Y><Scale>15</Scale>"
            f"<Label><![CDATA[{label}]]></Label><MsgId>{msg_id}</MsgId><AgentID>{AGENT_ID}</AgentID>"
            "</xml>").encode()


async def with_customer(wecom: WeComSession) -> None:
    await wecom.say("新客户 杭州明途信息技术有限公司 区域 华东")
    await wecom.say("新商机 明途 智能工厂MES 80万")
    assert "已设置" in only(await wecom.say("客户地址 明途 上海市浦东新区世纪大道100号 31.2304,121.4737"))


async def test_a_replayed_location_message_checks_in_once(wecom: WeComSession) -> None:
    await with_customer(wecom)
    msg_id = wecom.next_id()
    sealed = wecom.sealed(location_xml(wecom, "31.2314", "121.4737", "上海市浦东新区世纪大道", msg_id))
    for _ in range(3):  # WeCom delivers a callback up to 3 more times when it did not get its 200 in time
        assert await wecom.post(*sealed) == (200, b"")
    await wecom.settle()
    await wecom.deliver()
    reply = only(wecom.new_sends())
    assert reply == "已签到：明途 10:00，距客户地址 111 米，记在 #1 智能工厂MES。"
    async with wecom.app.uow_factory() as uow:
        session = uow.session  # type: ignore[attr-defined]
        rows = (await session.execute(select(VisitRow.customer_id, VisitRow.opportunity_id, VisitRow.latitude,
                                             VisitRow.longitude, VisitRow.label, VisitRow.distance_m,
                                             VisitRow.far))).all()
        kinds = list(await session.scalars(select(FollowUpRow.kind)))
        stored = list(await session.scalars(select(InboxRow.external_id).where(InboxRow.external_id == msg_id)))
    assert [tuple(r) for r in rows] == [(1, 1, 31.2314, 121.4737, "上海市浦东新区世纪大道", 111, False)]
    assert kinds == ["visit"] and stored == [msg_id]


async def test_a_location_far_from_every_customer_asks_and_the_name_answers(wecom: WeComSession) -> None:
    await with_customer(wecom)
    assert await wecom.callback(location_xml(wecom, "31.2592", "121.4737", "别处", wecom.next_id())) == (200, b"")
    await wecom.settle()
    await wecom.deliver()
    assert "在哪个客户？回复客户名" in only(wecom.new_sends())
    assert await wecom.row_counts(VisitRow) == (0,)
    reply = only(await wecom.say("明途"))
    assert "距离客户地址 3.2 公里（已标记）" in reply
    assert await wecom.row_counts(VisitRow) == (1,)


async def test_a_location_with_impossible_coordinates_is_refused(wecom: WeComSession) -> None:
    await with_customer(wecom)
    assert await wecom.callback(location_xml(wecom, "191.0", "121.4", "", wecom.next_id())) == (200, b"")
    await wecom.settle()
    await wecom.deliver()
    assert content(wecom.new_sends()[0]) == "没能读出这个位置。请用文字签到，例如：签到 明途"
    assert await wecom.row_counts(VisitRow) == (0,)
