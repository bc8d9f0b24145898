"""The pure parts of the DingTalk channel: signatures, payload reading, message bodies, backoff, errcodes."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from connectors.base import OutboundMessage
from connectors.dingtalk.client import message_param
from connectors.dingtalk.inbound import card_inbound, chatbot_inbound
from connectors.dingtalk.markdown import parts, title_of, webhook_body
from connectors.dingtalk.sign import check, signature
from connectors.dingtalk.stream import backoff_delay
from connectors.http import errcode

SECRET = "SEC0123456789abcdef"
NOW = 1_700_000_000.0
STALE, BAD = "timestamp more than the freshness window off", "bad signature"
WEBHOOK = "https://oapi.dingtalk.com/robot/sendBySession?session=abc"


# --- sign.py ---------------------------------------------------------------------------------------------

def test_signature_is_base64_hmac_sha256_of_timestamp_newline_secret() -> None:
    expected = base64.b64encode(hmac.new(SECRET.encode(), b"1700000000000\n" + SECRET.encode(),
                                         hashlib.sha256).digest()).decode()
    assert signature(SECRET, 1700000000000) == signature(SECRET, "1700000000000") == expected
    # computed once with `openssl dgst -sha256 -hmac SECRET -binary | base64`
    assert signature(SECRET, 1700000000000) == "TSZbRFUuvaSQaRKUpF970OPCb2/LcQAP3wOvwZIzBZk="
    assert signature(SECRET + "x", 1700000000000) != expected


def _signed(offset: float) -> tuple[str, str]:
    stamp = str(int((NOW + offset) * 1000))
    return stamp, signature(SECRET, stamp)


def test_check_accepts_a_fresh_genuine_sign_and_refuses_forgeries() -> None:
    stamp, sign = _signed(0)
    assert check(SECRET, stamp, sign, NOW) is None
    tampered = sign[:5] + ("A" if sign[5] != "A" else "B") + sign[6:]
    assert check(SECRET, stamp, tampered, NOW) == BAD
    assert check("SECsomeoneelse", stamp, sign, NOW) == BAD
    assert check(SECRET, str(int(stamp) + 1), sign, NOW) == BAD  # the sign belongs to another timestamp
    for stamp_text in ("", "17000000000x0", "-1700000000000", "1700000000000.0", " 1700000000000"):
        assert check(SECRET, stamp_text, sign, NOW) == "missing timestamp or sign"
    assert check(SECRET, stamp, "", NOW) == "missing timestamp or sign"


@pytest.mark.parametrize(("offset", "verdict"), [(-3601, STALE), (3601, STALE), (-3599, None), (3599, None)])
def test_check_freshness_window_is_one_hour_either_way(offset: float, verdict: str | None) -> None:
    assert check(SECRET, *_signed(offset), NOW) == verdict


@pytest.mark.parametrize("stamp", [pytest.param("²", id="superscript-two"), pytest.param("9" * 5000, id="5000-nines")])
def test_check_refuses_odd_digit_timestamps_instead_of_raising(stamp: str) -> None:
    # str.isdigit() is true for "²" and for 5,000 nines, but int() raises ValueError on both
    assert check(SECRET, stamp, signature(SECRET, stamp), NOW) is not None


# --- inbound.py: chatbot messages ------------------------------------------------------------------------

def payload(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "msgId": "msgA1", "msgtype": "text", "text": {"content": "  查询 客户 张伟 \n"}, "senderStaffId": "staff01",
        "senderId": "$:LWCP_v1:$abc", "senderNick": "张伟", "conversationType": "1", "conversationId": "cidP2P",
        "createAt": 1700000000500, "sessionWebhook": WEBHOOK, "sessionWebhookExpiredTime": 1700005400000,
        "robotCode": "dingbot", "isInAtList": True}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_one_to_one_text_is_the_senders_conversation() -> None:
    m = chatbot_inbound(payload(), clock=lambda: 0.0)
    assert (m.channel, m.external_id, m.conversation_id, m.sender_id) == ("dingtalk", "msgA1", "staff01", "staff01")
    assert (m.text, m.sender_name) == ("查询 客户 张伟", "张伟")
    assert m.received_at == datetime(2023, 11, 14, 22, 13, 20, 500000, tzinfo=UTC)
    assert m.extra == {"msgtype": "text", "conversation_type": "single", "session_webhook": WEBHOOK,
                       "session_webhook_expires": 1700005400000}


def test_without_create_at_or_session_webhook_the_clock_is_used_and_no_webhook_kept() -> None:
    m = chatbot_inbound(payload(createAt=None, sessionWebhook=None), clock=lambda: 1_600_000_000.0)
    assert m.received_at == datetime(2020, 9, 13, 12, 26, 40, tzinfo=UTC)
    assert "session_webhook" not in m.extra and "session_webhook_expires" not in m.extra


def test_group_message_is_the_groups_conversation_with_the_mention_space_stripped() -> None:
    m = chatbot_inbound(payload(conversationType="2", conversationId="cidGROUP==", text={"content": " 报备 客户 李娜"}))
    assert (m.conversation_id, m.sender_id, m.text) == ("group:cidGROUP==", "staff01", "报备 客户 李娜")
    assert m.extra["conversation_type"] == "group"


def test_rich_text_parts_are_joined_and_read_as_text() -> None:
    rich = {"richText": [{"text": "第一段 "}, {"downloadCode": "dc1", "type": "picture"}, {"text": "第二段"}]}
    m = chatbot_inbound(payload(msgtype="richText", text=None, content=rich))
    assert (m.extra["msgtype"], m.text) == ("text", "第一段 第二段")
    pictures = {"richText": [{"downloadCode": "dc1", "type": "picture"}, {"text": "  "}]}
    m = chatbot_inbound(payload(msgtype="richText", text=None, content=pictures))
    assert (m.extra["msgtype"], m.text) == ("richText", "")


@pytest.mark.parametrize(("kind", "content"), [
    ("picture", {"downloadCode": "dc1", "pictureDownloadCode": "pdc1"}),
    ("audio", {"duration": "4000", "downloadCode": "dc2", "recognition": "你好"}),
    ("file", {"downloadCode": "dc3", "fileName": "报价.pdf"})])
def test_pictures_audio_and_files_arrive_with_empty_text_and_their_msgtype(kind: str, content: dict[str, Any]) -> None:
    m = chatbot_inbound(payload(msgtype=kind, text=None, content=content))
    assert (m.extra["msgtype"], m.text, m.conversation_id) == (kind, "", "staff01")


def test_sender_without_staff_id_is_an_unknown_sender() -> None:
    m = chatbot_inbound(payload(senderStaffId=None))
    assert (m.sender_id, m.conversation_id) == ("unknown:$:LWCP_v1:$abc", "unknown:$:LWCP_v1:$abc")
    assert chatbot_inbound(payload(senderStaffId=None, senderId=None)).sender_id == "unknown:msgA1"


@pytest.mark.parametrize("changes", [{"msgId": None}, {"msgId": "  "}, {"text": None}, {"text": "hi"}])
def test_unreadable_chatbot_payloads_raise_value_error(changes: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        chatbot_inbound(payload(**changes))


@pytest.mark.parametrize("changes", [
    pytest.param({"msgtype": "richText", "content": {"richText": ["text"]}}, id="richText-item-not-object"),
    pytest.param({"msgtype": "richText", "content": {"richText": None}}, id="richText-null"),
    pytest.param({"createAt": 10**20}, id="createAt-year-out-of-range"),
    pytest.param({"createAt": float("inf")}, id="createAt-Infinity")])
def test_malformed_chatbot_payloads_raise_nothing_but_value_error(changes: dict[str, Any]) -> None:
    # the connector drops (and ACKs) a ValueError; any other exception leaves the frame unACKed, redelivered forever
    with contextlib.suppress(ValueError):
        chatbot_inbound(payload(**changes), clock=lambda: NOW)


def test_hostile_text_arrives_cleaned() -> None:
    m = chatbot_inbound(payload(text={"content": "客户\x00张伟\ud800!"}, senderNick="王\x00经理"))
    assert (m.text, m.sender_name) == ("客户张伟\ufffd!", "王经理")


# --- inbound.py: card taps -------------------------------------------------------------------------------

def tap(**changes: Any) -> dict[str, Any]:
    params = {"key": " 完成 12 ", "owner": "staff02"}
    content = json.dumps({"cardPrivateData": {"actionIds": ["done"], "params": params}})
    data: dict[str, Any] = {"userId": "staff01", "outTrackId": "trk-1", "spaceType": "IM_ROBOT",
                            "spaceId": "staff01", "content": content, "corpId": "corp1"}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_card_tap_becomes_the_buttons_command_in_a_chat_or_a_group() -> None:
    m = card_inbound(tap(), "frame-1", clock=lambda: 1_600_000_000.0)
    assert (m.external_id, m.conversation_id, m.sender_id, m.text) == ("card:trk-1:frame-1", "staff01",
                                                                       "staff01", "完成 12")
    assert card_inbound(tap(), "frame-1").external_id == m.external_id  # the frame redelivered: the same message
    assert card_inbound(tap(), "frame-2").external_id != m.external_id  # a second tap: another one
    assert m.extra == {"msgtype": "text", "button": True, "out_track_id": "trk-1", "card_owner": "staff02"}
    assert m.received_at == datetime(2020, 9, 13, 12, 26, 40, tzinfo=UTC)
    assert card_inbound(tap(spaceType="IM_GROUP", spaceId="cidG"), "f").conversation_id == "group:cidG"


@pytest.mark.parametrize("changes", [
    {"userId": None}, {"outTrackId": None}, {"userId": " "}, {"content": "not json"}, {"content": "null"},
    {"content": "[1]"}, {"content": json.dumps({"cardPrivateData": {"params": {"owner": "staff02"}}})},
    {"content": json.dumps({"cardPrivateData": {"params": {"key": 7}}})}, {"content": None}])
def test_unreadable_card_taps_raise_value_error(changes: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        card_inbound(tap(**changes), "frame-1")
    with pytest.raises(ValueError):  # no frame id to tell a redelivery from a second tap
        card_inbound(tap(), "")


# --- markdown.py and client.py ---------------------------------------------------------------------------

def out(text: str, markdown: str | None = None, subject: str = "") -> OutboundMessage:
    return OutboundMessage(channel="dingtalk", recipient="staff01", text=text, markdown=markdown, subject=subject)


def test_parts_use_markdown_only_when_it_differs_and_make_line_breaks_hard() -> None:
    assert parts(out("你好")) == [("你好", None)]
    assert parts(out("你好", "你好")) == [("你好", None)]
    md = "**新客户**\n张伟\n\n> 引用一\n> 引用二\n预算 50 万"
    hard = "**新客户**  \n张伟  \n\n> 引用一\n> 引用二\n预算 50 万  "
    assert parts(out("新客户 张伟", md)) == [("新客户 张伟", hard)]


def test_long_text_is_split_under_4096_bytes_into_at_most_4_parts() -> None:
    lines = [f"第{i:04d}行 客户跟进记录" for i in range(900)]
    result = parts(out("\n".join(lines)))
    assert len(result) == 4 and all(md is None for _, md in result)
    assert all(3000 < len(text.encode()) <= 4096 for text, _ in result)
    assert result[0][0].split("\n")[0] == lines[0] and result[-1][0].endswith("…")
    assert [len(p.encode()) for p, _ in parts(out("客" * 2000))] == [4095, 1905]


def test_long_markdown_parts_stay_under_4096_bytes_after_the_hard_breaks() -> None:
    md = "\n".join(f"**{i}** 跟进" for i in range(1200))  # ~19 KB once each line ends in a hard break
    result = parts(out("跟进", md))
    assert len(result) == 4  # MAX_PARTS: the rest is cut with an ellipsis
    sizes = [len(markdown.encode()) for _, markdown in result if markdown]
    assert len(sizes) == 4 and all(3500 < size <= 4096 for size in sizes), sizes
    first, last = result[0][1], result[-1][1]
    assert first is not None and first.startswith("**0** 跟进  \n**1** 跟进  \n")
    assert last is not None and last.endswith("…")


def test_title_of() -> None:
    assert title_of(out("## 详情", subject="新客户报备")) == "新客户报备"
    assert title_of(out("## ⚠️ 逾期提醒\n张伟 3 天未跟进")) == "逾期提醒"
    assert title_of(out("⏰ 提醒：回访张伟")) == "提醒：回访张伟"
    twenty = "一二三四五六七八九十" * 2
    assert title_of(out(f"\n  # {twenty}超出的部分")) == twenty
    assert [title_of(out(t)) for t in ("", "  ", "##", "⚠️ ")] == ["dealbot"] * 4


def test_webhook_body_shapes() -> None:
    assert webhook_body("纯文本", "**粗体**", "标题") == {"msgtype": "markdown",
                                                         "markdown": {"title": "标题", "text": "**粗体**"}}
    assert webhook_body("纯文本", None, "标题") == {"msgtype": "text", "text": {"content": "纯文本"}}
    assert webhook_body("纯文本", "", "标题") == {"msgtype": "text", "text": {"content": "纯文本"}}


def test_message_param() -> None:
    key, param = message_param("纯文本", "**张伟**", "新客户")
    assert (key, json.loads(param)) == ("sampleMarkdown", {"title": "新客户", "text": "**张伟**"})
    assert "张伟" in param and "\\u" not in param
    key, param = message_param("客户 张伟", None, "新客户")
    assert (key, json.loads(param)) == ("sampleText", {"content": "客户 张伟"})
    assert param == '{"content": "客户 张伟"}'


# --- stream.py backoff and webhook.py errcode ------------------------------------------------------------

@pytest.mark.parametrize(("failures", "low", "high"), [(0, 0.5, 1.0), (1, 1.0, 2.0), (3, 4.0, 8.0), (5, 16.0, 32.0),
                                                       (6, 30.0, 60.0), (50, 30.0, 60.0), (10**6, 30.0, 60.0)])
def test_backoff_doubles_with_half_jitter_up_to_the_cap(failures: int, low: float, high: float) -> None:
    assert backoff_delay(failures, 1.0, 60.0, rand=lambda: 0.0) == low
    assert backoff_delay(failures, 1.0, 60.0, rand=lambda: 1.0) == high


def test_backoff_never_exceeds_the_cap() -> None:
    delays = [backoff_delay(n, 0.25, 7.0) for n in range(200) for _ in range(5)]
    assert max(delays) <= 7.0 and min(delays) >= 0.125
    assert all(0.125 <= backoff_delay(0, 0.25, 7.0) <= 0.25 for _ in range(200))


@pytest.mark.parametrize(("data", "code"), [
    ({}, 0), ({"errcode": 0}, 0), ({"errcode": "300001"}, 300001), ({"errcode": " 130101 "}, 130101),
    ({"errcode": None}, -2), ({"errcode": "abc"}, -2), ({"errcode": [1]}, -2), ({"errcode": {}}, -2),
    ({"errcode": float("nan")}, -2), ({"errcode": float("inf")}, -2)])
def test_errcode_on_odd_values(data: dict[str, Any], code: int) -> None:
    assert errcode(data) == code


def test_a_sign_that_is_not_ascii_is_refused_not_a_crash() -> None:
    stamp = "1700000000000"
    assert check("SECx", stamp, "签名", 1_700_000_000.0) == "bad signature"


@pytest.mark.parametrize(("code", "retried"), [
    ("Forbidden.AccessDenied.QpsLimitForApi", True), ("Forbidden.AccessDenied.AccessTokenPermissionDenied", False),
    ("", True)])
def test_a_403_is_retried_only_when_it_says_too_fast(code: str, retried: bool) -> None:
    from connectors.dingtalk.client import _throttled
    assert _throttled(code) is retried
