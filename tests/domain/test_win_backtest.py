"""On a synthetic company whose hidden rules the model never sees by name (bench/win_company.py), the win
model beats the per-stage baseline out of sample, on AUC and on Brier score."""

from __future__ import annotations

from bench.win_company import company
from bench.win_model import ModelPredictor, baseline_predict, run


def test_the_model_beats_the_per_stage_rates_out_of_sample() -> None:
    deals = company(1500, seed=3)
    model, base = run(deals, ModelPredictor()), run(deals, baseline_predict)
    assert len(model.scores) == len(base.scores) > 800  # the deals closed after the first cut-off
    assert model.auc > base.auc + 0.1
    assert model.brier < base.brier - 0.03


def test_the_company_is_the_same_for_a_seed() -> None:
    assert company(50, seed=5) == company(50, seed=5) != company(50, seed=6)
