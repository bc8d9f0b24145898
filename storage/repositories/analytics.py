"""domain.analytics.AnalyticsReader in SQL: every number is an aggregate the database computes, so memory
stays flat in the number of deals; lists are bounded, counts are true. Same statements on both engines.

Meanings (domain/analytics.py):
- results: won / lost = deals whose closed_at falls in the period with that stage; new deals / leads by
  created_at. Periods are days of the company's time zone (`zone`).
- funnel: open deals now per stage (the deal_totals summary, a few rows per person and stage); conversion
  over the window [since, now): a deal counts for every ladder stage (initial contact → proposal →
  negotiation → won) up to the highest one it reached in the window — by a stage change in the window, or,
  when it was created in the window, by the stage it was created at; average cycle time = created → won over
  the deals won in the window.
- forecast: open deals whose expected close falls in the period, amount × the deal's win probability (the
  nightly win_scores, issue #13; unscored: domain.insights.STAGE_BASE_RATES), plus what was won in the period.
- leaderboard: won deals closed in the period per owner, most won amount first (all currencies added as
  numbers, then count); each rep's amounts per currency.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, case, exists, func, literal, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from domain.analytics import Forecast, Funnel, Period, RepResult, Results, Scope, StageConversion, StageCount
from domain.funnel import LADDER
from domain.insights import STAGE_BASE_RATES
from domain.opportunity import OPEN_STAGES, Stage
from storage.models import DealTotalRow, WinScoreRow
from storage.repositories.analytics_lists import AnalyticsLists
from storage.repositories.analytics_sql import (
    CHANGES,
    DEALS,
    LEADS,
    add_cents,
    between,
    cents,
    currency,
    days_between,
    in_scope,
)
from storage.repositories.base import table_of

TOTALS, SCORES = table_of(DealTotalRow), table_of(WinScoreRow)

Window = tuple[datetime, datetime | None]  # [since, until); until None = up to now


def within(column: ColumnElement[Any], window: Window) -> list[ColumnElement[bool]]:
    since, until = window
    return [column >= since] if until is None else [column >= since, column < until]
DEFAULT_ZONE = ZoneInfo("Asia/Shanghai")
_LADDER_INDEX = {stage.value: index for index, stage in enumerate(LADDER)}


def _held_before_end(window: Window) -> list[ColumnElement[bool]]:
    """A change's source was held in a window that ends before now: the change came before the end, or it
    is the deal's first change (its source is the stage the deal was created at, in the window)."""
    if window[1] is None:
        return []
    earlier = CHANGES.alias("earlier")
    first = ~exists().where(earlier.c.opportunity_id == CHANGES.c.opportunity_id, earlier.c.at < CHANGES.c.at)
    return [or_(CHANGES.c.at < window[1], first)]


def _unchanged_after_end(window: Window) -> list[ColumnElement[bool]]:
    """A deal's current stage was held in a window that ends before now only if it has not moved since."""
    if window[1] is None:
        return []
    return [~exists().where(CHANGES.c.opportunity_id == DEALS.c.id, CHANGES.c.at >= window[1])]


class SqlAlchemyAnalyticsReader(AnalyticsLists):
    """AnalyticsReader over one session; `zone` is the company's time zone (periods are its days)."""

    def __init__(self, session: AsyncSession, zone: tzinfo = DEFAULT_ZONE) -> None:
        self.session = session
        self.zone = zone

    @property
    def dialect(self) -> str:
        return self.session.get_bind().dialect.name

    async def results(self, scope: Scope, period: Period) -> Results:
        closed = (select(DEALS.c.stage, currency(DEALS.c.amount_currency).label("cur"),
                         func.count().label("n"), func.sum(cents(DEALS.c.amount)).label("c"))
                  .where(DEALS.c.stage.in_([Stage.WON.value, Stage.LOST.value]),
                         *between(DEALS.c.closed_at, period, self.zone), *in_scope(scope))
                  .group_by(DEALS.c.stage, currency(DEALS.c.amount_currency)))
        won, lost, amounts = 0, 0, dict[str, Decimal]()
        for stage, code, count, summed in (await self.session.execute(closed)).all():
            if stage == Stage.WON.value:
                won += count
                add_cents(amounts, code, summed)
            else:
                lost += count
        new_deals = select(func.count()).select_from(DEALS).where(
            *between(DEALS.c.created_at, period, self.zone), *in_scope(scope))
        new_leads = select(func.count()).select_from(LEADS).where(
            *between(LEADS.c.created_at, period, self.zone), *in_scope(scope, LEADS))
        return Results(period, won=won, won_amounts=amounts, lost=lost,
                       new_deals=int(await self.session.scalar(new_deals) or 0),
                       new_leads=int(await self.session.scalar(new_leads) or 0))

    async def funnel(self, scope: Scope, since: datetime, until: datetime | None = None) -> Funnel:
        window = (since, until)
        return Funnel(stages=await self._open_stages(scope), conversions=await self._conversions(scope, window),
                      avg_cycle_days=await self._cycle_days(scope, window), since=since, until=until)

    async def _open_stages(self, scope: Scope) -> tuple[StageCount, ...]:
        """Open deals per stage from the deal_totals summary (team / owner 0 = none)."""
        query = (select(TOTALS.c.stage, TOTALS.c.currency, func.sum(TOTALS.c.deals), func.sum(TOTALS.c.cents))
                 .where(TOTALS.c.stage.in_([s.value for s in OPEN_STAGES]), *in_scope(scope, TOTALS))
                 .group_by(TOTALS.c.stage, TOTALS.c.currency))
        counts: dict[str, int] = {}
        amounts: dict[str, dict[str, Decimal]] = {}
        for stage, code, deals, summed in (await self.session.execute(query)).all():
            counts[stage] = counts.get(stage, 0) + int(deals or 0)
            add_cents(amounts.setdefault(stage, {}), code, summed)
        return tuple(StageCount(s, counts.get(s.value, 0), amounts.get(s.value, {})) for s in OPEN_STAGES)

    async def _conversions(self, scope: Scope, window: Window) -> tuple[StageConversion, ...]:
        """One row: how many deals reached each ladder stage in the window (highest stage per deal)."""
        scoped = in_scope(scope)
        changed = select(CHANGES.c.opportunity_id.label("deal"), CHANGES.c.target.label("stage")).join(
            DEALS, DEALS.c.id == CHANGES.c.opportunity_id).where(*within(CHANGES.c.at, window), *scoped)
        born_from = select(CHANGES.c.opportunity_id.label("deal"), CHANGES.c.source.label("stage")).join(
            DEALS, DEALS.c.id == CHANGES.c.opportunity_id).where(
            *within(DEALS.c.created_at, window), *scoped, *_held_before_end(window))
        born = select(DEALS.c.id.label("deal"), DEALS.c.stage.label("stage")).where(
            *within(DEALS.c.created_at, window), *scoped, *_unchanged_after_end(window))
        events = union_all(changed, born_from, born).subquery("events")
        index = case(*((events.c.stage == name, literal(i)) for name, i in _LADDER_INDEX.items()), else_=-1)
        highest = (select(func.max(index).label("top")).group_by(events.c.deal)).subquery("highest")
        reached = select(*(func.coalesce(func.sum(case((highest.c.top >= i, 1), else_=0)), 0)
                           for i in range(len(LADDER))))
        row = (await self.session.execute(reached)).one()
        counts = [int(value) for value in row]
        return tuple(StageConversion(LADDER[i], LADDER[i + 1], counts[i], counts[i + 1])
                     for i in range(len(LADDER) - 1))

    async def _cycle_days(self, scope: Scope, window: Window) -> float | None:
        days = days_between(self.dialect, DEALS.c.closed_at, DEALS.c.created_at)
        query = select(func.avg(days)).where(
            DEALS.c.stage == Stage.WON.value, *within(DEALS.c.closed_at, window), DEALS.c.created_at.is_not(None),
            *in_scope(scope))
        value = await self.session.scalar(query)
        return None if value is None else round(float(value), 2)

    async def forecast(self, scope: Scope, period: Period) -> Forecast:
        """Open deals expected to close in the period, each amount × its win probability: the nightly score
        (win_scores) where there is one, else its stage's base rate. Rounded to the cent per deal."""
        base = case({s.value: STAGE_BASE_RATES[s] for s in OPEN_STAGES}, value=DEALS.c.stage, else_=0)
        weighted_cents = func.round(cents(DEALS.c.amount) * func.coalesce(SCORES.c.p_win, base))
        query = (select(currency(DEALS.c.amount_currency), func.count(), func.sum(weighted_cents))
                 .select_from(DEALS.outerjoin(SCORES, SCORES.c.opportunity_id == DEALS.c.id))
                 .where(DEALS.c.stage.in_([s.value for s in OPEN_STAGES]),
                        *between(DEALS.c.expected_close, period, self.zone), *in_scope(scope))
                 .group_by(currency(DEALS.c.amount_currency)))
        weighted: dict[str, Decimal] = {}
        deals = 0
        for code, count, summed in (await self.session.execute(query)).all():
            deals += int(count)
            add_cents(weighted, code, summed)
        won = await self.results(scope, period)
        return Forecast(period, weighted=weighted, open_deals=deals, won_amounts=won.won_amounts)

    async def leaderboard(self, scope: Scope, period: Period, limit: int = 10) -> Sequence[RepResult]:
        where = [DEALS.c.stage == Stage.WON.value, DEALS.c.owner_id.is_not(None),
                 *between(DEALS.c.closed_at, period, self.zone), *in_scope(scope)]
        total = func.sum(cents(DEALS.c.amount))
        top = (select(DEALS.c.owner_id, func.count(), total).where(*where).group_by(DEALS.c.owner_id)
               .order_by(total.desc(), func.count().desc(), DEALS.c.owner_id).limit(limit))
        ranked = [(int(owner), int(count)) for owner, count, _ in (await self.session.execute(top)).all()]
        if not ranked:
            return []
        per_currency = (select(DEALS.c.owner_id, currency(DEALS.c.amount_currency), func.sum(cents(DEALS.c.amount)))
                        .where(*where, DEALS.c.owner_id.in_([owner for owner, _ in ranked]))
                        .group_by(DEALS.c.owner_id, currency(DEALS.c.amount_currency)))
        amounts: dict[int, dict[str, Decimal]] = {}
        rows: list[Any] = list((await self.session.execute(per_currency)).all())
        for owner, code, summed in rows:
            add_cents(amounts.setdefault(int(owner), {}), code, summed)
        return [RepResult(owner, count, amounts.get(owner, {})) for owner, count in ranked]
