"""The dashboard's numbers, from the same SQL aggregates as the daily digest (domain.analytics
AnalyticsReader, bot.digest.settings for stall thresholds, windows and list sizes): nothing loads deals.

`build_view` answers for one scope (bot.web.dashboard_scope) and one period (this month or this quarter,
around the viewer's local today): the period's results, forecast and target, the funnel now with its
conversions over `[digest] conversion_days`, the leaderboard (or a rep's own place) and stalled deals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from bot.digest.model import DealList, RepLine, TargetLine
from bot.digest.settings import DigestSettings
from bot.web.dashboard_scope import DashScope
from domain.analytics import Forecast, Funnel, Period, Results, Scope
from domain.ports import UnitOfWork

PERIODS = ("month", "quarter")


@dataclass(frozen=True, slots=True)
class DashView:
    period: Period
    results: Results
    forecast: Forecast
    target: TargetLine | None
    funnel: Funnel
    leaders: tuple[RepLine, ...]
    rank: tuple[int | None, int] | None  # a rep's (place, ranked) on their team's board for the period
    stalled: DealList
    names: dict[int, str] = field(default_factory=dict)

    def owner(self, rep_id: int | None) -> str:
        return self.names.get(rep_id, "") if rep_id is not None else ""


def period_of(kind: str, today: date) -> Period:
    return Period.quarter(today) if kind == "quarter" else Period.month(today)


async def build_view(uow: UnitOfWork, dash: DashScope, kind: str, today: date, at: datetime,
                     settings: DigestSettings) -> DashView:
    reader, scope = uow.analytics, dash.scope
    period = period_of(kind, today)
    forecast = await reader.forecast(scope, period)
    leaders: tuple[RepLine, ...] = ()
    rank: tuple[int | None, int] | None = None
    if dash.kind == "rep":
        rank = await _rank(uow, dash, period)
    else:
        found = await reader.leaderboard(scope, period, settings.top_reps)
        leaders = tuple(RepLine(r.rep_id, "", r.won, r.won_amounts) for r in found)
    count, lines = await reader.stalled(scope, at, settings.stall_days, settings.list_limit)
    stalled = DealList(count, tuple(lines))
    owners = {r.rep_id for r in leaders} | {line.owner_id for line in stalled.lines if line.owner_id is not None}
    names = {i: rep.name for i, rep in (await uow.reps.many(sorted(owners))).items()} if owners else {}
    return DashView(
        period=period, results=await reader.results(scope, period), forecast=forecast,
        target=await _target(uow, dash, forecast, today),
        funnel=await reader.funnel(scope, at - timedelta(days=settings.conversion_days)),
        leaders=tuple(RepLine(r.rep_id, names.get(r.rep_id, f"#{r.rep_id}"), r.won, r.won_amounts)
                      for r in leaders),
        rank=rank, stalled=stalled, names=names)


async def _rank(uow: UnitOfWork, dash: DashScope, period: Period) -> tuple[int | None, int] | None:
    """A rep's place among their team (a rank among oneself says nothing); None without a team."""
    if dash.rep_id is None or not dash.team_ids:
        return None
    team = Scope(team_ids=frozenset(dash.team_ids))
    return await uow.analytics.rank_of(team, period, dash.rep_id)


async def _target(uow: UnitOfWork, dash: DashScope, forecast: Forecast, today: date) -> TargetLine | None:
    """The period's target: the rep's own, one team's, or the sum of the teams' (CNY) for several."""
    code = forecast.period.code
    if dash.kind == "rep":
        found = await uow.targets.get("rep", dash.rep_id, code) if dash.rep_id is not None else None
        targets = [found] if found is not None else []
    else:
        targets = list(await uow.targets.for_scopes("team", dash.team_ids, code)) if dash.team_ids else []
    if not targets:
        return None
    currency = targets[0].currency
    amount = sum((t.amount for t in targets if t.currency == currency), Decimal(0))
    actual = forecast.won_amounts.get(currency, Decimal(0))
    return TargetLine(forecast.period, amount, currency, actual, forecast.period.elapsed(today))
