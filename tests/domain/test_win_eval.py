"""AUC, Brier score, calibration and the time-split backtest, against values worked out by hand."""

from __future__ import annotations

from pytest import approx

from domain.win_eval import Calibration, auc, brier, calibration


def test_auc_counts_the_pairs_a_won_deal_outranks() -> None:
    # won: 0.9, 0.6; lost: 0.7, 0.2 → pairs (0.9>0.7, 0.9>0.2, 0.6<0.7, 0.6>0.2) = 3 of 4
    assert auc([0.9, 0.7, 0.6, 0.2], [True, False, True, False]) == 0.75
    assert auc([0.5, 0.5], [True, False]) == 0.5  # a tie counts half
    assert auc([0.3, 0.8], [True, True]) == 0.5  # one class only
    assert auc([0.1, 0.2, 0.3], [False, False, True]) == 1.0


def test_brier_is_the_mean_squared_error() -> None:
    assert brier([0.9, 0.2], [True, False]) == approx((0.1 ** 2 + 0.2 ** 2) / 2)
    assert brier([0.5] * 4, [True, False, True, False]) == 0.25


def test_calibration_compares_bands_of_predictions_with_what_happened() -> None:
    rows = calibration([0.1, 0.15, 0.5, 0.55, 1.0], [False, True, True, True, True], bands=2)
    assert rows == [Calibration(0.0, 0.5, 2, 0.125, 0.5), Calibration(0.5, 1.0, 3, (0.5 + 0.55 + 1.0) / 3, 1.0)]
