"""On a synthetic company whose hidden rules the model never sees by name (bench/win_company.py), the win
model beats the per-stage baseline out of sample, on AUC and on Brier score — through the same backtest that
`dealbot model evaluate` runs (domain.win_backtest)."""

from __future__ import annotations

from datetime import timedelta

from bench.win_company import START, company
from domain.win_backtest import backtest_records, by_team, cutoffs


def test_the_model_beats_the_per_stage_rates_out_of_sample() -> None:
    records = [t.record() for t in company(1500, seed=3)]
    end = START + timedelta(days=3 * 365 + 60)
    everyone, *teams = by_team(backtest_records(records, cutoffs(records, end, every=45), end))
    assert everyone.count > 800 and len(teams) == 4
    assert everyone.auc > everyone.auc_baseline + 0.1
    assert everyone.brier < everyone.brier_baseline - 0.03


def test_the_company_is_the_same_for_a_seed() -> None:
    assert company(50, seed=5) == company(50, seed=5) != company(50, seed=6)
