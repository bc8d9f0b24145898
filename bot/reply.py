"""Replies as structured cards; each channel renders them (plain text, markdown)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from bot.i18n import Text
from connectors.wecom.markdown import escape_markdown


@dataclass(frozen=True, slots=True)
class Field:
    label: Text
    value: str


@dataclass(frozen=True, slots=True)
class Card:
    title: str
    fields: tuple[Field, ...] = ()
    lines: tuple[str, ...] = ()
    footer: str = ""


@dataclass(frozen=True, slots=True)
class Button:
    """A one-tap answer: channels with buttons show `label`; a tap arrives as the message `command`.
    Channels without buttons show nothing more: the reply's text already says what to type."""

    label: Text
    command: str


@dataclass(frozen=True, slots=True)
class Picture:
    """An image a reply carries (a Gantt chart): sent before the words as the channel's image message."""

    data: bytes
    filename: str
    content_type: str = "image/png"


@dataclass(frozen=True, slots=True)
class Reply:
    """`settles`: the reply answers a tap, and the tapped card is settled: channels that can update a card
    replace its buttons with this label (WeCom update_template_card); others ignore it.
    `picture`: an image sent with the reply (OutboundMessage.extra["image"])."""

    cards: tuple[Card, ...] = ()
    is_error: bool = False
    buttons: tuple[Button, ...] = ()
    settles: Text | None = None
    picture: Picture | None = None

    @classmethod
    def text(cls, *lines: str, error: bool = False) -> Reply:
        return cls((Card(title="", lines=tuple(lines)),), is_error=error)

    @classmethod
    def card(cls, title: str, fields: list[Field] | None = None, lines: list[str] | None = None,
             footer: str = "") -> Reply:
        return cls((Card(title, tuple(fields or ()), tuple(lines or ()), footer),))

    def __add__(self, other: Reply) -> Reply:
        return Reply(self.cards + other.cards, self.is_error or other.is_error, self.buttons + other.buttons,
                     self.settles or other.settles, self.picture or other.picture)

    def with_buttons(self, *buttons: Button) -> Reply:
        return replace(self, buttons=self.buttons + buttons)

    def settling(self, label: Text) -> Reply:
        return replace(self, settles=label)

    def with_picture(self, picture: Picture) -> Reply:
        return replace(self, picture=picture)


@dataclass(slots=True)
class CardBuilder:
    """Collects fields that have a value; empty values are left out of the card."""

    title: str
    locale: str
    fields: list[Field] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)

    def add(self, zh: str, en: str, value: object) -> CardBuilder:
        if value not in (None, "", [], ()):
            self.fields.append(Field(Text(zh, en), str(value)))
        return self

    def line(self, text: str) -> CardBuilder:
        self.lines.append(text)
        return self

    def build(self, footer: str = "") -> Reply:
        return Reply.card(self.title, self.fields, self.lines, footer)


def render_text(reply: Reply, locale: str) -> str:
    blocks = []
    for card in reply.cards:
        parts = [card.title] if card.title else []
        width = max((len(f.label.get(locale)) for f in card.fields), default=0)
        parts += [f"  {f.label.get(locale).ljust(width)}  {f.value}" for f in card.fields]
        parts += list(card.lines)
        if card.footer:
            parts.append(card.footer)
        blocks.append("\n".join(parts))
    return "\n\n".join(blocks)


def render_buttons(reply: Reply, locale: str) -> list[dict[str, str]]:
    """The buttons as channel-neutral data: [{"text": label, "key": command}]."""
    return [{"text": b.label.get(locale), "key": b.command} for b in reply.buttons]


def render_markdown(reply: Reply, locale: str) -> str:
    """The card as markdown. Every piece of text is escaped (titles, values and lines carry customers'
    and mails' words): the only markup is the card's own (heading, bold labels, quotes)."""
    blocks = []
    for card in reply.cards:
        parts = [f"### {escape_markdown(card.title)}"] if card.title else []
        parts += [f"**{escape_markdown(f.label.get(locale))}**：{escape_markdown(f.value)}" for f in card.fields]
        parts += [_markdown_line(line) for line in card.lines]
        if card.footer:
            parts.append(f"> {escape_markdown(card.footer)}")
        blocks.append("\n".join(parts))
    return "\n\n".join(blocks)


def _markdown_line(line: str) -> str:
    """A line is text; a leading "> " (a quoted preview line) stays a quote."""
    if line.startswith("> "):
        return "> " + escape_markdown(line[2:])
    return escape_markdown(line)
