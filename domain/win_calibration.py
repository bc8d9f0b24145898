"""Platt scaling for the win model: naive Bayes adds up the evidence of features as if they were independent
(a deal followed up often is also a deal that is rarely idle), so its raw probabilities are too sure of
themselves. P(won) = σ(scale · log-odds + shift), with scale and shift fitted by maximum likelihood on the
training examples' own log-odds. The log-odds are counted in bins (BIN wide), so memory stays bounded
however many examples there are. Pure; standard library only.
"""

from __future__ import annotations

import math
from collections import Counter

BIN = 0.05  # log-odds resolution of the counts
MIN_EXAMPLES = 30  # fewer, or one class only: no scaling (1, 0)
RIDGE = 1.0  # pulls (scale, shift) towards (1, 0): a few examples cannot swing it far
ITERATIONS = 25
MAX_STEP = 2.0


def sigmoid(z: float) -> float:
    """1 / (1 + e^-z), without overflow for any z."""
    z = max(-35.0, min(35.0, z))
    return 1 / (1 + math.exp(-z))


class Calibrator:
    def __init__(self) -> None:
        self.counts: Counter[tuple[int, bool]] = Counter()

    def add(self, log_odds: float, won: bool) -> None:
        self.counts[(round(log_odds / BIN), won)] += 1

    def fit(self) -> tuple[float, float]:
        """(scale, shift) by Newton's method on the penalized log-likelihood."""
        won = sum(n for (_, w), n in self.counts.items() if w)
        lost = sum(n for (_, w), n in self.counts.items() if not w)
        if won + lost < MIN_EXAMPLES or not won or not lost:
            return 1.0, 0.0
        rows = [(key * BIN, float(w), n) for (key, w), n in self.counts.items()]
        a, b = 1.0, 0.0
        for _ in range(ITERATIONS):
            ga, gb = -RIDGE * (a - 1), -RIDGE * b  # gradient of the log-likelihood minus the ridge
            haa, hab, hbb = RIDGE, 0.0, RIDGE  # minus the Hessian
            for x, y, n in rows:
                p = sigmoid(a * x + b)
                ga += n * (y - p) * x
                gb += n * (y - p)
                w = n * p * (1 - p)
                haa, hab, hbb = haa + w * x * x, hab + w * x, hbb + w
            det = haa * hbb - hab * hab
            if det <= 0:
                break
            step_a = max(-MAX_STEP, min(MAX_STEP, (hbb * ga - hab * gb) / det))  # damped: separable data
            step_b = max(-MAX_STEP, min(MAX_STEP, (haa * gb - hab * ga) / det))  # cannot throw it off
            a, b = a + step_a, b + step_b
            if abs(step_a) + abs(step_b) < 1e-9:
                break
        return round(a, 6), round(b, 6)
