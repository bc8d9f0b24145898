"""A tap on a card settles it: the channel replaces its buttons with what the reply says happened."""

from __future__ import annotations

from datetime import datetime

from bot.i18n import Text
from bot.reply import Reply
from connectors.base import InboundMessage
from domain.messaging import OutboxItem

CARD_HANDLES = ("response_code", "out_track_id")  # what names a tapped card: WeCom, DingTalk


def settle_item(msg: InboundMessage, reply: Reply, locale: str, now: datetime) -> list[OutboxItem]:
    """The update of a tapped card (its buttons become `reply.settles`), when the tap carries what the
    channel needs for it (WeCom: the template_card_event's ResponseCode, single use; DingTalk: the card's
    outTrackId)."""
    if reply.settles is None or not msg.extra.get("button"):
        return []
    label = reply.settles.get(locale)
    for name in CARD_HANDLES:
        if isinstance(handle := msg.extra.get(name), str) and handle:
            return [OutboxItem(channel=msg.channel, recipient=msg.conversation_id, text=label, created_at=now,
                               extra={"card_update": {name: handle, "replace_name": label}})]
    return []


NOT_YOUR_CARD = Text("这张卡片是发给别人的：只有收到它的人可以点它的按钮，什么都没有改动。",
                     "This card was sent to someone else: only its recipient can use its buttons. Nothing changed.")


def foreign_tap(msg: InboundMessage) -> bool:
    """A tap on a card by someone other than the person it was sent to (a group card, a forwarded card)."""
    owner = msg.extra.get("card_owner")
    return bool(msg.extra.get("button")) and isinstance(owner, str) and bool(owner) and owner != msg.sender_id
