"""DingTalk payloads -> `InboundMessage` (pure, no I/O): chatbot messages and card button taps.

A chatbot message is read with the SDK's own `ChatbotMessage`. One-to-one chats are the sender's
conversation; a group (conversationType "2", where DingTalk only delivers @-mentions of the robot) is
`group:<conversationId>`, so replies go to the group. Text and the text parts of richText are read;
pictures, audio, files and the rest arrive with empty text and their msgtype, and the bot answers them
politely. A card tap becomes a text message carrying the tapped button's command, like WeCom's.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from dingtalk_stream import ChatbotMessage

from connectors.base import InboundMessage

CHANNEL = "dingtalk"
GROUP_PREFIX = "group:"
GROUP_CONVERSATION = "2"
MAX_MS = 253_402_300_799_000  # 9999-12-31T23:59:59Z


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _received(create_at: Any, clock: Callable[[], float]) -> datetime:
    """createAt (epoch ms) when it is a plausible time, else now."""
    if isinstance(create_at, int | float) and not isinstance(create_at, bool) and 0 < create_at < MAX_MS:
        return datetime.fromtimestamp(create_at / 1000, tz=UTC)
    return datetime.fromtimestamp(clock(), tz=UTC)


def _content(message: ChatbotMessage) -> tuple[str, str]:
    """(msgtype as the bot reads it, text): richText with words in it reads as text."""
    kind = _text(message.message_type) or "unknown"
    if kind == "text":
        return "text", _text(message.text.content if message.text else "")
    if kind == "richText":
        words = " ".join(_text(t) for t in message.get_text_list() or [] if _text(t))
        return ("text", words) if words else (kind, "")
    return kind, ""


def chatbot_inbound(data: Mapping[str, Any], *, clock: Callable[[], float] = time.time) -> InboundMessage:
    """One `/v1.0/im/bot/messages/get` payload (stream data or outgoing-robot HTTP body). Raises
    ValueError when it has no msgId or no sender."""
    try:
        message = ChatbotMessage.from_dict(dict(data))
        kind, text = _content(message)
    except (KeyError, TypeError, AttributeError, ValueError) as exc:  # the SDK trusts the payload's shape
        raise ValueError(f"unreadable DingTalk message ({type(exc).__name__})") from None
    msg_id = _text(message.message_id)
    sender = _text(message.sender_staff_id)
    if not msg_id:
        raise ValueError("DingTalk message without msgId")
    if not sender:  # not a member of the organisation (no staffId): answered as an unknown sender
        sender = "unknown:" + (_text(message.sender_id) or msg_id)
    group = _text(message.conversation_type) == GROUP_CONVERSATION
    conversation = GROUP_PREFIX + _text(message.conversation_id) if group else sender
    extra: dict[str, Any] = {"msgtype": kind, "conversation_type": "group" if group else "single"}
    if webhook := _text(message.session_webhook):
        extra["session_webhook"] = webhook
        extra["session_webhook_expires"] = int(message.session_webhook_expired_time or 0)
    return InboundMessage(channel=CHANNEL, external_id=msg_id, conversation_id=conversation, sender_id=sender,
                          text=text, received_at=_received(message.create_at, clock),
                          sender_name=_text(message.sender_nick), extra=extra)


def card_inbound(data: Mapping[str, Any], message_id: str, *,
                 clock: Callable[[], float] = time.time) -> InboundMessage:
    """One `/v1.0/card/instances/callback` payload: a tap on one of our cards. The button's params carry
    its command (`key`) and the card's recipient (`owner`). A frame redelivered (same `message_id`) is the
    same message; a second tap is another one, and the command itself makes it change nothing (a reminder
    already done says so)."""
    user, track = _text(data.get("userId")), _text(data.get("outTrackId"))
    try:
        content = json.loads(data.get("content") or "{}")
        params = content.get("cardPrivateData", {}).get("params", {})
    except (TypeError, ValueError, AttributeError):
        params = None
    if not user or not track or not message_id or not isinstance(params, Mapping) or not _text(params.get("key")):
        raise ValueError("DingTalk card callback without user, card, frame id or button key")
    space_type, space = _text(data.get("spaceType")), _text(data.get("spaceId"))
    conversation = GROUP_PREFIX + space if space_type == "IM_GROUP" and space else user
    key = _text(params["key"])
    extra = {"msgtype": "text", "button": True, "out_track_id": track, "card_owner": _text(params.get("owner"))}
    return InboundMessage(channel=CHANNEL, external_id=f"card:{track}:{message_id}", conversation_id=conversation,
                          sender_id=user, text=key, received_at=_received(None, clock),
                          extra=extra)
