"""On a synthetic company whose hidden rules the model never sees by name (bench/win_company.py), the win
model beats the per-stage baseline out of sample, on AUC and on Brier score — through the same backtest that
`dealbot model evaluate` runs (domain.win_backtest)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from bench.win_company import START, company
from domain.money import Money
from domain.opportunity import LostReason, Opportunity, Stage
from domain.win_backtest import backtest_records, by_team, cutoffs
from domain.win_snapshot import DealRecord
from domain.win_training import train_at


def test_the_model_beats_the_per_stage_rates_out_of_sample() -> None:
    records = [t.record() for t in company(1500, seed=3)]
    end = START + timedelta(days=3 * 365 + 60)
    everyone, *teams = by_team(backtest_records(records, cutoffs(records, end, every=45), end))
    assert everyone.count > 800 and len(teams) == 4
    assert everyone.auc > everyone.auc_baseline + 0.1
    assert everyone.brier < everyone.brier_baseline - 0.03


def test_the_company_is_the_same_for_a_seed() -> None:
    assert company(50, seed=5) == company(50, seed=5) != company(50, seed=6)


def _deal(n: int, start: datetime, industry: str, won: bool) -> DealRecord:
    """Proposal after 10 days, then won after 30 more or lost after 20; a follow-up a week."""
    deal = Opportunity(1, f"项目{n}", created_at=start, id=n, amount=Money(Decimal(300_000)))
    deal.advance_to(Stage.PROPOSAL, by=None, at=start + timedelta(days=10))
    if won:
        deal.advance_to(Stage.NEGOTIATION, by=None, at=start + timedelta(days=25))
        deal.win(by=None, at=start + timedelta(days=40))
    else:
        deal.lose(LostReason.PRICE, by=None, at=start + timedelta(days=30))
    follow = [start + timedelta(days=d) for d in range(0, 30, 7)]
    return DealRecord(deal, follow, (), (), industry, "华东")


def test_a_model_the_latest_deals_prove_wrong_gives_way_to_the_stage_rates() -> None:
    """Until recently 制造 won and 零售 lost; lately it is the other way round. Checked on the latest fifth,
    the model is clearly worse than the stage rates: it is not trusted, and the stage rates answer."""
    start = datetime(2025, 1, 1, tzinfo=UTC)
    records = [_deal(n, start + timedelta(days=n), "制造" if n % 2 else "零售", n % 2 == (n < 400))
               for n in range(500)]
    model, _, check = train_at(records, start + timedelta(days=560))
    assert check.conclusive and check.worse and check.brier > check.brier_stages
    assert not model.trusted
    score = model.score({"stage": "proposal", "industry": "制造"})
    assert (score.source, score.factors, score.p_win) == ("stage_rates", (), round(model.pooled.prior("proposal"), 3))


def test_a_model_the_latest_deals_bear_out_is_trusted_and_calibrated_on_them() -> None:
    records = [t.record() for t in company(1500, seed=3)]
    model, _, check = train_at(records, START + timedelta(days=3 * 365 + 60))
    assert check.conclusive and not check.worse and check.brier < check.brier_stages
    assert model.trusted and (model.scale, model.shift) != (1.0, 0.0)
