"""Build a `Digest` from SQL aggregates: one team's (or the company's) day, at a given moment.

Every number comes from `AnalyticsReader` (bounded lists, true counts): the cost does not grow with
the number of deals beyond what the aggregate queries themselves cost.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Protocol

from bot.digest.model import (
    AtRiskCustomer,
    DealList,
    Digest,
    Reclaimed,
    RepLine,
    TargetLine,
    TrendPoint,
    WinMover,
)
from bot.digest.settings import DigestSettings
from bot.usage.digest_section import read_usage_digest
from domain.analytics import AnalyticsReader, DealLine, Forecast, Period, Scope, TargetRepository
from domain.health import HealthReader, assess, at_risk
from domain.people import Team
from domain.pool_ports import PoolRepository
from domain.ports import OutboxRepository, RepRepository
from domain.visit import VisitCount, VisitRepository
from domain.win_ports import WinDataRepository

MOVERS_WINDOW = timedelta(hours=36)  # scores written since: last night's run, not older ones


class DigestSources(Protocol):
    """What the digest reads: a unit of work once the analytics layer is wired (`uow.analytics`, ...)."""

    @property
    def analytics(self) -> AnalyticsReader: ...

    @property
    def targets(self) -> TargetRepository: ...

    @property
    def reps(self) -> RepRepository: ...

    @property
    def outbox(self) -> OutboxRepository: ...


def team_scope(team: Team | None) -> Scope:
    if team is None or team.id is None:
        return Scope(label="全公司", label_en="company")
    return Scope(team_ids=frozenset({team.id}), label=team.name, label_en=team.name)


async def compose_digest(src: DigestSources, team: Team | None, day: date, at: datetime,
                         settings: DigestSettings, *, admin: bool = False) -> Digest:
    """The digest of `team` (None: the company) for local `day`, judged at `at` (aware)."""
    reader, scope = src.analytics, team_scope(team)
    month, quarter = Period.month(day), Period.quarter(day)
    limit = settings.list_limit
    forecast_month = await reader.forecast(scope, month)
    forecast_quarter = await reader.forecast(scope, quarter)
    leaders = await reader.leaderboard(scope, month, settings.top_reps)
    movements = tuple(await reader.movements(scope, Period.day(day), settings.movement_limit))
    stalled = DealList(*_lines(await reader.stalled(scope, at, settings.stall_days, limit)))
    followups = DealList(*_lines(await reader.overdue_next_steps(scope, at, limit)))
    payments = DealList(*_lines(await reader.overdue_payments(scope, day, limit)))
    movers = await _movers(src, team, at, settings.movers_limit)
    owners = {m.owner_id for m in movements} | {r.rep_id for r in leaders} | {m.owner_id for m in movers}
    owners |= {line.owner_id for lst in (stalled, followups, payments) for line in lst.lines}
    reclaimed = await _reclaimed(src, team, at, limit)
    owners |= {owner for _, _, owner in reclaimed.customers + reclaimed.leads}
    names = await _names(src.reps, owners)
    return Digest(
        team_id=team.id if team else None, team_name=scope.label, day=day, at=at,
        today=await reader.results(scope, Period.day(day)), movements=movements,
        funnel=await reader.funnel(scope, at - timedelta(days=settings.conversion_days)),
        forecast_month=forecast_month, forecast_quarter=forecast_quarter,
        targets=await _targets(src.targets, team, day, (forecast_month, forecast_quarter)),
        top_reps=tuple(RepLine(r.rep_id, names.get(r.rep_id, f"#{r.rep_id}"), r.won, r.won_amounts)
                       for r in leaders),
        stalled=stalled, overdue_followups=followups, overdue_payments=payments,
        trend=await _trend(reader, scope, day, settings.trend_weeks), names=names,
        failed_deliveries=await src.outbox.count_failed() if admin else None,
        at_risk=await _at_risk(src, team, at, settings.at_risk_limit), movers=movers, reclaimed=reclaimed,
        visits=await _visits(src, team, day, at),
        usage=await read_usage_digest(src, day, at.tzinfo) if admin else None)


async def _reclaimed(src: DigestSources, team: Team | None, at: datetime, limit: int) -> Reclaimed:
    """The customers the pool scan took back from the team's (None: anyone's) reps in the day before `at`."""
    pool: PoolRepository | None = getattr(src, "pool", None)
    if pool is None:
        return Reclaimed()
    teams = [team.id] if team and team.id is not None else None
    count, found = await pool.reclaimed(teams, at - timedelta(days=1), at, limit)
    lead_count, leads = await pool.reclaimed(teams, at - timedelta(days=1), at, limit, leads=True)
    return Reclaimed(count, tuple(found), lead_count, tuple(leads))


async def _visits(src: DigestSources, team: Team | None, day: date, at: datetime) -> VisitCount | None:
    """The day's check-ins by the team's reps (None: everyone's), counted in SQL; local day of `at`."""
    visits: VisitRepository | None = getattr(src, "visits", None)
    if visits is None:
        return None
    start = datetime.combine(day, time(0), at.tzinfo)
    return await visits.count(start, start + timedelta(days=1), [team.id] if team and team.id is not None else None)


async def _movers(src: DigestSources, team: Team | None, at: datetime, limit: int) -> tuple[WinMover, ...]:
    """The team's (None: everyone's) open deals whose win probability moved most in the last scoring (the
    nightly job's scores of the last MOVERS_WINDOW)."""
    wins: WinDataRepository | None = getattr(src, "wins", None)
    if wins is None or limit <= 0:
        return ()
    found = await wins.movers([team.id] if team and team.id is not None else None, at - MOVERS_WINDOW, limit)
    return tuple(WinMover(m.score.opportunity_id, m.name, m.owner_id, m.score.p_win, m.score.previous or 0.0,
                          *_top_reason(m.score.factors)) for m in found)


def _top_reason(factors: Sequence[Mapping[str, Any]]) -> tuple[str, str]:
    return (str(factors[0].get("zh", "")), str(factors[0].get("en", ""))) if factors else ("", "")


async def _at_risk(src: DigestSources, team: Team | None, at: datetime, limit: int) -> tuple[AtRiskCustomer, ...]:
    """The team's customers with the lowest health below the at-risk line. Candidates: customers with an open
    deal of the team or one it won in the last year (storage bounds them by team, then reads facts by id)."""
    reader: HealthReader | None = getattr(src, "health", None)
    if reader is None or team is None or team.id is None or limit <= 0:
        return ()
    candidates = await reader.candidates(at, team_ids=[team.id])
    worst = at_risk((assess(f, at) for f in (await reader.facts_many(candidates, at)).values()), limit)
    names = await reader.names([h.customer_id for h in worst])
    return tuple(AtRiskCustomer(h.customer_id, names.get(h.customer_id, ""), h.score, h.reasons("zh", 1)[0],
                                h.reasons("en", 1)[0]) for h in worst)


def _lines(found: tuple[int, Iterable[DealLine]]) -> tuple[int, tuple[DealLine, ...]]:
    return found[0], tuple(found[1])


async def _names(reps: RepRepository, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = sorted({i for i in ids if i is not None})
    return {rep_id: rep.name for rep_id, rep in (await reps.many(wanted)).items()} if wanted else {}


async def _targets(targets: TargetRepository, team: Team | None, day: date,
                   forecasts: Iterable[Forecast]) -> tuple[TargetLine, ...]:
    """Team targets of this month and quarter; the actual is what is won in the period (forecast.won_amounts)."""
    if team is None or team.id is None:
        return ()
    lines = []
    for forecast in forecasts:
        target = await targets.get("team", team.id, forecast.period.code)
        if target is not None:
            actual = forecast.won_amounts.get(target.currency, Decimal(0))
            lines.append(TargetLine(forecast.period, target.amount, target.currency, actual,
                                    forecast.period.elapsed(day)))
    return tuple(lines)


def trend_weeks(day: date, weeks: int) -> list[Period]:
    """The last `weeks` Monday-to-Sunday weeks, oldest first, the last one holding `day`."""
    monday = day - timedelta(days=day.weekday())
    starts = [monday - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    return [Period(start, start + timedelta(days=7), "week") for start in starts]


async def _trend(reader: AnalyticsReader, scope: Scope, day: date, weeks: int) -> tuple[TrendPoint, ...]:
    points = []
    for week in trend_weeks(day, weeks):
        result = await reader.results(scope, week)
        points.append(TrendPoint(week.start, result.won, result.won_amounts, result.new_deals))
    return tuple(points)
