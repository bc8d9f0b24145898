"""One-tap answers in WeCom: a held sentence comes with 确认/取消 buttons; a tap writes or drops it."""

from __future__ import annotations

from storage.models import FollowUpRow
from tests.wecom.wecom_support import AGENT_ID, CORP_ID
from tests.wecom_e2e.harness import WeComSession, content

HELD = "#1 项目暂停了 客户内部调整"


def tap_xml(wecom: WeComSession, key: str, user: str = "zhangwei") -> bytes:
    """The template_card_event WeCom posts when a member taps a button of a button_interaction card."""
    return (f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName><FromUserName><![CDATA[{user}]]></FromUserName>"
            f"<CreateTime>{int(wecom.epoch())}</CreateTime><MsgType><![CDATA[event]]></MsgType>"
            f"<Event><![CDATA[template_card_event]]></Event><EventKey><![CDATA[{key}]]></EventKey>"
            f"<TaskId><![CDATA[t1]]></TaskId><CardType><![CDATA[button_interaction]]></CardType>"
            f"<AgentID>{AGENT_ID}</AgentID></xml>").encode()


async def tap(wecom: WeComSession, key: str) -> list[str]:
    status, _ = await wecom.callback(tap_xml(wecom, key))
    assert status == 200
    await wecom.settle()
    await wecom.deliver()
    return [content(r) for r in wecom.new_sends()]


async def held_sentence(wecom: WeComSession) -> list[dict[str, object]]:
    await wecom.say("新客户 杭州明途信息技术有限公司 区域 华东")
    await wecom.say("新商机 明途 MES 80万")
    sends = await wecom.say(HELD)
    bodies = [r.body for r in sends if r.body is not None]
    assert [b["msgtype"] for b in bodies] == ["markdown", "template_card"]
    assert "请确认" in str(bodies[0]["markdown"])
    return bodies


async def test_a_held_sentence_comes_with_buttons_and_a_tap_on_confirm_writes_it(wecom: WeComSession) -> None:
    bodies = await held_sentence(wecom)
    card = bodies[1]["template_card"]
    assert isinstance(card, dict) and card["card_type"] == "button_interaction"
    assert [(b["text"], b["key"]) for b in card["button_list"]] == [("确认", "confirm"), ("取消", "cancel")]
    assert await wecom.row_counts(FollowUpRow) == (0,)
    replies = await tap(wecom, "confirm")
    assert len(replies) == 1 and "已确认" in replies[0]
    assert await wecom.row_counts(FollowUpRow) == (1,)


async def test_a_tap_on_cancel_drops_it(wecom: WeComSession) -> None:
    await held_sentence(wecom)
    replies = await tap(wecom, "cancel")
    assert len(replies) == 1 and "已取消" in replies[0]
    await wecom.say("确认")
    assert await wecom.row_counts(FollowUpRow) == (0,)
