"""Outgoing webhooks (issue #16): the event types, subscriptions, and which audit entries raise which events.

An event is `{"id", "type", "occurred_at", "data"}` as JSON; it is queued in the same transaction as the change
that causes it (storage.events), one outbox row per subscription that wants it (channel "webhook").
"""

from __future__ import annotations

import json
import re
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol
from urllib.parse import urlsplit

from domain.errors import DomainError
from domain.messaging import OutboxItem

CHANNEL = "webhook"
PING = "ping"  # `推送 测试 W2`: sent to one subscription whatever its event types
# type -> (zh label, zh aliases); the English name is the type itself
EVENT_TYPES: dict[str, tuple[str, tuple[str, ...]]] = {
    "deal.created": ("新建商机", ("新商机", "新建商机", "商机")),
    "deal.stage_changed": ("商机阶段变化", ("阶段", "阶段变化", "推进")),
    "deal.won": ("赢单", ("赢单", "成交")),
    "deal.lost": ("输单", ("输单", "丢单")),
    "quote.created": ("新报价", ("报价", "新报价")),
    "contract.created": ("新合同", ("合同", "签约", "新合同")),
    "payment.received": ("回款", ("回款", "到账", "收款")),
    "invoice.issued": ("开票", ("开票", "发票")),
    "invoice.overdue": ("发票逾期未回款", ("逾期", "发票逾期")),
    "lead.created": ("新线索", ("线索", "新线索")),
    "customer.created": ("新客户", ("客户", "新客户")),
    "project.completed": ("项目完成", ("项目完成", "完工")),
    "change.undone": ("撤销", ("撤销", "撤回", "撤销改动")),  # an undo took back a change that raised events
}
ALL_WORDS = ("全部", "所有", "all", "*")
MAX_URL = 2000
SECRET_PREFIX = "whsec_"


class BadWebhookUrl(DomainError):
    zh = ("推送地址无效：{reason}。请写完整的 http(s) 地址，例如：推送 新建 https://erp.example.cn/hook 事件 赢单,回款")
    en = ("Invalid webhook URL: {reason_en}. Write a full http(s) address, e.g. "
          "webhook new https://erp.example.cn/hook events deal.won,payment.received")


class UnknownEvent(DomainError):
    zh = "不认识的事件：{names}。可用的事件：{known}（或 全部）"
    en = "Unknown event(s): {names_en}. Known events: {known_en} (or all)"


@dataclass(slots=True)
class Subscription:
    url: str
    secret: str
    events: list[str] = field(default_factory=list)  # empty: every event type
    active: bool = True
    created_by: int | None = None
    created_at: datetime | None = None
    id: int | None = None

    def wants(self, event_type: str) -> bool:
        return self.active and (not self.events or event_type in self.events)


@dataclass(frozen=True, slots=True)
class Candidate:
    """An event to publish at commit: its type, the record it is about, when, and what to add to its data."""

    type: str
    entity: str
    entity_id: int
    at: datetime
    extra: dict[str, Any] = field(default_factory=dict)


class EventSink(Protocol):
    """Where a transaction raises an event no audit entry shows (storage.events.EventJournal)."""

    def emit(self, candidate: Candidate) -> None: ...


def _alias_table() -> dict[str, str]:
    table = {name: name for name in EVENT_TYPES}
    for name, (label, aliases) in EVENT_TYPES.items():  # the label too: UnknownEvent offers it
        table.update({alias: name for alias in (label, *aliases)})
    return table


ALIASES = _alias_table()
_SPLIT = re.compile(r"[,，、;；\s]+")


def parse_events(text: str) -> list[str]:
    """`赢单,回款` / `deal.won, payment.received` / `全部` -> event types ([] = all); UnknownEvent otherwise."""
    words = [w for w in _SPLIT.split(text.strip()) if w]
    if not words or any(w.casefold() in ALL_WORDS for w in words):
        return []
    unknown = [w for w in words if ALIASES.get(w.casefold(), ALIASES.get(w)) is None]
    if unknown:
        known = "、".join(f"{name}（{label}）" for name, (label, _) in EVENT_TYPES.items())
        raise UnknownEvent(names="、".join(unknown), known=known,
                           names_en=", ".join(unknown), known_en=", ".join(EVENT_TYPES))
    found = [ALIASES.get(w.casefold(), ALIASES.get(w, "")) for w in words]
    return list(dict.fromkeys(found))


def check_url(url: str) -> str:
    """A URL a subscription may POST to: http or https, a host, no user:password, no fragment, not too long."""
    if len(url) > MAX_URL:
        raise BadWebhookUrl(reason=f"超过 {MAX_URL} 个字符", reason_en=f"longer than {MAX_URL} characters")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises on a port that is not a number)
    except ValueError:
        raise BadWebhookUrl(reason="无法解析", reason_en="it cannot be parsed") from None
    if parts.scheme not in ("http", "https"):
        raise BadWebhookUrl(reason="只支持 http 或 https", reason_en="only http or https")
    if not parts.hostname:
        raise BadWebhookUrl(reason="缺少主机名", reason_en="the host is missing")
    if parts.username or parts.password:
        raise BadWebhookUrl(reason="地址里不能带用户名或密码", reason_en="no user name or password in the URL")
    if parts.fragment or any(ch.isspace() for ch in url):
        raise BadWebhookUrl(reason="不能含空格或 #片段", reason_en="no spaces or #fragment")
    return url


def event_body(event_id: str, event_type: str, occurred_at: datetime, data: dict[str, Any]) -> str:
    """The JSON body POSTed to receivers: stable keys, UTC time, UTF-8 (not ASCII-escaped)."""
    return json.dumps({"id": event_id, "type": event_type, "occurred_at": utc_text(occurred_at), "data": data},
                      ensure_ascii=False, separators=(",", ":"))


def utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def label(event_type: str, locale: str) -> str:
    if locale == "en" or event_type not in EVENT_TYPES:
        return event_type
    return f"{EVENT_TYPES[event_type][0]}({event_type})"


def describe(events: Iterable[str], locale: str) -> str:
    names = [label(e, locale) for e in events]
    if locale == "en":
        return ", ".join(names) if names else "all events"
    return "、".join(names) if names else "全部事件"


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_hex(24)


def new_event_id() -> str:
    return "evt_" + uuid.uuid4().hex


def delivery(subscription: Subscription, event_type: str, event_id: str, body: str, at: datetime) -> OutboxItem:
    """The outbox row that POSTs `body` to one subscription (its line: `W<id>`, delivered in order)."""
    assert subscription.id is not None
    return OutboxItem(channel=CHANNEL, recipient=f"W{subscription.id}", text=body, created_at=at,
                      extra={"subscription_id": subscription.id, "event": event_type, "event_id": event_id,
                             "url": subscription.url})
