from datetime import datetime, timedelta, timezone
from decimal import Decimal
from itertools import pairwise

from domain.funnel import funnel, reached_stages
from domain.money import USD, Money
from domain.opportunity import Opportunity, Stage, StageChange

NOW = datetime(2024, 5, 20, 10, 0, tzinfo=timezone(timedelta(hours=8)))
LADDER = [Stage.INITIAL_CONTACT, Stage.PROPOSAL, Stage.NEGOTIATION, Stage.WON]


def walked(*stages: Stage, amount: str | None = "100000", created: datetime = NOW) -> Opportunity:
    """A deal created at initial contact that moved through `stages` in order."""
    path = [Stage.INITIAL_CONTACT, *stages]
    history = [StageChange(a, b, created, 7) for a, b in pairwise(path)]
    return Opportunity(customer_id=1, name="d", stage=path[-1], history=history, created_at=created,
                       amount=Money(Decimal(amount)) if amount is not None else None)


def test_reached_stages_follow_history_and_imply_earlier_ones() -> None:
    assert reached_stages(walked(Stage.PROPOSAL, Stage.LOST)) == tuple(LADDER[:2])
    assert reached_stages(walked(Stage.PROPOSAL, Stage.NEGOTIATION, Stage.PROPOSAL)) == tuple(LADDER[:3])
    imported = Opportunity(customer_id=1, name="d", stage=Stage.NEGOTIATION)
    assert reached_stages(imported) == tuple(LADDER[:3])
    assert reached_stages(Opportunity(customer_id=1, name="d", stage=Stage.LOST)) == (Stage.INITIAL_CONTACT,)


def sample() -> list[Opportunity]:
    return [
        walked(amount="200000"),
        walked(Stage.PROPOSAL, amount="300000"),
        walked(Stage.PROPOSAL, Stage.NEGOTIATION, amount="500000"),
        walked(Stage.PROPOSAL, Stage.NEGOTIATION, Stage.WON, amount="400000"),
        walked(Stage.LOST, amount=None),
        walked(Stage.PROPOSAL, Stage.LOST, amount="100000"),
    ]


def test_counts_and_amounts_per_stage() -> None:
    report = funnel(sample())
    assert report.total == 6
    assert [(s.stage, s.count, s.amount.amount) for s in report.stages] == [
        (Stage.INITIAL_CONTACT, 1, Decimal(200000)), (Stage.PROPOSAL, 1, Decimal(300000)),
        (Stage.NEGOTIATION, 1, Decimal(500000)), (Stage.WON, 1, Decimal(400000)),
        (Stage.LOST, 2, Decimal(100000))]
    assert report.stage(Stage.WON).count == 1


def test_stage_to_stage_conversion() -> None:
    report = funnel(sample())
    assert [(c.source, c.target, c.reached_source, c.reached_target) for c in report.conversions] == [
        (Stage.INITIAL_CONTACT, Stage.PROPOSAL, 6, 4), (Stage.PROPOSAL, Stage.NEGOTIATION, 4, 2),
        (Stage.NEGOTIATION, Stage.WON, 2, 1)]
    assert report.conversions[0].rate == 4 / 6


def test_win_rate_and_weighted_forecast_of_open_deals() -> None:
    report = funnel(sample())
    assert report.win_rate == 1 / 3
    assert report.forecast == Money(Decimal("20000") + Decimal("90000") + Decimal("300000"))


def test_forecast_can_use_custom_probabilities() -> None:
    report = funnel(sample(), probability=lambda o: 0.5)
    assert report.forecast == Money(Decimal(500000))


def test_since_keeps_only_deals_created_in_the_period() -> None:
    old = walked(Stage.PROPOSAL, created=NOW - timedelta(days=40))
    undated = Opportunity(customer_id=1, name="d")
    report = funnel([*sample(), old, undated], since=NOW - timedelta(days=30))
    assert report.total == 6 and report.since == NOW - timedelta(days=30)
    assert funnel([old, undated]).total == 2


def test_empty_funnel_has_no_rates() -> None:
    report = funnel([])
    assert report.win_rate is None and all(c.rate is None for c in report.conversions)
    assert report.forecast == Money(Decimal(0))


def test_other_currencies_are_counted_but_not_summed() -> None:
    usd = walked(Stage.PROPOSAL)
    usd.amount = Money(Decimal(1000), USD)
    report = funnel([usd])
    assert report.stage(Stage.PROPOSAL).count == 1
    assert report.stage(Stage.PROPOSAL).amount == Money(Decimal(0)) and report.forecast == Money(Decimal(0))
