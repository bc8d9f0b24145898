from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from domain.billing import PaymentMilestone
from domain.health import HealthFacts, health_facts, health_score
from domain.money import Money
from domain.opportunity import Opportunity, Stage

NOW = datetime(2024, 5, 20, 10, 0, tzinfo=timezone(timedelta(hours=8)))


def test_best_possible_customer_scores_100() -> None:
    facts = HealthFacts(days_since_contact=2, open_deals=1, won_deals=3, ratings=(5, 5))
    assert health_score(facts) == 100


def test_unknown_customer_scores_only_neutral_parts() -> None:
    # payments 20 + track record 5 + satisfaction 10
    assert health_score(HealthFacts()) == 35


def test_recency_fades_linearly_between_a_week_and_ninety_days() -> None:
    scores = [health_score(HealthFacts(days_since_contact=d)) for d in (7, 48, 90, 400)]
    assert scores == [65, 50, 35, 35]


def test_overdue_payments_and_bad_ratings_lower_the_score() -> None:
    good = HealthFacts(days_since_contact=3, open_deals=1, won_deals=1, ratings=(4,))
    bad = HealthFacts(days_since_contact=3, open_deals=1, won_deals=1, ratings=(1,), overdue_payments=1)
    assert health_score(good) - health_score(bad) == 15 + 10


def test_score_stays_within_0_and_100() -> None:
    worst = HealthFacts(days_since_contact=None, lost_deals=5, overdue_payments=9, ratings=(0, -3))
    assert health_score(worst) == 0
    best = HealthFacts(days_since_contact=0, open_deals=9, won_deals=9, ratings=(9,))
    assert health_score(best) == 100


def test_facts_are_collected_from_records() -> None:
    deals = [Opportunity(1, "a", stage=Stage.WON), Opportunity(1, "b", stage=Stage.LOST),
             Opportunity(1, "c", stage=Stage.PROPOSAL)]
    milestones = [PaymentMilestone(1, 1, Money(Decimal(10)), date(2024, 5, 1)),
                  PaymentMilestone(1, 2, Money(Decimal(10)), date(2024, 4, 1), paid=Money(Decimal(10)))]
    facts = health_facts(NOW, deals, NOW - timedelta(days=4, hours=2), milestones, [4, 5])
    assert facts == HealthFacts(days_since_contact=4, open_deals=1, won_deals=1, lost_deals=1,
                                overdue_payments=1, ratings=(4, 5))
