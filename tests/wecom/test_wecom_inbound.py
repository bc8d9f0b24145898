"""The pure parser from decrypted XML to InboundMessage."""

from __future__ import annotations

import pytest

from connectors.wecom.inbound import parse_wecom_xml
from connectors.wecom.xmlsafe import XmlRejected

EVENT_WITH_ZERO_ID = (
    "<xml><ToUserName>ww1</ToUserName><FromUserName>wangwu</FromUserName><CreateTime>1700000000</CreateTime>"
    "<MsgType>event</MsgType><Event>click</Event><EventKey>menu_today</EventKey><MsgId>0</MsgId>"
    "<AgentID>1000002</AgentID></xml>"
)


def test_event_with_msgid_zero_is_keyed_on_sender_time_and_event() -> None:
    msg = parse_wecom_xml(EVENT_WITH_ZERO_ID)
    assert msg.external_id == "event:wangwu:1700000000:click"
    assert msg.extra == {"msgtype": "event", "agent_id": "1000002", "event": "click",
                         "event_key": "menu_today"}
    assert msg.text == ""


def test_escaped_characters_in_text_are_decoded() -> None:
    msg = parse_wecom_xml("<xml><FromUserName>a</FromUserName><CreateTime>1</CreateTime>"
                          "<MsgType>text</MsgType><Content>A &amp; B &lt;3</Content><MsgId>9</MsgId></xml>")
    assert msg.text == "A & B <3"


@pytest.mark.parametrize("xml", [
    "<xml><FromUserName>a</FromUserName><CreateTime>1</CreateTime></xml>",  # no MsgType
    "<xml><MsgType>text</MsgType><Content>x</Content><MsgId>1</MsgId></xml>",  # no sender
    "<xml/>",
])
def test_message_missing_required_fields_is_refused(xml: str) -> None:
    with pytest.raises(ValueError):
        parse_wecom_xml(xml)


def test_inner_doctype_is_refused_before_parsing() -> None:
    with pytest.raises(XmlRejected):
        parse_wecom_xml('<!DOCTYPE x [<!ENTITY a "b">]><xml><MsgType>&a;</MsgType></xml>')


def tap_xml(task: str, key: str) -> str:
    return ("<xml><ToUserName>ww1</ToUserName><FromUserName>zhangwei</FromUserName><CreateTime>1700000000"
            "</CreateTime><MsgType>event</MsgType><Event>template_card_event</Event>"
            f"<EventKey>{key}</EventKey><TaskId>{task}</TaskId><CardType>button_interaction</CardType>"
            "<ResponseCode>RC42</ResponseCode><AgentID>1000002</AgentID></xml>")


def test_a_button_tap_is_its_key_as_text_with_what_updating_the_card_needs() -> None:
    msg = parse_wecom_xml(tap_xml("t1", "reminder done R1"))
    assert msg.text == "reminder done R1"
    assert (msg.extra["msgtype"], msg.extra["button"]) == ("text", True)
    assert (msg.extra["task_id"], msg.extra["response_code"]) == ("t1", "RC42")


def test_taps_on_two_cards_in_the_same_second_are_two_messages() -> None:
    ids = {parse_wecom_xml(tap_xml(task, key)).external_id
           for task, key in (("t1", "reminder done R1"), ("t2", "reminder done R2"), ("t1", "reminder show R1"))}
    assert len(ids) == 3
    assert parse_wecom_xml(tap_xml("t1", "a")).external_id == parse_wecom_xml(tap_xml("t1", "a")).external_id
