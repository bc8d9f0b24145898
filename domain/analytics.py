"""What managers measure (issue #11): periods, scopes and the numbers answered in chat and in digests.

The numbers come from SQL aggregates (storage.repositories.analytics implements `AnalyticsReader`), never
from loading every deal: memory stays flat in the number of deals. Amounts are summed per currency.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Protocol

from domain.funnel import Conversion
from domain.opportunity import LostReason, Stage

Amounts = Mapping[str, Decimal]  # currency -> sum


@dataclass(frozen=True, slots=True)
class Period:
    """[start, end) in days, local to the company's time zone. kind: day, week, month, quarter, year, custom."""

    start: date
    end: date
    kind: str = "custom"

    @classmethod
    def day(cls, day: date) -> Period:
        return cls(day, day + timedelta(days=1), "day")

    @classmethod
    def week(cls, day: date) -> Period:
        """Monday to Sunday around `day`."""
        start = day - timedelta(days=day.weekday())
        return cls(start, start + timedelta(days=7), "week")

    @classmethod
    def month(cls, day: date) -> Period:
        start = day.replace(day=1)
        return cls(start, _add_months(start, 1), "month")

    @classmethod
    def quarter(cls, day: date) -> Period:
        start = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        return cls(start, _add_months(start, 3), "quarter")

    @classmethod
    def year(cls, day: date) -> Period:
        return cls(date(day.year, 1, 1), date(day.year + 1, 1, 1), "year")

    @property
    def code(self) -> str:
        """The target key: "2027-01" (month), "2027Q1" (quarter), "2027" (year), else start..end."""
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.start.year}Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == "year":
            return str(self.start.year)
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    def elapsed(self, today: date) -> float:
        """Share of the period gone by at the end of `today` (0.0 before it, 1.0 after it)."""
        total = (self.end - self.start).days
        done = (min(max(today + timedelta(days=1), self.start), self.end) - self.start).days
        return done / total if total else 1.0


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    return day.replace(year=day.year + index // 12, month=index % 12 + 1)


@dataclass(frozen=True, slots=True)
class Scope:
    """Whose numbers: everything (None) or the deals of these teams / owned by these reps. Built from
    what the asker may see (domain.permissions); `label` says it in the answer ("华东一组", "张伟")."""

    team_ids: frozenset[int] | None = None
    rep_ids: frozenset[int] | None = None
    label: str = ""
    label_en: str = ""


@dataclass(frozen=True, slots=True)
class Results:
    """A period's results: deals won / lost in it (by closed_at), deals and leads opened in it."""

    period: Period
    won: int = 0
    won_amounts: Amounts = field(default_factory=dict)
    lost: int = 0
    new_deals: int = 0
    new_leads: int = 0

    @property
    def win_rate(self) -> float | None:
        closed = self.won + self.lost
        return self.won / closed if closed else None


@dataclass(frozen=True, slots=True)
class StageCount:
    stage: Stage
    count: int
    amounts: Amounts = field(default_factory=dict)


# Of the deals that reached `source` in the window, how many reached `target`: the funnel's own record.
StageConversion = Conversion


@dataclass(frozen=True, slots=True)
class Funnel:
    stages: tuple[StageCount, ...]  # open deals now, per stage
    conversions: tuple[StageConversion, ...]  # over the window (default: the last 90 days)
    avg_cycle_days: float | None  # created -> won, deals won in the window
    since: datetime
    until: datetime | None = None  # the window's end (a past period's); None = up to now


@dataclass(frozen=True, slots=True)
class Forecast:
    """Weighted: sum over open deals expected to close in the period of amount × stage probability;
    plus what is already won in it."""

    period: Period
    weighted: Amounts
    open_deals: int
    won_amounts: Amounts


@dataclass(frozen=True, slots=True)
class RepResult:
    rep_id: int
    won: int
    won_amounts: Amounts


@dataclass(frozen=True, slots=True)
class Movement:
    """One stage change in a period (digest: 阶段推进, 赢单/输单 with reasons)."""

    opportunity_id: int
    name: str
    owner_id: int | None
    source: Stage
    target: Stage
    at: datetime
    amounts: Amounts = field(default_factory=dict)
    lost_reason: LostReason | None = None
    lost_note: str = ""


@dataclass(frozen=True, slots=True)
class DealLine:
    """A deal listed in an answer or a digest (stalled, overdue)."""

    opportunity_id: int
    name: str
    owner_id: int | None
    stage: Stage
    since: datetime | None  # stalled: in this stage since; overdue: due at
    amounts: Amounts = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Target:
    scope_kind: str  # team, rep
    scope_id: int
    period: str  # Period.code
    amount: Decimal
    currency: str = "CNY"


class AnalyticsReader(Protocol):
    """Aggregates in SQL; every method answers for `scope` only. Lists are bounded by `limit`; counts are true."""

    async def results(self, scope: Scope, period: Period) -> Results: ...

    async def funnel(self, scope: Scope, since: datetime, until: datetime | None = None) -> Funnel: ...

    async def forecast(self, scope: Scope, period: Period) -> Forecast: ...

    async def leaderboard(self, scope: Scope, period: Period, limit: int = 10) -> Sequence[RepResult]: ...

    async def movements(self, scope: Scope, period: Period, limit: int = 50) -> Sequence[Movement]: ...

    async def stalled(self, scope: Scope, now: datetime, days: Mapping[Stage, int],
                      limit: int = 10) -> tuple[int, Sequence[DealLine]]: ...

    async def overdue_next_steps(self, scope: Scope, now: datetime,
                                 limit: int = 10) -> tuple[int, Sequence[DealLine]]: ...

    async def overdue_payments(self, scope: Scope, today: date,
                               limit: int = 10) -> tuple[int, Sequence[DealLine]]: ...

    async def overdue_by_owner(self, scope: Scope, now: datetime,
                               limit: int = 10) -> tuple[int, Sequence[tuple[int | None, int]]]:
        """Open deals with a next step past due, per owner: (how many owners, [(owner, deals)] most first)."""
        ...

    async def next_steps_between(self, scope: Scope, since: datetime, until: datetime,
                                 limit: int = 10) -> tuple[int, Sequence[DealLine]]:
        """Open deals whose next step falls in [since, until), soonest first (明天要跟进哪些)."""
        ...

    async def rank_of(self, scope: Scope, period: Period, rep_id: int) -> tuple[int | None, int]:
        """The rep's place on the leaderboard of `scope` for the period (None: nothing won), and how many
        reps won anything in it."""
        ...


class TargetRepository(Protocol):
    async def set(self, target: Target, by: int | None, at: datetime) -> None: ...

    async def get(self, scope_kind: str, scope_id: int, period: str) -> Target | None: ...

    async def for_period(self, period: str) -> Sequence[Target]: ...

    async def for_scopes(self, scope_kind: str, scope_ids: Iterable[int], period: str) -> Sequence[Target]:
        """The targets of these teams (or reps) for one period."""
        ...
