"""Usage analytics (数据埋点) and feedback, as plain data: what one event records, what a month adds up to.

A usage event says who did what, where, how fast and how it ended — never what they wrote: no message text,
no names, no amounts. Feedback is the one place where a person's words are kept, because they asked for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol

from domain.ports import UnitOfWork

# What an event is about (kind) and how it ended (outcome).
COMMAND, BUTTON, UNDO, CORRECTION = "command", "button", "undo", "correction"
CAPTURE, FALLBACK, QUESTION, ANSWER = "capture", "fallback", "question", "answer"
HELD = "held"  # a sentence read with low confidence, waiting for 确认 (a capture once confirmed)
PAGE, API = "page", "api"
KINDS = (COMMAND, BUTTON, UNDO, CORRECTION, CAPTURE, FALLBACK, QUESTION, ANSWER, HELD, PAGE, API)
OK, REFUSED, ERROR = "ok", "refused", "error"  # + FALLBACK: free text the bot could not place
OUTCOMES = (OK, REFUSED, ERROR, FALLBACK)
FEATURE_KINDS = (COMMAND, BUTTON, UNDO)  # kinds whose feature is a registered command's name
FREE_TEXT_KINDS = (CAPTURE, CORRECTION, FALLBACK, QUESTION, HELD)  # free text, placed or not
UNDO_OF_CAPTURE = "capture"  # UsageEvent.target of an undo that took back a free-text capture


@dataclass(frozen=True, slots=True)
class UsageEvent:
    at: datetime
    person_id: int | None
    channel: str
    kind: str
    feature: str
    outcome: str = OK
    latency_ms: int | None = None
    target: str | None = None  # an undo's: UNDO_OF_CAPTURE when it took back a free-text capture


@dataclass(frozen=True, slots=True)
class Feedback:
    person_id: int
    channel: str
    conversation_id: str
    group: bool  # said in a group chat (else a private one)
    locale: str
    text: str
    at: datetime
    id: int | None = None


@dataclass(frozen=True, slots=True)
class ChannelLatency:
    channel: str
    replies: int
    median_ms: int


@dataclass(frozen=True, slots=True)
class UsageMonth:
    """A month's usage, each number an SQL aggregate (storage.repositories.usage.month_of)."""

    month: date  # its first day
    features: tuple[tuple[str, int], ...]  # (feature, uses) of FEATURE_KINDS, most used first
    captures: int  # free-text captures that wrote something
    captures_undone: int  # undos of a capture + corrections
    free_text: int  # messages that went to the free-text route
    fallbacks: int  # ...that it could not place
    latency: tuple[ChannelLatency, ...]
    pages: tuple[tuple[str, int], ...]  # (page, views), most viewed first
    outcomes: tuple[tuple[str, int], ...] = ()
    api_calls: int = 0
    registered: tuple[str, ...] = field(default=())  # every command's name (zero uses count as least used)

    @property
    def undo_rate(self) -> float | None:
        return self.captures_undone / self.captures if self.captures else None

    @property
    def fallback_rate(self) -> float | None:
        return self.fallbacks / self.free_text if self.free_text else None

    def most_used(self, n: int = 5) -> list[tuple[str, int]]:
        return [pair for pair in self.features if pair[1] > 0][:n]

    def least_used(self, n: int = 5) -> list[tuple[str, int]]:
        """Fewest uses first, registered commands never used among them; ties by name."""
        counts = dict(self.features)
        for name in self.registered:
            counts.setdefault(name, 0)
        return sorted(counts.items(), key=lambda pair: (pair[1], pair[0]))[:n]


class UsageRepository(Protocol):
    async def add_many(self, events: Sequence[UsageEvent]) -> None: ...
    async def add_feedback(self, feedback: Feedback) -> Feedback: ...
    async def feedback_between(self, start: datetime, end: datetime, limit: int) -> Sequence[Feedback]: ...
    async def feedback_count(self, start: datetime, end: datetime) -> int: ...
    async def month(self, start: datetime, end: datetime, first_day: date) -> UsageMonth: ...


class UsageUnitOfWork(UnitOfWork, Protocol):
    usage: UsageRepository
