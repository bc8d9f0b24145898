"""Usage events and feedback (issue #16): one multi-row insert per batch of events; a month's usage in a few
SQL aggregates (counts grouped in the database, a median by one ordered, offset read per channel)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, case, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.usage import (
    API,
    CAPTURE,
    CORRECTION,
    FALLBACK,
    FEATURE_KINDS,
    FREE_TEXT_KINDS,
    OK,
    PAGE,
    UNDO,
    UNDO_OF_CAPTURE,
    ChannelLatency,
    Feedback,
    UsageEvent,
    UsageMonth,
)
from storage.models import FeedbackRow, UsageEventRow
from storage.repositories.base import before_write, statement, table_of

EVENTS, FEEDBACK = table_of(UsageEventRow), table_of(FeedbackRow)
E = UsageEventRow


class SqlAlchemyUsageRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add_many(self, events: Sequence[UsageEvent]) -> None:
        if not events:
            return
        await before_write(self.session)
        rows = [{"at": e.at, "person_id": e.person_id, "channel": e.channel[:32], "kind": e.kind,
                 "feature": e.feature[:64], "outcome": e.outcome, "latency_ms": e.latency_ms, "target": e.target}
                for e in events]
        await self.session.execute(statement(__name__, "add_many", lambda: insert(EVENTS)), rows)

    async def add_feedback(self, feedback: Feedback) -> Feedback:
        await before_write(self.session)
        values = {"person_id": feedback.person_id, "channel": feedback.channel,
                  "conversation_id": feedback.conversation_id[:255], "is_group": feedback.group,
                  "locale": feedback.locale, "text": feedback.text, "at": feedback.at}
        stmt = statement(__name__, "add_feedback", lambda: insert(FEEDBACK).returning(FEEDBACK.c.id))
        new_id = (await self.session.execute(stmt, values)).scalar_one()
        return Feedback(feedback.person_id, feedback.channel, feedback.conversation_id, feedback.group,
                        feedback.locale, feedback.text, feedback.at, new_id)

    async def feedback_between(self, start: datetime, end: datetime, limit: int) -> Sequence[Feedback]:
        """Newest first, at most `limit`."""
        stmt = (select(FEEDBACK).where(FEEDBACK.c.at >= start, FEEDBACK.c.at < end)
                .order_by(FEEDBACK.c.at.desc(), FEEDBACK.c.id.desc()).limit(limit))
        return [Feedback(r.person_id or 0, r.channel, r.conversation_id, r.is_group, r.locale, r.text, r.at, r.id)
                for r in await self.session.execute(stmt)]

    async def feedback_count(self, start: datetime, end: datetime) -> int:
        stmt = select(func.count()).select_from(FEEDBACK).where(FEEDBACK.c.at >= start, FEEDBACK.c.at < end)
        return int(await self.session.scalar(stmt) or 0)

    async def month(self, start: datetime, end: datetime, first_day: date) -> UsageMonth:
        """The usage between `start` and `end` (a month, or a day for the digest)."""
        within = (E.at >= start, E.at < end)
        features = await self._grouped(E.feature, *within, E.kind.in_(FEATURE_KINDS))
        pages = await self._grouped(E.feature, *within, E.kind == PAGE)
        outcomes = await self._grouped(E.outcome, *within)
        undone = (E.kind == CORRECTION) | ((E.kind == UNDO) & (E.target == UNDO_OF_CAPTURE))
        counts = select(
            _count((E.kind == CAPTURE) & (E.outcome == OK)), _count(undone & (E.outcome == OK)),
            _count(E.kind.in_(FREE_TEXT_KINDS)), _count(E.kind == FALLBACK), _count(E.kind == API),
        ).where(*within)
        captures, captures_undone, free_text, fallbacks, api = (await self.session.execute(counts)).one()
        return UsageMonth(first_day, tuple(features), int(captures), int(captures_undone), int(free_text),
                          int(fallbacks), tuple(await self._latencies(*within)), tuple(pages), tuple(outcomes),
                          int(api))

    async def _grouped(self, column: Any, *where: ColumnElement[bool]) -> list[tuple[str, int]]:
        uses = func.count(E.id).label("uses")
        stmt = select(column, uses).where(*where).group_by(column).order_by(uses.desc(), column)
        return [(str(name), int(n)) for name, n in await self.session.execute(stmt)]

    async def _latencies(self, *within: ColumnElement[bool]) -> list[ChannelLatency]:
        """The median reply latency per chat channel: count, then the one or two middle values read in order."""
        replies = (*within, E.latency_ms.is_not(None), E.kind.not_in((PAGE, API)))
        found = []
        stmt = select(E.channel, func.count(E.id)).where(*replies).group_by(E.channel).order_by(E.channel)
        for channel, n in (await self.session.execute(stmt)).all():
            middle = (select(E.latency_ms).where(*replies, E.channel == channel)
                      .order_by(E.latency_ms).offset((int(n) - 1) // 2).limit(2 - int(n) % 2))
            values = [v for v in await self.session.scalars(middle) if v is not None]
            found.append(ChannelLatency(str(channel), int(n), (sum(values) + len(values) // 2) // len(values)))
        return found


def _count(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)
