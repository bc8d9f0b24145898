"""A tap on a card settles it: the channel replaces its buttons with what the reply says happened."""

from __future__ import annotations

from datetime import datetime

from bot.reply import Reply
from connectors.base import InboundMessage
from domain.messaging import OutboxItem


def settle_item(msg: InboundMessage, reply: Reply, locale: str, now: datetime) -> list[OutboxItem]:
    """The update of a tapped card (its buttons become `reply.settles`), when the tap carries the code the
    channel needs for it (WeCom: the template_card_event's ResponseCode, single use)."""
    code = msg.extra.get("response_code")
    if reply.settles is None or not msg.extra.get("button") or not isinstance(code, str) or not code:
        return []
    label = reply.settles.get(locale)
    return [OutboxItem(channel=msg.channel, recipient=msg.conversation_id, text=label, created_at=now,
                       extra={"card_update": {"response_code": code, "replace_name": label}})]
