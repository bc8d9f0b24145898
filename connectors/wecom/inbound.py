"""Decrypted WeCom XML -> `InboundMessage` (pure, no I/O)."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from wechatpy.enterprise import parse_message

from connectors.base import InboundMessage, Location
from connectors.wecom.xmlsafe import check_xml_safe

CHANNEL = "wecom"
BUTTON_EVENT = "template_card_event"


def _raw(message: Any) -> Mapping[str, Any]:
    data = getattr(message, "_data", None)
    if not isinstance(data, Mapping):
        raise TypeError("not a wechatpy message")
    return data


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def external_id(raw: Mapping[str, Any]) -> str:
    """MsgId for messages; events carry MsgId 0 (or none): FromUserName + CreateTime + Event."""
    msg_id = _text(raw.get("MsgId"))
    if msg_id and msg_id != "0":
        return msg_id
    parts: tuple[str, ...] = (_text(raw.get("FromUserName")), _text(raw.get("CreateTime")), _text(raw.get("Event")))
    if not all(parts[:2]):
        raise ValueError("message has neither MsgId nor sender and time")
    if parts[2] == BUTTON_EVENT:  # taps on two cards (or two buttons) in the same second are two messages
        parts += (_text(raw.get("TaskId")), _text(raw.get("EventKey")))
    return "event:" + ":".join(parts)


def to_inbound(message: Any, *, clock: Callable[[], float] = time.time) -> InboundMessage:
    """1:1 app chat: the conversation is the sender. Non-text messages arrive with empty text."""
    raw = _raw(message)
    sender = _text(raw.get("FromUserName"))
    if not sender:
        raise ValueError("message without FromUserName")
    msgtype = _text(raw.get("MsgType")).lower()
    created = _text(raw.get("CreateTime"))
    stamp = int(created) if created.isdigit() else clock()
    extra: dict[str, Any] = {"msgtype": msgtype, "agent_id": _text(raw.get("AgentID"))}
    text, location = "", None
    if msgtype == "text":
        content = raw.get("Content")
        text = content if isinstance(content, str) else ""
    elif msgtype == "event":
        extra["event"] = _text(raw.get("Event"))
        if key := _text(raw.get("EventKey")):
            extra["event_key"] = key
        if extra["event"] == BUTTON_EVENT and key:  # a tap on a reply's button: the button's command, as text
            extra["msgtype"], extra["button"], text = "text", True, key
            # ResponseCode: what updating the tapped card needs (update_template_card; single use, 72 h)
            extra |= {name: value for name, field in (("task_id", "TaskId"), ("response_code", "ResponseCode"))
                      if (value := _text(raw.get(field)))}
    elif msgtype == "location":
        location = location_of(raw)
    elif media_id := _text(raw.get("MediaId")):  # image, file, voice, video: fetched with media/get on demand
        extra["media_id"] = media_id
        if name := _text(raw.get("FileName")) or _text(raw.get("Title")):
            extra["filename"] = name[:255]
    return InboundMessage(
        channel=CHANNEL,
        external_id=external_id(raw),
        conversation_id=sender,
        sender_id=sender,
        text=text,
        received_at=datetime.fromtimestamp(stamp, tz=UTC),
        extra=extra,
        location=location,
    )


def location_of(raw: Mapping[str, Any]) -> Location | None:
    """A location message: Location_X is the latitude, Location_Y the longitude (wechatpy's LocationMessage
    location_x / location_y), Scale the map's zoom, Label the place. None when the numbers are unusable
    (the bot then asks for a check-in by text)."""
    try:
        lat, lng = float(_text(raw.get("Location_X"))), float(_text(raw.get("Location_Y")))
        scale = _text(raw.get("Scale"))
        return Location(lat, lng, _text(raw.get("Label"))[:200], int(scale) if scale.isdigit() else None)
    except ValueError:
        return None


def parse_wecom_xml(xml: str, *, clock: Callable[[], float] = time.time) -> InboundMessage:
    """Parse one decrypted callback payload. Raises XmlRejected (a ValueError: unsafe or malformed
    XML) or ValueError (not a usable message). DTDs/entities are refused before wechatpy sees the text."""
    check_xml_safe(xml)
    try:
        return to_inbound(parse_message(xml), clock=clock)
    except (KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"unreadable WeCom message ({type(exc).__name__})") from None
