"""The win model against naive Bayes computed by hand on a small table; per-stage rates while history is
short; per-team tables once a team has enough; the horizon from won deals' own timing."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from domain import win_model
from domain.win_model import TEAM_MIN_HISTORY, Example, fit


@pytest.fixture(autouse=True)
def small_history(monkeypatch: pytest.MonkeyPatch) -> None:
    """The hand-computed table has 40 samples: let the model speak from 30 (the product waits for more)."""
    monkeypatch.setattr(win_model, "MIN_HISTORY", 30)


def table() -> list[Example]:
    """40 closed negotiation-stage deals: 16 won (12 fresh, 4 stale; 10 制造, 6 零售), 24 lost (6 fresh,
    18 stale; 8 制造, 16 零售). Idle and industry are independent within each class."""
    rows: list[Example] = []
    for won, idle, industry, count in ((True, "fresh", "制造", 8), (True, "fresh", "零售", 4),
                                       (True, "stale", "制造", 2), (True, "stale", "零售", 2),
                                       (False, "fresh", "制造", 2), (False, "fresh", "零售", 4),
                                       (False, "stale", "制造", 6), (False, "stale", "零售", 12)):
        rows += [Example({"stage": "negotiation", "idle": idle, "industry": industry}, won,
                         days_to_win=10 if won else None) for _ in range(count)]
    return rows


def by_hand(idle: str, industry: str) -> float:
    prior = (16 + 2 * 0.6) / (40 + 2)  # smoothed towards negotiation's base rate 0.6 with α = 1
    idle_won = {"fresh": 12, "stale": 4}[idle]
    idle_lost = {"fresh": 6, "stale": 18}[idle]
    ind_won = {"制造": 10, "零售": 6}[industry]
    ind_lost = {"制造": 8, "零售": 16}[industry]
    log_odds = (math.log(prior / (1 - prior)) + math.log(((idle_won + 1) / 18) / ((idle_lost + 1) / 26))
                + math.log(((ind_won + 1) / 18) / ((ind_lost + 1) / 26)))
    return 1 / (1 + math.exp(-log_odds))


def test_scores_are_naive_bayes_computed_by_hand_then_platt_scaled() -> None:
    model = fit(table())
    raw = replace(model, scale=1.0, shift=0.0)
    assert (model.scale, model.shift) != (1.0, 0.0)
    for idle in ("fresh", "stale"):
        for industry in ("制造", "零售"):
            features = {"stage": "negotiation", "idle": idle, "industry": industry}
            assert raw.score(features).p_win == round(by_hand(idle, industry), 3), (idle, industry)
            p = by_hand(idle, industry)
            scaled = 1 / (1 + math.exp(-(model.scale * math.log(p / (1 - p)) + model.shift)))
            score = model.score(features)
            assert score.p_win == round(scaled, 3) and score.source == "pooled"
    stale = model.score({"stage": "negotiation", "idle": "stale", "industry": "制造"})
    assert [(f.feature, f.value) for f in stale.factors] == [("idle", "stale"), ("industry", "制造")]
    assert stale.factors[0].weight == math.log((5 / 18) / (19 / 26)) < 0 < stale.factors[1].weight


def test_a_value_never_seen_is_smoothed_not_fatal() -> None:
    score = fit(table()).score({"stage": "negotiation", "idle": "fresh", "industry": "能源"})
    assert 0.02 <= score.p_win <= 0.95 and any(f.value == "能源" for f in score.factors)


def test_with_little_history_the_stage_rates_answer_and_say_so() -> None:
    model = fit(table()[:win_model.MIN_HISTORY - 1])
    score = model.score({"stage": "proposal", "idle": "stale"})
    assert (score.p_win, score.source, score.factors) == (0.3, "stage_rates", ())


def test_a_team_with_enough_history_gets_its_own_tables() -> None:
    own = [Example({"stage": "negotiation", "idle": "stale"}, won=True, team="华东一组")
           for _ in range(TEAM_MIN_HISTORY)]
    model = fit(table() + own)
    east = model.score({"stage": "negotiation", "idle": "stale"}, team="华东一组")
    south = model.score({"stage": "negotiation", "idle": "stale"}, team="华南一组")
    assert (east.source, south.source) == ("team", "pooled")
    assert east.p_win > 0.9 > south.p_win  # in 华东一组 stale negotiations were all won


def test_the_horizon_share_comes_from_when_won_deals_were_won() -> None:
    rows = table()
    rows[0] = Example(rows[0].features, True, days_to_win=45)  # one of the 16 won deals took 45 days
    model = fit(rows)
    assert model.within_horizon("negotiation") == 15 / 16
    assert model.within_horizon("proposal") == 0.5  # no won deal seen there: half
    score = model.score({"stage": "negotiation", "idle": "fresh", "industry": "制造"})
    assert score.p_win_horizon == round(score.p_win * 15 / 16, 3)


def test_platt_scaling_recovers_a_known_over_confidence() -> None:
    """Outcomes drawn with P(won) = σ(0.5·x - 0.3) for raw log-odds x: the fit finds ≈ (0.5, -0.3)."""
    import random

    from domain.win_calibration import Calibrator

    rng, calibrator = random.Random(1), Calibrator()
    for _ in range(20_000):
        x = rng.uniform(-6, 6)
        calibrator.add(x, rng.random() < 1 / (1 + math.exp(-(0.5 * x - 0.3))))
    scale, shift = calibrator.fit()
    assert abs(scale - 0.5) < 0.05 and abs(shift + 0.3) < 0.08
    few = Calibrator()
    few.add(1.0, True)
    assert few.fit() == (1.0, 0.0)  # too few examples: left alone
