"""A synthetic company's closed deals over three years, for the win model's backtest (issue #13).

The generator decides each deal's fate from hidden qualities the model never sees by name: a champion's
strength at the customer, whether a budget was approved, the sector's appetite, the buying committee's size
(grows with the amount). The same qualities leave traces the model does see, through other names: a strong
champion means more follow-ups; a deal heading for a loss goes quiet for weeks and lingers in its stage; won
deals move through stages faster. Deterministic for a seed.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta

from domain.opportunity import Stage
from domain.win_features import DealFacts

START = date(2023, 1, 1)
DAYS = 3 * 365
APPETITE = {"制造": 0.7, "能源": 0.3, "金融": 0.0, "零售": -0.5, "教育": -0.8}  # sector's hidden appetite
REGIONS = ("华东", "华南", "华北", "西南")
SOURCES = ("展会", "转介绍", "官网", "电话")
PATH = (Stage.INITIAL_CONTACT, Stage.PROPOSAL, Stage.NEGOTIATION)


@dataclass(frozen=True, slots=True)
class ClosedDeal:
    """A closed deal and what was known at one moment while it was open."""

    ref: str
    team: str
    facts: DealFacts
    stage_days: tuple[int, ...]  # days spent in each stage it passed through (for the won-stay medians)
    won: bool
    moment: date  # when `facts` were true
    closed: date

    @property
    def days_to_close(self) -> int:
        return (self.closed - self.moment).days


def _fate(rng: random.Random, industry: str, amount: int) -> bool:
    champion = rng.gauss(0, 1)
    budget = rng.random() < 0.5
    committee = math.log10(max(amount, 10_000)) - 5.5  # bigger deals, more people to convince
    logit = -0.6 + APPETITE[industry] + 1.1 * champion + 0.9 * budget - 0.5 * committee + rng.gauss(0, 0.5)
    won = rng.random() < 1 / (1 + math.exp(-logit))
    return won if champion > -2.5 else False


def _stages(rng: random.Random, won: bool) -> list[int]:
    """Days in each stage: won deals go all the way, briskly; lost ones stop somewhere and linger."""
    if won:
        return [rng.randint(4, 16), rng.randint(6, 20), rng.randint(4, 14)]
    reached = rng.choices((1, 2, 3), weights=(4, 3, 3))[0]
    return [rng.randint(8, 30) for _ in range(reached - 1)] + [rng.randint(12, 50)]


def _activity(rng: random.Random, won: bool, open_days: int) -> list[int]:
    """Follow-up days (from creation): won deals are followed a little more often; lost ones tend to fall
    silent for their last weeks."""
    quiet = rng.randint(0, 15) if won else rng.randint(5, 40)
    rate = rng.uniform(0.08, 0.3) if won else rng.uniform(0.04, 0.22)
    return [d for d in range(open_days) if d < open_days - quiet and rng.random() < rate]


def deal(rng: random.Random, n: int) -> ClosedDeal:
    industry = rng.choice(list(APPETITE))
    amount = int(10 ** rng.gauss(5.6, 0.4))
    won = _fate(rng, industry, amount)
    stays = _stages(rng, won)
    open_days = sum(stays)
    created = START + timedelta(days=rng.randint(0, DAYS - open_days - 1))
    moment_day = rng.randint(0, open_days - 1)  # any day of its open life
    stage_index = next(i for i in range(len(stays)) if moment_day < sum(stays[:i + 1]))
    follow = _activity(rng, won, open_days)
    before = [d for d in follow if d <= moment_day]
    facts = DealFacts(stage=PATH[stage_index], days_in_stage=moment_day - sum(stays[:stage_index]),
                      idle_days=moment_day - before[-1] if before else None, activities=len(before), amount=amount,
                      industry=industry, region=rng.choice(REGIONS), source=rng.choice(SOURCES),
                      quote_versions=rng.randint(0, 1) + stage_index,
                      close_slips=rng.randint(0, 1) + (0 if won else rng.randint(0, 2)))
    return ClosedDeal(f"D{n:05d}", f"组{n % 4 + 1}", facts, tuple(stays), won,
                      created + timedelta(days=moment_day), created + timedelta(days=open_days))


def company(deals: int = 4000, seed: int = 7) -> list[ClosedDeal]:
    rng = random.Random(seed)
    return [deal(rng, n) for n in range(deals)]
