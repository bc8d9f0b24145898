"""Deal facts as the win model's categories, and its factors in words (zh and en)."""

from __future__ import annotations

from domain.opportunity import Stage
from domain.win_features import DealFacts, describe, features
from domain.win_model import Example, fit


def facts(**changes: object) -> DealFacts:
    values: dict[str, object] = {"stage": Stage.NEGOTIATION, "days_in_stage": 21, "idle_days": 12,
                                 "activities": 4, "amount": 600_000, "industry": "制造", "region": "华东",
                                 "source": "", "quote_versions": 2, "close_slips": 1, "won_days_in_stage": 9,
                                 "owner": "7"}
    values.update(changes)
    return DealFacts(**values)  # type: ignore[arg-type]


def test_facts_become_categories_relative_to_won_deals() -> None:
    assert features(facts()) == {"stage": "negotiation", "stay": "very_long", "idle": "month", "activity": "some",
                                 "amount": "50w_200w", "industry": "制造", "region": "华东", "source": "unknown",
                                 "quotes": "revised", "slips": "slipped", "owner": "7"}
    assert features(facts(days_in_stage=9))["stay"] == "short"
    assert features(facts(days_in_stage=18))["stay"] == "long"
    assert features(facts(won_days_in_stage=None))["stay"] == "unknown"
    assert features(facts(idle_days=None, activities=0, amount=99_999, quote_versions=0, close_slips=0)) == {
        "stage": "negotiation", "stay": "very_long", "idle": "never", "activity": "none", "amount": "under_10w",
        "industry": "制造", "region": "华东", "source": "unknown", "quotes": "none", "slips": "none", "owner": "7"}
    assert features(facts(owner=""))["owner"] == "unknown"


def test_factors_read_as_a_manager_would_say_them() -> None:
    assert describe("stay", facts()) == "谈判阶段已停留21天，赢单商机一般只需9天"
    assert describe("stay", facts(), "en") == "21 days in Negotiation; won deals typically took 9 days"
    assert describe("stay", facts(days_in_stage=0, won_days_in_stage=1), "en") == (
        "less than a day in Negotiation; won deals typically took 1 day")
    assert describe("idle", facts(idle_days=1), "en") == "no follow-up for 1 day"
    assert describe("idle", facts(idle_days=0)) == "今天刚跟进过"
    assert describe("idle", facts()) == "12天没有跟进"
    assert describe("idle", facts(idle_days=None), "en") == "no follow-up yet"
    assert describe("quotes", facts()) == "报价已改2版"
    assert describe("quotes", facts(quote_versions=0), "en") == "no quote yet"
    assert describe("quotes", facts(quote_versions=1)) == "已报价1版"
    assert describe("owner", facts()) == "这位负责人以往同类商机的输赢"
    assert describe("slips", facts(), "en") == "close date moved 1 time"
    assert describe("amount", facts()) == "金额60万"
    assert describe("industry", facts()) == "行业：制造"
    assert describe("source", facts(), "en") == "source: -"


def test_a_model_over_these_features_learns_that_long_stays_lose() -> None:
    won = [Example(features(facts(days_in_stage=d)), True) for d in (5, 7, 8, 9, 6) * 20]
    lost = [Example(features(facts(days_in_stage=d)), False) for d in (20, 25, 30, 8, 40) * 20]
    model = fit(won + lost)
    slow, quick = model.score(features(facts(days_in_stage=30))), model.score(features(facts(days_in_stage=5)))
    assert slow.p_win < quick.p_win
    assert slow.factors[0].feature == "stay" and slow.factors[0].weight < 0
    assert describe(slow.factors[0].feature, facts(days_in_stage=30)) == "谈判阶段已停留30天，赢单商机一般只需9天"
