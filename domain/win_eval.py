"""How good a win model is, on the company's own history: AUC, Brier score and a calibration table.

The time-split backtest that uses them is domain.win_backtest. Pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Calibration:
    low: float  # the band of predicted probabilities [low, high)
    high: float
    count: int
    predicted: float  # mean prediction in the band
    observed: float  # share won in the band


def auc(scores: Sequence[float], outcomes: Sequence[bool]) -> float:
    """Probability that a random won deal scored higher than a random lost one (ties count half); 0.5 when
    one class is missing. Rank-based (Mann–Whitney U), O(n log n)."""
    won = sum(outcomes)
    lost = len(outcomes) - won
    if not won or not lost:
        return 0.5
    ranked = sorted(zip(scores, outcomes, strict=True), key=lambda pair: pair[0])
    rank_sum, i = 0.0, 0
    while i < len(ranked):
        j = i
        while j < len(ranked) and ranked[j][0] == ranked[i][0]:
            j += 1
        mean_rank = (i + 1 + j) / 2  # ranks i+1 … j share their mean
        rank_sum += mean_rank * sum(1 for _, outcome in ranked[i:j] if outcome)
        i = j
    return (rank_sum - won * (won + 1) / 2) / (won * lost)


def brier(scores: Sequence[float], outcomes: Sequence[bool]) -> float:
    """Mean squared error of the probabilities (0 is perfect; always guessing 0.5 gives 0.25)."""
    if not scores:
        return 0.0
    return sum((p - float(o)) ** 2 for p, o in zip(scores, outcomes, strict=True)) / len(scores)


def calibration(scores: Sequence[float], outcomes: Sequence[bool], bands: int = 5) -> list[Calibration]:
    """Predicted against observed, in `bands` equal-width bands of probability (empty bands left out)."""
    rows = []
    for band in range(bands):
        low, high = band / bands, (band + 1) / bands
        inside = [(p, o) for p, o in zip(scores, outcomes, strict=True)
                  if low <= p < high or (band == bands - 1 and p == 1.0)]
        if inside:
            rows.append(Calibration(low, high, len(inside), sum(p for p, _ in inside) / len(inside),
                                    sum(1 for _, o in inside if o) / len(inside)))
    return rows
