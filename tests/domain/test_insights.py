from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from domain.billing import PaymentMilestone
from domain.insights import (
    MAX_OPEN_PROBABILITY,
    RiskFlag,
    RiskKind,
    idle_days,
    is_stalled,
    last_touch,
    risk_flags,
    win_probability,
)
from domain.money import Money
from domain.opportunity import Opportunity, Stage, StageChange

NOW = datetime(2024, 5, 20, 10, 0, tzinfo=timezone(timedelta(hours=8)))


def days_ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def deal(stage: Stage = Stage.PROPOSAL, created_days_ago: float = 30, **kwargs: object) -> Opportunity:
    return Opportunity(customer_id=1, name="ERP", stage=stage, created_at=days_ago(created_days_ago),
                       next_step="发方案", **kwargs)  # type: ignore[arg-type]


def test_last_touch_is_the_latest_known_event() -> None:
    opp = deal(last_contact_at=days_ago(5),
               history=[StageChange(Stage.INITIAL_CONTACT, Stage.PROPOSAL, days_ago(3), 7)])
    assert last_touch(opp) == days_ago(3)
    assert last_touch(opp, days_ago(1)) == days_ago(1)
    assert idle_days(opp, NOW, days_ago(1.5)) == 1
    assert last_touch(Opportunity(customer_id=1, name="x")) is None


@pytest.mark.parametrize(("stage", "quiet", "stalled"), [
    (Stage.INITIAL_CONTACT, 13, False), (Stage.INITIAL_CONTACT, 14, True),
    (Stage.PROPOSAL, 9, False), (Stage.PROPOSAL, 10, True),
    (Stage.NEGOTIATION, 6, False), (Stage.NEGOTIATION, 7, True),
])
def test_stall_thresholds_depend_on_the_stage(stage: Stage, quiet: int, stalled: bool) -> None:
    assert is_stalled(deal(stage), NOW, last_activity=days_ago(quiet)) is stalled


def test_thresholds_can_be_configured() -> None:
    assert is_stalled(deal(Stage.PROPOSAL), NOW, days_ago(3), {Stage.PROPOSAL: 3})
    assert not is_stalled(deal(Stage.PROPOSAL), NOW, days_ago(300), {})


def test_closed_deals_and_deals_with_no_dates_never_stall() -> None:
    assert not is_stalled(deal(Stage.WON), NOW, days_ago(100))
    assert not is_stalled(Opportunity(customer_id=1, name="x"), NOW)


def test_a_fresh_deal_without_activity_is_judged_from_its_creation() -> None:
    assert not is_stalled(deal(Stage.INITIAL_CONTACT, created_days_ago=2), NOW)
    assert is_stalled(deal(Stage.INITIAL_CONTACT, created_days_ago=20), NOW)


def test_healthy_deal_has_no_flags() -> None:
    opp = deal(next_at=NOW + timedelta(days=2))
    assert risk_flags(opp, NOW, last_activity=days_ago(1)) == []


def test_stalled_and_overdue_next_step_are_flagged() -> None:
    opp = deal(Stage.NEGOTIATION, next_at=days_ago(3))
    flags = risk_flags(opp, NOW, last_activity=days_ago(8))
    assert flags == [RiskFlag(RiskKind.STALLED, 8), RiskFlag(RiskKind.NEXT_STEP_OVERDUE, 3)]
    assert flags[0].describe("zh") == "已 8 天没有跟进"
    assert flags[1].describe("en") == "Next step overdue by 3 days"


def test_deal_without_next_step_is_flagged() -> None:
    opp = Opportunity(customer_id=1, name="x", created_at=days_ago(1))
    assert risk_flags(opp, NOW) == [RiskFlag(RiskKind.NO_NEXT_STEP)]
    assert RiskFlag(RiskKind.NO_NEXT_STEP).describe("zh") == "没有计划下一步"


def test_won_deal_is_flagged_only_for_overdue_payments() -> None:
    milestones = [
        PaymentMilestone(1, 1, Money(Decimal(300000)), date(2024, 5, 10)),
        PaymentMilestone(1, 2, Money(Decimal(200000)), date(2024, 5, 15), paid=Money(Decimal(50000))),
        PaymentMilestone(1, 3, Money(Decimal(500000)), date(2024, 8, 1)),
    ]
    opp = Opportunity(customer_id=1, name="x", stage=Stage.WON, created_at=days_ago(90))
    flags = risk_flags(opp, NOW, milestones)
    assert flags == [RiskFlag(RiskKind.PAYMENT_OVERDUE, 10, Money(Decimal(450000)))]
    assert flags[0].describe("zh") == "回款 45万 已逾期 10 天"
    assert flags[0].describe("en") == "Payment of ¥450,000 overdue by 10 days"


def test_lost_deals_carry_no_flags() -> None:
    old = [PaymentMilestone(1, 1, Money(Decimal(1)), date(2020, 1, 1))]
    assert risk_flags(deal(Stage.LOST), NOW, old, last_activity=days_ago(100)) == []


@pytest.mark.parametrize(("stage", "expected"), [
    (Stage.INITIAL_CONTACT, 0.1), (Stage.PROPOSAL, 0.3), (Stage.NEGOTIATION, 0.6),
    (Stage.WON, 1.0), (Stage.LOST, 0.0),
])
def test_base_rate_per_stage_with_neutral_activity(stage: Stage, expected: float) -> None:
    # idle between half the stage's stall threshold and the threshold, 1–2 follow-ups: no adjustment
    opp = deal(stage)
    neutral = {Stage.INITIAL_CONTACT: 10, Stage.PROPOSAL: 8, Stage.NEGOTIATION: 5}.get(stage, 0)
    assert win_probability(opp, NOW, followups_count=2, last_activity=days_ago(neutral)) == expected


def test_recent_frequent_contact_raises_probability() -> None:
    opp = deal(Stage.PROPOSAL)
    assert win_probability(opp, NOW, 6, days_ago(1)) == pytest.approx(0.3 * 1.1 * 1.2)


def test_neglect_lowers_probability() -> None:
    opp = deal(Stage.NEGOTIATION)
    assert win_probability(opp, NOW, 0, days_ago(30)) == pytest.approx(0.6 * 0.5 * 0.8)
    assert win_probability(opp, NOW, 2, days_ago(10)) == pytest.approx(0.6 * 0.75)


def test_open_deal_probability_is_clamped() -> None:
    opp = deal(Stage.NEGOTIATION)
    high = win_probability(opp, NOW, 10, days_ago(0), thresholds={Stage.NEGOTIATION: 7})
    assert high <= MAX_OPEN_PROBABILITY
    assert win_probability(deal(Stage.INITIAL_CONTACT), NOW, 0, days_ago(300)) >= 0.02
