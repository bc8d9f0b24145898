"""Sales funnel: deals and amounts per stage, stage-to-stage conversion, win rate, weighted forecast."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from itertools import pairwise

from domain.insights import STAGE_BASE_RATES
from domain.money import CNY, Money
from domain.opportunity import Opportunity, Stage

# The path a won deal walks; lost deals leave it from wherever they were.
LADDER = (Stage.INITIAL_CONTACT, Stage.PROPOSAL, Stage.NEGOTIATION, Stage.WON)


@dataclass(frozen=True, slots=True)
class StageStats:
    """Deals currently in `stage`, and the sum of their amounts in the report's currency."""

    stage: Stage
    count: int
    amount: Money


@dataclass(frozen=True, slots=True)
class Conversion:
    """Of the deals that reached `source`, how many went on to reach `target`."""

    source: Stage
    target: Stage
    reached_source: int
    reached_target: int

    @property
    def rate(self) -> float | None:
        return self.reached_target / self.reached_source if self.reached_source else None


@dataclass(frozen=True, slots=True)
class FunnelReport:
    since: datetime | None
    total: int
    stages: tuple[StageStats, ...]
    conversions: tuple[Conversion, ...]
    win_rate: float | None  # won / (won + lost); None when nothing closed
    forecast: Money  # sum over open deals of amount × probability

    def stage(self, stage: Stage) -> StageStats:
        return next(s for s in self.stages if s.stage is stage)


def reached_stages(opp: Opportunity) -> tuple[Stage, ...]:
    """The ladder stages the deal has been in, judged by its current stage and its history.

    A deal counts as having passed every ladder stage below the highest one it reached
    (deals may be created or imported directly at a later stage).
    """
    seen = {opp.stage} | {c.source for c in opp.history} | {c.target for c in opp.history}
    highest = max((LADDER.index(s) for s in seen if s in LADDER), default=0)
    return LADDER[: highest + 1]


def funnel(
    opportunities: Iterable[Opportunity],
    since: datetime | None = None,
    *,
    currency: str = CNY,
    probability: Callable[[Opportunity], float] | None = None,
) -> FunnelReport:
    """Report on deals created at or after `since` (all when None; deals without created_at are
    left out when `since` is given). Amounts in other currencies are counted but not summed.
    `probability` defaults to the stage base rate (pass e.g. a `win_probability` closure)."""
    deals = [o for o in opportunities
             if since is None or (o.created_at is not None and o.created_at >= since)]
    chance = probability or (lambda o: STAGE_BASE_RATES[o.stage])
    zero = Money(Decimal(0), currency)
    stages = tuple(
        StageStats(stage, sum(1 for o in deals if o.stage is stage),
                   _total((o for o in deals if o.stage is stage), zero))
        for stage in Stage
    )
    reached = {stage: sum(1 for o in deals if stage in reached_stages(o)) for stage in LADDER}
    conversions = tuple(
        Conversion(source, target, reached[source], reached[target])
        for source, target in pairwise(LADDER)
    )
    won = sum(1 for o in deals if o.stage is Stage.WON)
    closed = won + sum(1 for o in deals if o.stage is Stage.LOST)
    forecast = zero
    for opp in deals:
        if not opp.stage.is_closed and opp.amount is not None and opp.amount.currency == currency:
            forecast += opp.amount.scaled(Decimal(str(chance(opp))))
    return FunnelReport(since, len(deals), stages, conversions, won / closed if closed else None, forecast)


def _total(deals: Iterable[Opportunity], zero: Money) -> Money:
    total = zero
    for opp in deals:
        if opp.amount is not None and opp.amount.currency == zero.currency:
            total += opp.amount
    return total
