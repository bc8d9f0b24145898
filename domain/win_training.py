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

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from domain.opportunity import Stage
from domain.win_calibration import Calibrator
from domain.win_features import stay_band
from domain.win_model import Example, ModelBuilder, WinModel, calibrated
from domain.win_snapshot import DealRecord, Stay, StayMedians, examples_of

SAMPLE = 50_000
STAY = "stay"


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
