"""The manager's daily digest as plain data: every section, already aggregated (issue #11).

`compose.compose_digest` fills it from an `AnalyticsReader`; `markdown`, `html` and `charts` render it;
`as_json` gives the same numbers to other tools (`dealbot digest --json`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from bot.digest.words import say
from bot.usage.digest_section import UsageDigest
from domain.analytics import Amounts, DealLine, Forecast, Funnel, Movement, Period, Results
from domain.opportunity import Stage
from domain.visit import VisitCount


@dataclass(frozen=True, slots=True)
class DealList:
    """A bounded list with its true count (stalled deals, overdue follow-ups, overdue payments)."""

    count: int
    lines: tuple[DealLine, ...] = ()


@dataclass(frozen=True, slots=True)
class TargetLine:
    """A team target for one period against what is won in it and how much of the period has gone by."""

    period: Period
    target: Decimal
    currency: str
    actual: Decimal
    elapsed: float  # 0.0 .. 1.0

    @property
    def achieved(self) -> float | None:
        return float(self.actual / self.target) if self.target else None

    @property
    def on_track(self) -> bool:
        """At least as much of the target done as of the period gone by."""
        achieved = self.achieved
        return achieved is None or achieved >= self.elapsed


@dataclass(frozen=True, slots=True)
class RepLine:
    rep_id: int
    name: str
    won: int
    won_amounts: Amounts = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """One week of the trend chart: deals won (count and amounts) and deals opened."""

    start: date
    won: int
    won_amounts: Amounts
    new_deals: int


@dataclass(frozen=True, slots=True)
class Reclaimed:
    """Customers the pool scan took back from the team's reps since the digest before (issue #14)."""

    count: int = 0
    customers: tuple[tuple[int, str, int | None], ...] = ()  # (customer id, name, owner it left), at most a list
    lead_count: int = 0
    leads: tuple[tuple[int, str, int | None], ...] = ()  # (lead id, its customer's name, owner it left)

    def header(self, locale: str) -> str:
        """收回公海 3 个客户、2 条线索."""
        extra = say("reclaimed_leads", locale, n=self.lead_count) if self.lead_count else ""
        return say("reclaimed", locale, n=self.count) + extra

    def sections(self) -> list[tuple[str, int, tuple[tuple[int, str, int | None], ...]]]:
        """(ref prefix, count, listed) for the customers, then the leads."""
        return [("C", self.count, self.customers), ("L", self.lead_count, self.leads)]


@dataclass(frozen=True, slots=True)
class AtRiskCustomer:
    """A customer of the team whose health (domain.health) is in the at-risk band, with its main reason."""

    customer_id: int
    name: str
    score: int
    reason_zh: str
    reason_en: str

    def reason(self, locale: str) -> str:
        return self.reason_zh if locale == "zh" else self.reason_en


@dataclass(frozen=True, slots=True)
class WinMover:
    """An open deal whose win probability moved most since the night before (issue #13), with its main reason."""

    opportunity_id: int
    name: str
    owner_id: int | None
    p_win: float
    previous: float
    reason_zh: str = ""
    reason_en: str = ""

    def reason(self, locale: str) -> str:
        return self.reason_zh if locale == "zh" else self.reason_en


@dataclass(frozen=True, slots=True)
class Digest:
    """One team's day (team_id None: the whole company). `at`: the moment it describes (stalled and
    overdue are judged then); `failed_deliveries` is None unless the reader is an admin."""

    team_id: int | None
    team_name: str
    day: date
    at: datetime
    today: Results
    movements: tuple[Movement, ...]
    funnel: Funnel
    forecast_month: Forecast
    forecast_quarter: Forecast
    targets: tuple[TargetLine, ...]
    top_reps: tuple[RepLine, ...]
    stalled: DealList
    overdue_followups: DealList
    overdue_payments: DealList
    trend: tuple[TrendPoint, ...]
    names: Mapping[int, str] = field(default_factory=dict)  # rep id -> name, for owners in the lists
    failed_deliveries: int | None = None
    at_risk: tuple[AtRiskCustomer, ...] = ()  # lowest health first (team digests only)
    movers: tuple[WinMover, ...] = ()  # largest move of P(won) first
    reclaimed: Reclaimed = Reclaimed()  # 收回公海 (issue #14)
    visits: VisitCount | None = None  # the day's check-ins (issue #14); None where visits are not stored
    usage: UsageDigest | None = None  # admins only: the usage section (issue #16)

    @property
    def stage_moves(self) -> tuple[Movement, ...]:
        """Movements between open stages (won and lost are listed on their own)."""
        return tuple(m for m in self.movements if not m.target.is_closed)

    @property
    def won(self) -> tuple[Movement, ...]:
        return tuple(m for m in self.movements if m.target is Stage.WON)

    @property
    def lost(self) -> tuple[Movement, ...]:
        return tuple(m for m in self.movements if m.target is Stage.LOST)

    def scope_name(self, locale: str) -> str:
        """The team's name, or the company's in the reader's language."""
        if self.team_id is not None:
            return self.team_name
        return "全公司" if locale == "zh" else "Company"

    def owner(self, rep_id: int | None) -> str:
        return self.names.get(rep_id, "") if rep_id is not None else ""
