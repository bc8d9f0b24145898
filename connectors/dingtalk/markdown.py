"""Bodies of DingTalk messages: markdown `{title, text}` or text, split to fit (4,096 bytes a part)."""

from __future__ import annotations

from typing import Any

from connectors.base import OutboundMessage, wants_markdown
from connectors.text import split_markdown

PART_LIMIT = 4096  # bytes of one markdown or text message
MAX_PARTS = 4
TITLE_CHARS = 20  # what a notification shows



def title_of(message: OutboundMessage) -> str:
    """The notification title: the subject, else the first words of the text."""
    first = (message.subject.strip() or message.text.strip()).split("\n", 1)[0].lstrip("#⏰⚠️ ").strip()
    return first[:TITLE_CHARS] or "dealbot"


def to_dingtalk_markdown(text: str) -> str:
    """DingTalk's markdown joins single line breaks: make each one a hard break (two trailing spaces)."""
    return "\n".join(line + "  " if line.strip() and not line.startswith(">") else line
                     for line in text.split("\n"))


def parts(message: OutboundMessage) -> list[tuple[str, str | None]]:
    """(text, markdown or None) of each message to send, in order."""
    if wants_markdown(message):
        assert message.markdown is not None
        return [(message.text, part)
                for part in split_markdown(to_dingtalk_markdown(message.markdown), PART_LIMIT, MAX_PARTS)]
    return [(part, None) for part in split_markdown(message.text, PART_LIMIT, MAX_PARTS)]


def webhook_body(text: str, markdown: str | None, title: str) -> dict[str, Any]:
    """What a sessionWebhook or a custom robot takes."""
    if markdown:
        return {"msgtype": "markdown", "markdown": {"title": title, "text": markdown}}
    return {"msgtype": "text", "text": {"content": text}}
