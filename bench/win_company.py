"""A synthetic company's deals over three years, for the win model's backtest (issue #13).

Each deal's fate comes from hidden qualities the model never sees by name: a champion's strength at the
customer, whether a budget was approved, the sector's appetite, the buying committee's size (grows with the
amount). The same qualities leave traces the model does see, under other names: a strong champion means more
follow-ups; a deal heading for a loss goes quiet for its last weeks and lingers in its stage; won deals move
through the stages faster. Every deal is a whole timeline (created, each stage entered, follow-up dates,
closed), written as the rows `dealbot import deals` reads (`rows`) or as the records the model reads
(`Timeline.record`). Deterministic for a seed.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from domain.money import Money
from domain.opportunity import Opportunity, Stage, StageChange
from domain.win_snapshot import DealRecord

START = datetime(2023, 1, 2, 2, tzinfo=UTC)  # 10:00 in Shanghai
DAYS = 3 * 365
APPETITE = {"制造": 0.7, "能源": 0.3, "金融": 0.0, "零售": -0.5, "教育": -0.8}  # sector's hidden appetite
REGIONS = ("华东", "华南", "华北", "西南")
SOURCES = ("展会", "转介绍", "官网", "电话")
PATH = (Stage.PROPOSAL, Stage.NEGOTIATION)
TEAMS = ("组1", "组2", "组3", "组4")
REPS = tuple(f"销售{n:02d}" for n in range(1, 9))  # two per team: 销售01, 销售02 in 组1, …
HEADER = ("ref", "customer", "industry", "region", "owner", "source", "amount", "created", "stage", "closed",
          "lost_reason", "stage_history", "activities")


@dataclass(frozen=True, slots=True)
class Timeline:
    ref: str
    team: str
    owner: str
    customer: str
    industry: str
    region: str
    source: str
    amount: int
    created: datetime
    moves: tuple[tuple[Stage, datetime], ...]  # every stage entered after creation; the last one won or lost
    activities: tuple[datetime, ...]

    @property
    def won(self) -> bool:
        return self.moves[-1][0] is Stage.WON

    @property
    def closed(self) -> datetime:
        return self.moves[-1][1]

    def record(self) -> DealRecord:
        stages = [Stage.INITIAL_CONTACT, *(stage for stage, _ in self.moves)]
        history = [StageChange(stages[i], stage, at, None) for i, (stage, at) in enumerate(self.moves)]
        deal = Opportunity(0, self.ref, stage=stages[-1], amount=Money(Decimal(self.amount)), history=history,
                           created_at=self.created, closed_at=self.closed, ref=self.ref, source=self.source)
        return DealRecord(deal, self.activities, (), (), self.industry, self.region, self.source, self.team)

    def row(self) -> tuple[str, ...]:
        day = "%Y-%m-%d"
        history = "; ".join(f"{stage.label('zh')}@{at:{day}}" for stage, at in self.moves[:-1])
        return (self.ref, self.customer, self.industry, self.region, self.owner, self.source, str(self.amount),
                f"{self.created:{day}}", self.moves[-1][0].label("zh"), f"{self.closed:{day}}",
                "" if self.won else "价格", history, "; ".join(f"{a:{day}}" for a in self.activities))


def _fate(rng: random.Random, champion: float, industry: str, amount: int) -> bool:
    budget = rng.random() < 0.5
    committee = math.log10(max(amount, 10_000)) - 5.5  # bigger deals, more people to convince
    logit = -0.6 + APPETITE[industry] + 1.1 * champion + 0.9 * budget - 0.5 * committee + rng.gauss(0, 0.5)
    won = rng.random() < 1 / (1 + math.exp(-logit))
    return won if champion > -2.5 else False


def _stays(rng: random.Random, won: bool) -> list[int]:
    """Days in each stage: won deals go all the way, briskly; lost ones stop somewhere and linger."""
    if won:
        return [rng.randint(4, 16), rng.randint(6, 20), rng.randint(4, 14)]
    reached = rng.choices((1, 2, 3), weights=(4, 3, 3))[0]
    return [rng.randint(8, 30) for _ in range(reached - 1)] + [rng.randint(12, 50)]


def _activities(rng: random.Random, champion: float, won: bool, open_days: int) -> list[int]:
    """Follow-up days from creation: a strong champion takes more meetings; a deal heading for a loss falls
    silent for its last weeks."""
    quiet = rng.randint(0, 12) if won else rng.randint(5, 40)
    rate = 0.05 + 0.2 / (1 + math.exp(-champion))
    return [d for d in range(open_days) if d < open_days - quiet and rng.random() < rate]


def timeline(rng: random.Random, n: int, customers: int) -> Timeline:
    k = rng.randrange(customers)
    industry, region = list(APPETITE)[k % len(APPETITE)], REGIONS[k % len(REGIONS)]
    amount = int(10 ** rng.gauss(5.6, 0.4))
    champion = rng.gauss(0, 1)
    won = _fate(rng, champion, industry, amount)
    stays = _stays(rng, won)
    created = START + timedelta(days=rng.randint(0, DAYS - sum(stays) - 1))
    moves, at = [], created
    for stage, days in zip((*PATH[:len(stays) - 1], Stage.WON if won else Stage.LOST), stays, strict=True):
        at += timedelta(days=days)
        moves.append((stage, at))
    follow = tuple(created + timedelta(days=d, hours=1) for d in _activities(rng, champion, won, sum(stays)))
    rep = n % len(REPS)
    return Timeline(f"D{n:05d}", TEAMS[rep // 2], REPS[rep], f"{industry}{region}客户{k:04d}有限公司", industry, region,
                    rng.choice(SOURCES), amount, created, tuple(moves), follow)


def company(deals: int = 4000, seed: int = 7) -> list[Timeline]:
    rng = random.Random(seed)
    return [timeline(rng, n, max(deals // 3, 1)) for n in range(deals)]


def rows(timelines: list[Timeline]) -> list[tuple[str, ...]]:
    """The import file's rows, header first."""
    return [HEADER, *(t.row() for t in timelines)]
