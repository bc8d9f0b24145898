"""WeCom payloads with NUL bytes or surrogates are refused at the door (the callback answers 400)."""

from __future__ import annotations

import pytest

from connectors.wecom.inbound import parse_wecom_xml

TEMPLATE = ("<xml><ToUserName><![CDATA[ww1]]></ToUserName><FromUserName><![CDATA[zhangwei]]></FromUserName>"
            "<CreateTime>1764300000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content>{}</Content>"
            "<MsgId>123</MsgId><AgentID>1000002</AgentID></xml>")


def test_ordinary_text_with_emoji_passes() -> None:
    message = parse_wecom_xml(TEMPLATE.format("跟进 #1 😀"), clock=lambda: 1764300000)
    assert message.text == "跟进 #1 😀"


@pytest.mark.parametrize("content", ["a&#0;b", "a&#xD800;b", "a\x00b", "a\ud800b"])
def test_nul_and_surrogates_are_refused_as_malformed(content: str) -> None:
    with pytest.raises(ValueError):  # XmlRejected / UnicodeError: the callback answers 400
        parse_wecom_xml(TEMPLATE.format(content), clock=lambda: 1764300000)
