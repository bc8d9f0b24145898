"""The win model against the per-stage baseline on a synthetic company's history (issue #13).

    .venv/bin/python bench/win_model.py [--deals 4000] [--seeds 7,8,9]

Time split: at each quarter from the second year on, a model fitted on the deals closed before the quarter
scores the deals closed during it, as they looked while open (bench/win_company.py). The baseline is each
stage's won share among the same history. Printed per seed: AUC and Brier score of both, overall and per team,
and the model's calibration table; then min / median / max over the seeds.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

sys.path.pop(0)  # not bench/ itself: bench/dingtalk_stream.py would hide the `dingtalk_stream` SDK
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.win_company import START, ClosedDeal, company
from domain.opportunity import Stage
from domain.win_eval import Backtest, auc, backtest, brier, calibration
from domain.win_features import features
from domain.win_model import Example, WinModel, fit

CUTOFFS = [float((START + timedelta(days=365 + 91 * q)).toordinal()) for q in range(8)]
OPEN = (Stage.INITIAL_CONTACT, Stage.PROPOSAL, Stage.NEGOTIATION)


def won_stays(history: Sequence[ClosedDeal]) -> dict[Stage, int]:
    """Median days won deals spent in each stage."""
    days: dict[Stage, list[int]] = defaultdict(list)
    for d in history:
        if d.won:
            for stage, stay in zip(OPEN, d.stage_days, strict=False):
                days[stage].append(stay)
    return {stage: int(statistics.median(v)) for stage, v in days.items()}


class ModelPredictor:
    """Fits once per history (each cut-off), then scores that quarter's deals."""

    def __init__(self) -> None:
        self._fitted: tuple[int, WinModel, dict[Stage, int]] | None = None

    def __call__(self, history: Sequence[ClosedDeal], deal: ClosedDeal) -> float:
        if self._fitted is None or self._fitted[0] != len(history):
            stays = won_stays(history)
            model = fit(Example(features(replace(d.facts, won_days_in_stage=stays.get(d.facts.stage))), d.won,
                                d.team, d.days_to_close if d.won else None) for d in history)
            self._fitted = (len(history), model, stays)
        _, model, stays = self._fitted
        facts = replace(deal.facts, won_days_in_stage=stays.get(deal.facts.stage))
        return model.score(features(facts), team=deal.team).p_win


def baseline_predict(history: Sequence[ClosedDeal], deal: ClosedDeal) -> float:
    same = [d.won for d in history if d.facts.stage is deal.facts.stage]
    return (sum(same) + 1) / (len(same) + 2)


def run(deals: list[ClosedDeal], predict: Callable[[Sequence[ClosedDeal], ClosedDeal], float]) -> Backtest:
    return backtest(deals, lambda d: float(d.closed.toordinal()), lambda d: d.won, predict, CUTOFFS)


def per_team(deals: list[ClosedDeal], model: Backtest, base: Backtest) -> list[str]:
    scored = sorted((d for d in deals if d.closed.toordinal() >= CUTOFFS[0]), key=lambda d: d.closed.toordinal())
    lines = []

    def pick(result: Backtest, idx: list[int]) -> tuple[list[float], list[bool]]:
        return [result.scores[j] for j in idx], [result.outcomes[j] for j in idx]

    for team in sorted({d.team for d in scored}):
        idx = [i for i, d in enumerate(scored) if d.team == team]
        m, b = pick(model, idx), pick(base, idx)
        lines.append(f"    {team}: n={len(idx)}  AUC model {auc(*m):.3f} / stage {auc(*b):.3f}  "
                     f"Brier model {brier(*m):.3f} / stage {brier(*b):.3f}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deals", type=int, default=4000)
    parser.add_argument("--seeds", default="7,8,9")
    args = parser.parse_args()
    results = []
    for seed in (int(s) for s in args.seeds.split(",")):
        deals = company(args.deals, seed)
        started = time.perf_counter()
        model, base = run(deals, ModelPredictor()), run(deals, baseline_predict)
        elapsed = time.perf_counter() - started
        results.append((model.auc, base.auc, model.brier, base.brier))
        print(f"[seed {seed}] {args.deals} deals, {len(model.scores)} scored out of sample ({elapsed:.1f} s): "
              f"AUC model {model.auc:.3f} vs per-stage {base.auc:.3f}; Brier model {model.brier:.3f} vs "
              f"per-stage {base.brier:.3f}")
        print("\n".join(per_team(deals, model, base)))
        for row in calibration(model.scores, model.outcomes):
            print(f"    predicted {row.low:.1f}–{row.high:.1f}: n={row.count:4d}  mean {row.predicted:.3f}  "
                  f"won {row.observed:.3f}")
    for i, name in enumerate(("AUC model", "AUC per-stage", "Brier model", "Brier per-stage")):
        values = sorted(r[i] for r in results)
        print(f"{name}: min / median / max {values[0]:.3f} / {statistics.median(values):.3f} / {values[-1]:.3f}")


if __name__ == "__main__":
    main()
