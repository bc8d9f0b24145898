"""The lists of domain.analytics.AnalyticsReader: stage movements, stalled deals, overdue next steps and
overdue payments — each a true count plus at most `limit` lines, in SQL.

- stalled: an open deal in its current stage (entered by its latest stage change, else at creation) for at
  least days[stage] days at `now`; stages missing from `days` never stall. Longest-stuck first.
- overdue next steps: open deals whose next_at is before `now`, most overdue first.
- overdue payments: deals (not lost) with a payment milestone of the plan in force due before `today` and
  not fully paid; `since` = the earliest such due date, amounts = what is still owed on them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.analytics import DealLine, Movement, Period, Scope
from domain.opportunity import OPEN_STAGES, LostReason, Stage
from storage.repositories.analytics_sql import (
    CHANGES,
    DEALS,
    MILESTONES,
    add_cents,
    between,
    cents,
    currency,
    in_scope,
    start_of,
)


def _amounts(code: str | None, amount: Any) -> dict[str, Decimal]:
    return {code: Decimal(str(amount)).quantize(Decimal("0.01"))} if code and amount is not None else {}


class AnalyticsLists:
    session: AsyncSession
    zone: tzinfo

    async def movements(self, scope: Scope, period: Period, limit: int = 50) -> Sequence[Movement]:
        query = (select(CHANGES.c.opportunity_id, DEALS.c.name, DEALS.c.owner_id, CHANGES.c.source,
                        CHANGES.c.target, CHANGES.c.at, DEALS.c.amount_currency, DEALS.c.amount,
                        DEALS.c.lost_reason, DEALS.c.lost_note)
                 .join(DEALS, DEALS.c.id == CHANGES.c.opportunity_id)
                 .where(*between(CHANGES.c.at, period, self.zone), *in_scope(scope))
                 .order_by(CHANGES.c.at, CHANGES.c.id).limit(limit))
        return [Movement(deal, name, owner, Stage(source), Stage(target), at, _amounts(code, amount),
                         LostReason(reason) if reason and target == Stage.LOST.value else None,
                         note or "" if target == Stage.LOST.value else "")
                for deal, name, owner, source, target, at, code, amount, reason, note
                in (await self.session.execute(query)).all()]

    async def stalled(self, scope: Scope, now: datetime, days: Mapping[Stage, int],
                      limit: int = 10) -> tuple[int, Sequence[DealLine]]:
        stages = [stage for stage in OPEN_STAGES if stage in days]
        if not stages:
            return 0, []
        last_change = (select(func.max(CHANGES.c.at)).where(CHANGES.c.opportunity_id == DEALS.c.id)
                       .correlate(DEALS).scalar_subquery())
        entered = func.coalesce(last_change, DEALS.c.created_at)
        stuck = or_(*(and_(DEALS.c.stage == stage.value, entered <= now - timedelta(days=days[stage]))
                      for stage in stages))
        where = [DEALS.c.stage.in_([s.value for s in stages]), stuck, *in_scope(scope)]
        return await self._listed(where, entered, limit)

    async def overdue_next_steps(self, scope: Scope, now: datetime,
                                 limit: int = 10) -> tuple[int, Sequence[DealLine]]:
        where = [DEALS.c.stage.in_([s.value for s in OPEN_STAGES]), DEALS.c.next_at < now, *in_scope(scope)]
        return await self._listed(where, DEALS.c.next_at, limit)

    async def _listed(self, where: list[ColumnElement[bool]], since: ColumnElement[Any],
                      limit: int) -> tuple[int, Sequence[DealLine]]:
        count = int(await self.session.scalar(select(func.count()).select_from(DEALS).where(*where)) or 0)
        if not count:
            return 0, []
        query: Select[Any] = (select(DEALS.c.id, DEALS.c.name, DEALS.c.owner_id, DEALS.c.stage, since.label("since"),
                                     DEALS.c.amount_currency, DEALS.c.amount)
                              .where(*where).order_by(since, DEALS.c.id).limit(limit))
        lines = [DealLine(deal, name, owner, Stage(stage), _aware(at), _amounts(code, amount))
                 for deal, name, owner, stage, at, code, amount in (await self.session.execute(query)).all()]
        return count, lines

    async def overdue_payments(self, scope: Scope, today: date,
                               limit: int = 10) -> tuple[int, Sequence[DealLine]]:
        owed = cents(MILESTONES.c.amount) - cents(MILESTONES.c.paid)
        where = [MILESTONES.c.replaced_at.is_(None), MILESTONES.c.due_on < today, owed > 0,
                 DEALS.c.stage != Stage.LOST.value, *in_scope(scope)]
        joined = MILESTONES.join(DEALS, DEALS.c.id == MILESTONES.c.opportunity_id)
        per_deal = (select(MILESTONES.c.opportunity_id.label("deal"), func.min(MILESTONES.c.due_on).label("due"))
                    .select_from(joined).where(*where).group_by(MILESTONES.c.opportunity_id)).subquery("late")
        count = int(await self.session.scalar(select(func.count()).select_from(per_deal)) or 0)
        if not count:
            return 0, []
        top = (select(per_deal.c.deal, per_deal.c.due, DEALS.c.name, DEALS.c.owner_id, DEALS.c.stage)
               .join(DEALS, DEALS.c.id == per_deal.c.deal).order_by(per_deal.c.due, per_deal.c.deal).limit(limit))
        rows = (await self.session.execute(top)).all()
        amounts: dict[int, dict[str, Decimal]] = {}
        owing = (select(MILESTONES.c.opportunity_id, currency(MILESTONES.c.amount_currency), func.sum(owed))
                 .select_from(joined).where(*where, MILESTONES.c.opportunity_id.in_([row[0] for row in rows]))
                 .group_by(MILESTONES.c.opportunity_id, currency(MILESTONES.c.amount_currency)))
        for deal, code, summed in (await self.session.execute(owing)).all():
            add_cents(amounts.setdefault(int(deal), {}), code, summed)
        return count, [DealLine(deal, name, owner, Stage(stage), start_of(_day(due), self.zone), amounts.get(deal, {}))
                       for deal, due, name, owner, stage in rows]


def _aware(value: datetime | None) -> datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def _day(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))
