"""FakeAnalyticsReader: fixed numbers, recording what was asked (for digest unit tests)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from domain.analytics import (
    DealLine,
    Forecast,
    Funnel,
    Movement,
    Period,
    RepResult,
    Results,
    Scope,
    StageConversion,
    StageCount,
    TargetRepository,
)
from domain.opportunity import LostReason, Stage
from domain.ports import OutboxRepository, RepRepository
from tests.fakes.uow import FakeUnitOfWork

DAY = date(2026, 12, 4)
AT = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)  # 18:00 in Shanghai
CNY = "CNY"


def cny(value: int | str) -> dict[str, Decimal]:
    return {CNY: Decimal(value)}


@dataclass
class FakeAnalyticsReader:
    """Answers every scope alike; `calls` records (method, scope, arg) for assertions."""

    calls: list[tuple[str, Scope, object]] = field(default_factory=list)
    stalled_count: int = 12
    movement_count: int = 3

    async def results(self, scope: Scope, period: Period) -> Results:
        self.calls.append(("results", scope, period))
        if period.kind == "day":
            return Results(period, won=1, won_amounts=cny(500000), lost=1, new_deals=4, new_leads=7)
        weeks_back = (DAY - period.start).days // 7
        return Results(period, won=weeks_back % 3, won_amounts=cny(100000 * (weeks_back % 3)), new_deals=weeks_back)

    async def funnel(self, scope: Scope, since: datetime) -> Funnel:
        self.calls.append(("funnel", scope, since))
        stages = (StageCount(Stage.INITIAL_CONTACT, 40, cny(4000000)), StageCount(Stage.PROPOSAL, 20, cny(3000000)),
                  StageCount(Stage.NEGOTIATION, 8, cny(2400000)))
        conversions = (StageConversion(Stage.INITIAL_CONTACT, Stage.PROPOSAL, 50, 20),
                       StageConversion(Stage.PROPOSAL, Stage.NEGOTIATION, 20, 10),
                       StageConversion(Stage.NEGOTIATION, Stage.WON, 10, 4))
        return Funnel(stages, conversions, 37.5, since)

    async def forecast(self, scope: Scope, period: Period) -> Forecast:
        self.calls.append(("forecast", scope, period))
        won = cny(1200000) if period.kind == "month" else cny(3000000)
        return Forecast(period, cny(2340000), 25, won)

    async def leaderboard(self, scope: Scope, period: Period, limit: int = 10) -> Sequence[RepResult]:
        self.calls.append(("leaderboard", scope, limit))
        return [RepResult(1, 3, cny(800000)), RepResult(2, 1, cny(400000))][:limit]

    async def movements(self, scope: Scope, period: Period, limit: int = 50) -> Sequence[Movement]:
        self.calls.append(("movements", scope, period))
        moves = [Movement(11, "云图ERP升级", 1, Stage.INITIAL_CONTACT, Stage.PROPOSAL, AT, cny(300000)),
                 Movement(12, "明途数据中台", 2, Stage.NEGOTIATION, Stage.WON, AT, cny(500000)),
                 Movement(13, "华信*CRM*", 1, Stage.PROPOSAL, Stage.LOST, AT, cny(200000), LostReason.PRICE,
                          "竞品低价")]
        return moves[: min(limit, self.movement_count)]

    async def stalled(self, scope: Scope, now: datetime, days: Mapping[Stage, int],
                      limit: int = 10) -> tuple[int, Sequence[DealLine]]:
        self.calls.append(("stalled", scope, dict(days)))
        lines = [DealLine(100 + i, f"停滞商机{i}", 1, Stage.NEGOTIATION, now - timedelta(days=20 + i))
                 for i in range(min(limit, self.stalled_count))]
        return self.stalled_count, lines

    async def overdue_next_steps(self, scope: Scope, now: datetime,
                                 limit: int = 10) -> tuple[int, Sequence[DealLine]]:
        self.calls.append(("overdue_next_steps", scope, now))
        return 1, [DealLine(21, "逾期跟进商机", 2, Stage.PROPOSAL, now - timedelta(days=2))]

    async def overdue_payments(self, scope: Scope, today: date,
                               limit: int = 10) -> tuple[int, Sequence[DealLine]]:
        self.calls.append(("overdue_payments", scope, today))
        return 0, []


class FakeSources:
    """DigestSources over a FakeUnitOfWork's reps, targets and outbox, with the stub analytics."""

    def __init__(self, uow: FakeUnitOfWork, reader: FakeAnalyticsReader) -> None:
        self.uow, self.analytics = uow, reader

    @property
    def targets(self) -> TargetRepository:
        return self.uow.targets

    @property
    def reps(self) -> RepRepository:
        return self.uow.reps

    @property
    def outbox(self) -> OutboxRepository:
        return self.uow.outbox
