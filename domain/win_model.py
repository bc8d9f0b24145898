"""Win probability learned from a company's own closed deals: naive Bayes over categorical facts, with
Laplace smoothing, a per-stage prior, per-team tables once a team has enough history (pooled otherwise),
and the per-stage base rates while history is short. Every score carries its strongest reasons.

A deal is described by `features`: name -> category (e.g. {"stage": "negotiation", "idle": "over_2x",
"industry": "制造"}), built from what was known at the moment scored (see issue #13: no later events).
P(won) = prior(stage) × Π P(value | won) / normaliser, each P(value | class) = (count + α) / (n_class + α·k)
with k the values seen for that feature. The log-likelihood ratio of each value is its weight of evidence:
the factors are the values that moved the score most, in either direction. Pure; standard library only.
"""

from __future__ import annotations

import copy
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from domain.insights import STAGE_BASE_RATES
from domain.opportunity import Stage
from domain.win_calibration import Calibrator, sigmoid

MIN_HISTORY = 100  # training samples (~30 closed deals) before the model speaks; fewer: the stage base rates, said so
TEAM_MIN_HISTORY = 600  # samples of one team (~150 closed deals) before it gets tables of its own
ALPHA = 1.0  # Laplace smoothing
HORIZON_DAYS = 30
MIN_OPEN, MAX_OPEN = 0.02, 0.95  # an open deal is never certain either way
UNKNOWN_STAGE_RATE = 0.3


@dataclass(frozen=True, slots=True)
class Example:
    """One closed deal as it looked while still open: its facts then, whether it was won, and (won deals)
    how many days after that moment it was won."""

    features: Mapping[str, str]
    won: bool
    team: str = ""
    days_to_win: int | None = None


@dataclass(frozen=True, slots=True)
class Factor:
    feature: str
    value: str
    weight: float  # natural log of P(value | won) / P(value | lost): > 0 raises the chance


@dataclass(frozen=True, slots=True)
class Score:
    p_win: float
    p_win_horizon: float  # P(won within HORIZON_DAYS)
    factors: tuple[Factor, ...]
    source: str  # "team" | "pooled" | "stage_rates" (history too short)


@dataclass
class Tables:
    """Counts of one naive Bayes: per class, per feature, per value."""

    totals: Counter[bool] = field(default_factory=Counter)
    stage_totals: dict[str, Counter[bool]] = field(default_factory=lambda: defaultdict(Counter))
    values: dict[str, dict[bool, Counter[str]]] = field(default_factory=lambda: defaultdict(
        lambda: {True: Counter(), False: Counter()}))
    _weights: dict[tuple[str, str], float] = field(default_factory=dict, repr=False, compare=False)

    def add(self, example: Example) -> None:
        self.totals[example.won] += 1
        self.stage_totals[example.features.get("stage", "")][example.won] += 1
        for name, value in example.features.items():
            if name != "stage":
                self.values[name][example.won][value] += 1
        self._weights.clear()

    def merge(self, other: Tables) -> None:
        """Add `other`'s counts to these."""
        self.totals.update(other.totals)
        for stage, counts in other.stage_totals.items():
            self.stage_totals[stage].update(counts)
        for name, by in other.values.items():
            for won, seen in by.items():
                self.values[name][won].update(seen)
        self._weights.clear()

    def add_value(self, name: str, value: str, won: bool, count: int) -> None:
        """Count a feature's value for examples already added (a value known only after all were seen)."""
        self.values[name][won][value] += count
        self._weights.clear()

    def weight(self, name: str, value: str) -> float:
        """log P(value | won) / P(value | lost), cached until the counts change."""
        key = (name, value)
        found = self._weights.get(key)
        if found is None:
            found = self._weights[key] = math.log(self.likelihood(name, value, True) /
                                                  self.likelihood(name, value, False))
        return found

    @property
    def size(self) -> int:
        return self.totals[True] + self.totals[False]

    def prior(self, stage: str, alpha: float = ALPHA) -> float:
        """P(won | stage), smoothed towards the base rate of the stage."""
        counts = self.stage_totals.get(stage, Counter())
        base = base_rate(stage)
        return (counts[True] + alpha * 2 * base) / (counts[True] + counts[False] + alpha * 2)

    def likelihood(self, name: str, value: str, won: bool, alpha: float = ALPHA) -> float:
        counts = self.values[name][won]
        kinds = len(set(self.values[name][True]) | set(self.values[name][False]) | {value})
        return (counts[value] + alpha) / (sum(counts.values()) + alpha * kinds)


def base_rate(stage: str) -> float:
    """The per-stage rate dealbot assumes without history (domain.insights.STAGE_BASE_RATES)."""
    try:
        return STAGE_BASE_RATES[Stage(stage)]
    except ValueError:
        return UNKNOWN_STAGE_RATE


def fit(examples: Iterable[Example]) -> WinModel:
    """Tables for all examples (pooled) and for each team with enough of its own, then calibrated on them."""
    seen, builder = list(examples), ModelBuilder()
    for example in seen:
        builder.add(example)
    model = builder.model()
    calibrator = Calibrator()
    for example in seen:
        calibrator.add(model.log_odds(example.features, example.team)[0], example.won)
    return calibrated(model, calibrator)


def calibrated(model: WinModel, calibrator: Calibrator) -> WinModel:
    """`model` with the Platt scaling `calibrator` fits (none while the model does not speak)."""
    if not model.speaks:
        return model
    scale, shift = calibrator.fit()
    return replace(model, scale=scale, shift=shift)


class ModelBuilder:
    """Counts examples one at a time: memory is the tables' (values seen), never the examples'."""

    def __init__(self) -> None:
        self.pooled = Tables()
        self.teams: dict[str, Tables] = defaultdict(Tables)
        self.horizons: dict[str, Counter[int]] = defaultdict(Counter)  # stage -> days to the win -> deals

    def add(self, example: Example) -> None:
        self.pooled.add(example)
        self.teams[example.team].add(example)
        if example.won and example.days_to_win is not None:
            self.horizons[example.features.get("stage", "")][example.days_to_win] += 1

    def merge(self, other: ModelBuilder) -> None:
        self.pooled.merge(other.pooled)
        for team, tables in other.teams.items():
            self.teams[team].merge(tables)
        for stage, days in other.horizons.items():
            self.horizons[stage].update(days)

    def model(self) -> WinModel:
        """A model of the counts so far (copies: counting on does not change it)."""
        own = {team: copy.deepcopy(tables) for team, tables in self.teams.items()
               if team and tables.size >= TEAM_MIN_HISTORY}
        horizons = {stage: Counter(days) for stage, days in self.horizons.items()}
        return WinModel(copy.deepcopy(self.pooled), own, horizons)


@dataclass(frozen=True)
class WinModel:
    pooled: Tables
    teams: Mapping[str, Tables]
    horizons: Mapping[str, Counter[int]]  # stage -> days from a won deal's moment in that stage to the win -> deals
    scale: float = 1.0  # Platt scaling of the log-odds (domain.win_calibration): P = σ(scale · log-odds + shift)
    shift: float = 0.0
    trusted: bool = True  # False: it did not beat the per-stage rates on recent history; they answer instead
    _shares: dict[tuple[str, int], float] = field(default_factory=dict, repr=False, compare=False)

    @property
    def speaks(self) -> bool:
        """Enough history for the tables; else the per-stage base rates."""
        return self.pooled.size >= MIN_HISTORY

    def log_odds(self, features: Mapping[str, str], team: str = "") -> tuple[float, list[Factor], str]:
        """The raw naive Bayes log-odds, each feature's weight of evidence, and which tables said it."""
        tables, source = (self.teams[team], "team") if team in self.teams else (self.pooled, "pooled")
        prior = tables.prior(features.get("stage", ""))
        log_odds = math.log(prior / (1 - prior))
        factors = []
        for name, value in features.items():
            if name == "stage":
                continue
            weight = tables.weight(name, value)
            log_odds += weight
            factors.append(Factor(name, value, weight))
        return log_odds, factors, source

    def score(self, features: Mapping[str, str], team: str = "", top: int = 3) -> Score:
        stage = features.get("stage", "")
        if not self.speaks or not self.trusted:
            p = round(self.pooled.prior(stage), 3) if self.speaks else base_rate(stage)
            return Score(p, round(p * self.within_horizon(stage), 3), (), "stage_rates")
        log_odds, factors, source = self.log_odds(features, team)
        calibrated = sigmoid(self.scale * log_odds + self.shift)
        p = round(min(max(calibrated, MIN_OPEN), MAX_OPEN), 3)
        strongest = sorted(factors, key=lambda f: -abs(f.weight))[:top]
        return Score(p, round(p * self.within_horizon(stage), 3), tuple(strongest), source)

    def within_horizon(self, stage: str, days: int = HORIZON_DAYS) -> float:
        """Of the won deals seen in `stage`, the share won within `days` of that moment (none seen: half)."""
        key = (stage, days)
        if (found := self._shares.get(key)) is None:
            seen = self.horizons.get(stage)
            total = sum(seen.values()) if seen else 0
            found = self._shares[key] = sum(n for d, n in seen.items() if d <= days) / total if seen and total else 0.5
        return found


def tables_to_json(tables: Tables) -> dict[str, Any]:
    """Plain JSON of the counts (what the nightly job stores for `建议 #12`)."""
    return {"totals": [tables.totals[True], tables.totals[False]],
            "stages": {stage: [c[True], c[False]] for stage, c in tables.stage_totals.items()},
            "values": {name: {"won": dict(by[True]), "lost": dict(by[False])} for name, by in tables.values.items()}}


def tables_from_json(data: Mapping[str, Any]) -> Tables:
    tables = Tables()
    tables.totals.update({True: int(data["totals"][0]), False: int(data["totals"][1])})
    for stage, (won, lost) in data["stages"].items():
        tables.stage_totals[stage].update({True: int(won), False: int(lost)})
    for name, by in data["values"].items():
        tables.values[name][True].update({k: int(v) for k, v in by["won"].items()})
        tables.values[name][False].update({k: int(v) for k, v in by["lost"].items()})
    return tables


def model_to_json(model: WinModel) -> dict[str, Any]:
    return {"pooled": tables_to_json(model.pooled), "scale": model.scale, "shift": model.shift,
            "trusted": model.trusted,
            "teams": {team: tables_to_json(t) for team, t in model.teams.items()},
            "horizons": {stage: {str(d): n for d, n in c.items()} for stage, c in model.horizons.items()}}


def model_from_json(data: Mapping[str, Any]) -> WinModel:
    return WinModel(tables_from_json(data["pooled"]),
                    {team: tables_from_json(t) for team, t in data["teams"].items()},
                    {stage: Counter({int(d): int(n) for d, n in c.items()}) for stage, c in data["horizons"].items()},
                    float(data.get("scale", 1.0)), float(data.get("shift", 0.0)), bool(data.get("trusted", True)))
