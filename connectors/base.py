"""Types every connector shares. Connectors import only this module, never the domain."""

from __future__ import annotations

import base64
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    content_type: str
    size: int
    content_id: str | None = None


def clean_text(value: str) -> str:
    """Text any database and terminal accepts: NUL bytes dropped, surrogate pairs joined, lone surrogates
    (undecodable bytes, broken UTF-16) replaced by U+FFFD. Every InboundMessage is cleaned on creation."""
    if not _HOSTILE.search(value):
        return value
    value = value.replace("\x00", "")
    return value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


_HOSTILE = re.compile("[\x00\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class Location:
    """A place a member shared (a WeCom location message): degrees as the platform sent them (WeCom's map
    gives GCJ-02 in mainland China), the place's name, the map's zoom."""

    latitude: float
    longitude: float
    label: str = ""
    scale: int | None = None

    def __post_init__(self) -> None:
        if not (-90 <= self.latitude <= 90 and -180 <= self.longitude <= 180):  # NaN fails both
            raise ValueError("latitude/longitude out of range")
        if _HOSTILE.search(self.label):
            object.__setattr__(self, "label", clean_text(self.label))


@dataclass(frozen=True, slots=True)
class InboundMessage:
    """One message as it arrived on a channel, before the bot knows who sent it."""

    channel: str  # "console" | "wecom" | "dingtalk" | "email"
    external_id: str  # the channel's own message id; (channel, external_id) is unique
    conversation_id: str
    sender_id: str  # channel identity: WeCom userid, DingTalk staffId, email address, console user
    text: str
    received_at: datetime  # timezone-aware
    sender_name: str = ""
    thread_refs: tuple[str, ...] = ()  # email Message-IDs this one answers, etc.
    attachments: tuple[Attachment, ...] = ()
    subject: str = ""
    extra: dict[str, Any] = field(default_factory=dict)  # channel specifics (session webhook, kind, ...)
    location: Location | None = None  # a shared location (msgtype "location"), for visit check-in

    def __post_init__(self) -> None:
        for name in _CLEANED:
            value = getattr(self, name)
            if isinstance(value, str) and (cleaned := clean_text(value)) is not value:
                object.__setattr__(self, name, cleaned)
        if any(_HOSTILE.search(ref) for ref in self.thread_refs):
            object.__setattr__(self, "thread_refs", tuple(clean_text(ref) for ref in self.thread_refs))


_CLEANED = ("external_id", "conversation_id", "sender_id", "text", "sender_name", "subject")


@dataclass(frozen=True, slots=True)
class OutboundMessage:
    """One message to deliver. `markdown` is the rendered card; `text` the plain fallback.

    `extra["delivery_key"]` (set by the outbox) is the same on every retry of one queued message:
    a connector may give it to its platform to drop a repeat (email: the Message-ID).

    `extra["image"]` = {"data": <base64>, "filename": "gantt-P3.png", "content_type": "image/png"} attaches one
    picture (PNG or JPEG, at most IMAGE_LIMIT bytes), sent before the text as the channel's own image message:
    WeCom app `media/upload` then msgtype image (group robot: msgtype image with base64 + md5), DingTalk
    `media/upload` then robot msgKey sampleImageMsg, email an inline image under the HTML body, console a line
    naming it. Read it with `image_of`."""

    channel: str
    recipient: str  # channel identity or conversation id
    text: str
    markdown: str | None = None
    subject: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def wants_markdown(message: OutboundMessage) -> bool:
    """Markdown only when it adds formatting: plain text also shows where markdown does not (WeChat users)."""
    return bool(message.markdown) and message.markdown != message.text


def buttons_of(message: OutboundMessage, limit: int) -> list[dict[str, str]]:
    """`extra["buttons"]` ([{text, key}]) as clean dicts, those without a key left out, at most `limit`."""
    value = message.extra.get("buttons")
    if not isinstance(value, list):
        return []
    return [{"text": str(b.get("text", "")), "key": str(b.get("key", ""))}
            for b in value[:limit] if isinstance(b, dict) and b.get("key")]


IMAGE_LIMIT = 2 * 1024 * 1024  # bytes; WeCom's and DingTalk's image uploads accept more, robots 2 MB
IMAGE_TYPES = {"image/png": "png", "image/jpeg": "jpg"}
_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True, slots=True)
class OutboundImage:
    data: bytes
    filename: str  # safe: letters, digits, dot, dash, underscore; ends in the type's extension
    content_type: str  # image/png | image/jpeg


def image_of(message: OutboundMessage) -> OutboundImage | None:
    """`extra["image"]` decoded and checked; None without one. A malformed image is a permanent DeliveryError
    (resending the same message cannot fix it)."""
    value = message.extra.get("image")
    if value is None:
        return None
    if not isinstance(value, dict):
        raise DeliveryError("extra image must be an object", retry_after=None)
    content_type = str(value.get("content_type") or "image/png")
    if content_type not in IMAGE_TYPES:
        raise DeliveryError(f"image type {content_type[:40]!r} is not PNG or JPEG", retry_after=None)
    try:
        data = base64.b64decode(str(value.get("data", "")), validate=True)
    except ValueError:
        raise DeliveryError("image data is not base64", retry_after=None) from None
    if not data or len(data) > IMAGE_LIMIT:
        raise DeliveryError(f"image of {len(data)} bytes (limit {IMAGE_LIMIT})", retry_after=None)
    stem = _FILENAME.sub("-", str(value.get("filename") or "image").rsplit(".", 1)[0]).strip("-.")[:80]
    return OutboundImage(data, f"{stem or 'image'}.{IMAGE_TYPES[content_type]}", content_type)


def image_extra(data: bytes, filename: str, content_type: str = "image/png") -> dict[str, str]:
    """The `extra["image"]` value for these bytes."""
    return {"data": base64.b64encode(data).decode("ascii"), "filename": filename, "content_type": content_type}


Dispatch = Callable[[InboundMessage], Awaitable[None]]


class DeliveryError(Exception):
    """Sending failed. `retry_after` (seconds) says when to try again; None means permanent.

    `deferred`: nothing was attempted (the channel's own rate limit said "not yet"), so it does not count
    towards the dispatcher's attempt limit.
    """

    def __init__(self, reason: str, retry_after: float | None = 30.0, deferred: bool = False) -> None:
        super().__init__(reason)
        self.retry_after = retry_after
        self.deferred = deferred


class Connector(Protocol):
    channel: str

    async def start(self, dispatch: Dispatch) -> None: ...

    async def send(self, message: OutboundMessage) -> None: ...

    async def stop(self) -> None: ...
