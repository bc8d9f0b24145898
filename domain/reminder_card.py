"""A pushed reminder as a card: its four actions, their command keys and the card's identity. Pure.

A card is one push of one reminder at one due time: `R12@202611260200` (the due time in UTC, to the minute).
An action written with the card's identity applies only while that card is still open (the reminder was
pushed for that due time and nobody acted on it since); a second tap of the same card, or a tap on a card
whose reminder was postponed meanwhile, changes nothing. Typed without it (`提醒 完成 R12`), an action
applies to the reminder as it is now.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from domain.activity import Reminder, ReminderStatus

OPEN = (ReminderStatus.PENDING, ReminderStatus.SENT)
RECENT = timedelta(hours=12)  # cards pushed this long ago still count when a bare number could mean several
_REF = re.compile(r"^[Rr](\d{1,9})(?:@(\d{12}))?$")


class Action(StrEnum):
    DONE = "done"
    SNOOZE = "snooze"  # 延后一天
    RESCHEDULE = "reschedule"  # 改时间
    SHOW = "show"  # 查看
    CANCEL = "cancel"


# The numbered replies of channels without buttons ("回复 1 完成"), in the order of the buttons.
NUMBERED = (Action.DONE, Action.SNOOZE, Action.RESCHEDULE, Action.SHOW)
LABELS = {Action.DONE: ("完成", "Done"), Action.SNOOZE: ("延后一天", "Snooze 1 day"),
          Action.RESCHEDULE: ("改时间", "Reschedule"), Action.SHOW: ("查看", "View")}


@dataclass(frozen=True, slots=True)
class CardRef:
    """`R12` (the reminder) or `R12@202611260200` (one card of it)."""

    reminder_id: int
    stamp: str | None = None

    @classmethod
    def parse(cls, token: str) -> CardRef | None:
        match = _REF.match(token.strip())
        return cls(int(match.group(1)), match.group(2)) if match else None

    def __str__(self) -> str:
        return f"R{self.reminder_id}" + (f"@{self.stamp}" if self.stamp else "")


def stamp(due_at: datetime) -> str:
    """The due time in UTC to the minute (a naive time is taken as UTC)."""
    aware = due_at if due_at.tzinfo is not None else due_at.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y%m%d%H%M")


def card_of(reminder: Reminder) -> CardRef:
    assert reminder.id is not None
    return CardRef(reminder.id, stamp(reminder.due_at))


def card_is_open(reminder: Reminder, ref: CardRef) -> bool:
    """A card (a ref with a stamp) is open while its reminder is sent for that due time; a plain ref while
    the reminder is pending or sent."""
    if ref.stamp is None:
        return reminder.status in OPEN
    return reminder.status is ReminderStatus.SENT and stamp(reminder.due_at) == ref.stamp


def action_key(action: Action, ref: CardRef) -> str:
    """The command a button sends (English words: WeCom returns the key as is)."""
    return f"reminder {action.value} {ref}"


def buttons(reminder: Reminder, locale: str) -> list[dict[str, str]]:
    ref = card_of(reminder)
    return [{"text": LABELS[a][1 if locale == "en" else 0], "key": action_key(a, ref)} for a in NUMBERED]


def numbered_hint(locale: str, reminder_id: int | None = None) -> str:
    """"回复 1 完成 R74 / 2 延后一天 / 3 改时间 / 4 查看": the numbered replies, naming the card they answer."""
    ref = f" R{reminder_id}" if reminder_id is not None else ""
    if locale == "en":
        return "Reply " + " / ".join(f"{n} {LABELS[a][1]}" + (ref if n == 1 else "") for n, a in enumerate(NUMBERED, 1))
    return "回复 " + " / ".join(f"{n} {LABELS[a][0]}" + (ref if n == 1 else "") for n, a in enumerate(NUMBERED, 1))


def card_key(rep_id: int) -> str:
    """The settings key of the last reminder card pushed to a person (what a bare "1".."4" answers)."""
    return f"reminder:card:{rep_id}"


def remember_card(record: object, ref: CardRef, now: datetime) -> dict[str, object]:
    """The person's card record after `ref` was pushed at `now`: it is the latest card, and one of the recent
    ones (those pushed within RECENT; older ones are dropped)."""
    cards = [[card, at] for card, at in _recent(record, now) if card != str(ref)]
    return {"card": str(ref), "recent": [*cards, [str(ref), now.isoformat()]]}


def latest_card(record: object) -> CardRef | None:
    return CardRef.parse(str(record.get("card", ""))) if isinstance(record, dict) else None


def recent_cards(record: object, now: datetime) -> list[CardRef]:
    """The cards pushed within RECENT before `now`, oldest first."""
    return [ref for card, _ in _recent(record, now) if (ref := CardRef.parse(card)) is not None]


def _recent(record: object, now: datetime) -> list[tuple[str, str]]:
    pairs = record.get("recent", []) if isinstance(record, dict) else []
    return [(str(card), str(at)) for card, at in pairs
            if now - RECENT <= datetime.fromisoformat(str(at)) <= now]
