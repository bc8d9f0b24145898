"""Fitting the win model in one pass over the closed deals, in bounded memory (issue #13).

A training example's "time in stage" band is relative to the median days won deals spent in that stage,
which is known only once every closed deal was seen. So the pass counts everything else at once and keeps
time in stage as a histogram (team, stage, days, won) -> examples; at the end the medians turn each bucket
into its band, counted into the same tables. The calibration (Platt scaling) is fitted on a uniform sample
of at most SAMPLE examples (reservoir sampling), their bands filled in at the end too. Memory: the tables,
the histogram (bounded by teams × stages × days) and the sample; never the history. The result is the
model `fit(history_at(records, as_of).examples)` gives (the same, while the history has at most SAMPLE
examples). Pure; standard library only.
"""

from __future__ import annotations

import math
import random
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from domain.opportunity import Stage
from domain.win_calibration import Calibrator
from domain.win_eval import brier
from domain.win_features import stay_band
from domain.win_model import Example, ModelBuilder, WinModel, calibrated
from domain.win_snapshot import DealRecord, Stay, StayMedians, closed_path, examples_of

SAMPLE = 50_000
STAY = "stay"
VALIDATION_DAYS = 90  # the recent history a model is checked on
HELD = 5_000  # recent deals kept for the check at most
MIN_CHECKED = 50  # fewer examples to check on: the model is not judged
HELD_SHARE = 0.2  # a short history is checked on its latest fifth of closures


@dataclass(frozen=True, slots=True)
class _Held:
    example: Example
    stage: Stage
    days: int


class Trainer:
    def __init__(self, sample: int = SAMPLE, seed: int = 13) -> None:
        self.closed = 0
        self._medians, self._builder = StayMedians(), ModelBuilder()
        self._stays: Counter[tuple[str, Stage, int, bool]] = Counter()
        self._sample, self._seen, self._held = sample, 0, list[_Held]()
        self._rng = random.Random(seed)

    def add(self, record: DealRecord, path: Sequence[Stay], won: bool) -> None:
        """One deal closed before the training date: its stays and whether it was won."""
        self.closed += 1
        self._medians.add(path, won)
        for example, stay, days in examples_of(record, path, won, {}, with_stay=False):
            self._builder.add(example)
            self._stays[(example.team, stay.stage, days, won)] += 1
            self._keep(_Held(example, stay.stage, days))

    def merge(self, other: Trainer) -> None:
        """Count `other`'s deals too; the calibration sample stays a uniform sample of both."""
        self.closed += other.closed
        for stage, days in other._medians.days.items():
            self._medians.days[stage].update(days)
        self._builder.merge(other._builder)
        self._stays.update(other._stays)
        seen = self._seen + other._seen
        if len(self._held) + len(other._held) > self._sample and seen:
            mine = min(len(self._held), round(self._sample * self._seen / seen))
            theirs = min(len(other._held), self._sample - mine)
            self._held = self._rng.sample(self._held, mine) + self._rng.sample(other._held, theirs)
        else:
            self._held += other._held
        self._seen = seen

    def _keep(self, held: _Held) -> None:
        self._seen += 1
        if len(self._held) < self._sample:
            self._held.append(held)
        elif (slot := self._rng.randrange(self._seen)) < self._sample:
            self._held[slot] = held

    def fit(self) -> tuple[WinModel, dict[Stage, int]]:
        """The calibrated model and the median days of won deals per stage."""
        typical = self._medians.medians()
        model = self._builder.model()
        for (team, stage, days, won), count in self._stays.items():
            band = stay_band(days, typical.get(stage))
            model.pooled.add_value(STAY, band, won, count)
            if team in model.teams:
                model.teams[team].add_value(STAY, band, won, count)
        calibrator = Calibrator()
        if model.speaks:
            for held in self._held:
                features = {**held.example.features, STAY: stay_band(held.days, typical.get(held.stage))}
                calibrator.add(model.log_odds(features, held.example.team)[0], held.example.won)
        return calibrated(model, calibrator), typical


@dataclass(frozen=True, slots=True)
class Check:
    """How a model of the deals closed before the last VALIDATION_DAYS did on the deals closed in them, against
    the per-stage rates of the same history (Brier scores of the same examples)."""

    count: int
    brier: float
    brier_stages: float
    worse: bool = False  # the model's squared errors are larger, by more than twice their standard error

    @property
    def conclusive(self) -> bool:
        return self.count >= MIN_CHECKED

    @property
    def model_wins(self) -> bool:
        return not (self.conclusive and self.worse)


NOT_CHECKED = Check(0, 0.0, 0.0)


class GuardedTrainer:
    """A Trainer that also checks its model on recent history: the deals closed in the last VALIDATION_DAYS
    are scored (as they were while open) by a model of the deals closed before them. A model that does not
    beat the per-stage rates there is not trusted: the per-stage rates answer instead, and say so. Every
    deal is counted once (the two halves' counts are merged for the final model); at most HELD recent deals
    are kept for the check."""

    def __init__(self, as_of: datetime, latest_share: datetime | None = None) -> None:
        """`latest_share`: when the last HELD_SHARE of the closed deals began to close (a short history is
        checked on its last fifth, a long one on its last VALIDATION_DAYS)."""
        self.cut = max(as_of - timedelta(days=VALIDATION_DAYS), latest_share or as_of - timedelta(days=VALIDATION_DAYS))
        self.old, self.recent = Trainer(), Trainer(seed=29)
        self._held: list[tuple[DealRecord, Sequence[Stay], bool]] = []
        self._seen, self._rng, self._merged = 0, random.Random(31), False

    @property
    def closed(self) -> int:
        return self.old.closed + (0 if self._merged else self.recent.closed)

    def add(self, record: DealRecord, path: Sequence[Stay], won: bool) -> None:
        if path[-1].start < self.cut:
            self.old.add(record, path, won)
            return
        self.recent.add(record, path, won)
        self._seen += 1
        if len(self._held) < HELD:
            self._held.append((record, path, won))
        elif (slot := self._rng.randrange(self._seen)) < HELD:
            self._held[slot] = (record, path, won)

    def fit(self) -> tuple[WinModel, dict[Stage, int], Check]:
        """The model of every closed deal. Where the recent history is enough to judge (Check.conclusive), its
        Platt scaling is the one fitted on the recent deals' out-of-sample log-odds (an in-sample fit keeps
        what naive Bayes over-learned), and a model clearly worse than the stage rates there is not trusted."""
        older, older_stay = self.old.fit()
        check, calibrator = self._check(older, older_stay)
        self.old.merge(self.recent)
        self._merged = True
        model, typical = self.old.fit()
        if check.conclusive and model.speaks:
            scale, shift = calibrator.fit()
            model = replace(model, scale=scale, shift=shift, trusted=check.model_wins)
        return model, typical, check

    def _check(self, older: WinModel, older_stay: dict[Stage, int]) -> tuple[Check, Calibrator]:
        calibrator = Calibrator()
        if not older.speaks:
            return NOT_CHECKED, calibrator
        model, stages, outcomes = [], [], []
        for record, path, won in self._held:
            for example, _, _ in examples_of(record, path, won, older_stay):
                model.append(older.score(example.features, example.team).p_win)
                stages.append(older.pooled.prior(example.features["stage"]))
                outcomes.append(won)
                calibrator.add(older.log_odds(example.features, example.team)[0], won)
        return Check(len(outcomes), brier(model, outcomes), brier(stages, outcomes),
                     _clearly_worse(model, stages, outcomes)), calibrator


def _clearly_worse(model: Sequence[float], stages: Sequence[float], outcomes: Sequence[bool]) -> bool:
    """A paired test on the squared errors: the model's mean excess over the stage rates' is above twice
    its standard error (chance alone rarely does that)."""
    excess = [(m - o) ** 2 - (s - o) ** 2 for m, s, o in zip(model, stages, outcomes, strict=True)]
    if len(excess) < 2:
        return False
    return statistics.fmean(excess) > 2 * statistics.stdev(excess) / math.sqrt(len(excess))


def train_at(records: Iterable[DealRecord], as_of: datetime) -> tuple[WinModel, dict[Stage, int], Check]:
    """What `dealbot score` fits at `as_of`, from records in memory (the backtest's way)."""
    closed = [(record, *found) for record in records if (found := closed_path(record, as_of)) is not None]
    ends = sorted(path[-1].start for _, path, _ in closed)
    latest = ends[min(len(ends) - 1, int(len(ends) * (1 - HELD_SHARE)))] if ends else None
    trainer = GuardedTrainer(as_of, latest)
    for record, path, won in closed:
        trainer.add(record, path, won)
    return trainer.fit()
