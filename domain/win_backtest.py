"""`dealbot model evaluate` on the company's own history (issue #13): at each cut-off date a model fitted on
the deals closed before it scores the deals open at it, as they were then; each score is checked against
how the deal ended (deals still open now are left out). The baseline is each stage's won share in the same
history (what the model falls back to). The model is the one `dealbot score` fits (domain.win_training.train_at).
Pure; standard library only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.win_eval import Calibration, auc, brier, calibration
from domain.win_features import features
from domain.win_model import base_rate
from domain.win_snapshot import DealRecord, closed_path, facts_at
from domain.win_training import train_at

EVERY_DAYS = 91  # a cut-off each quarter
MIN_CLOSED = 30  # closed deals before the first cut-off


@dataclass(frozen=True, slots=True)
class Scored:
    team: str
    model: float
    baseline: float
    won: bool


@dataclass(frozen=True, slots=True)
class Summary:
    """One team's (or everyone's: team "") figures."""

    team: str
    count: int
    won: int
    auc: float
    auc_baseline: float
    brier: float
    brier_baseline: float
    calibration: list[Calibration]


def cutoffs(records: Sequence[DealRecord], now: datetime, every: int = EVERY_DAYS,
            start: datetime | None = None) -> list[datetime]:
    """From `start` (default: once a quarter of the closed deals, and at least MIN_CLOSED, had closed)
    every `every` days up to `now`."""
    closed = sorted(found[0][-1].start for r in records if (found := closed_path(r, now)) is not None)
    if start is None:
        if len(closed) <= MIN_CLOSED:
            return []
        start = closed[max(MIN_CLOSED, len(closed) // 4)]
    cuts, cut = [], start
    while cut < now:
        cuts.append(cut)
        cut += timedelta(days=every)
    return cuts


def backtest_records(records: Sequence[DealRecord], cuts: Sequence[datetime], now: datetime) -> list[Scored]:
    """Every deal open at each cut-off and closed by `now`, scored as it was at the cut-off."""
    outcomes = {id(r): found[1] for r in records if (found := closed_path(r, now)) is not None}
    scored = []
    for cut in cuts:
        model, won_stay, _ = train_at(records, cut)
        for record in records:
            if id(record) not in outcomes or (facts := facts_at(record, cut, won_stay)) is None:
                continue
            named = features(facts)
            stage = named["stage"]
            base = model.pooled.prior(stage) if model.speaks else base_rate(stage)
            scored.append(Scored(record.team, model.score(named, team=record.team).p_win, base,
                                 outcomes[id(record)]))
    return scored


def summarize(scored: Sequence[Scored], team: str = "") -> Summary:
    model, base, won = [s.model for s in scored], [s.baseline for s in scored], [s.won for s in scored]
    return Summary(team, len(scored), sum(won), auc(model, won), auc(base, won), brier(model, won),
                   brier(base, won), calibration(model, won))


def by_team(scored: Sequence[Scored]) -> list[Summary]:
    """Everyone first, then each team."""
    teams = sorted({s.team for s in scored})
    return [summarize(scored)] + [summarize([s for s in scored if s.team == t], t) for t in teams]
