"""Customer health score (0..100) from a few plain facts about the relationship."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from domain.billing import PaymentMilestone
from domain.opportunity import Opportunity, Stage
from domain.payments import overdue

RECENCY_POINTS = 30  # contact within FRESH_DAYS: all; fading linearly to 0 at STALE_DAYS
PIPELINE_POINTS = 20  # an open deal: all; only won deals: half; nothing: 0
TRACK_RECORD_POINTS = 10  # share of closed deals that were won; no closed deal: half
PAYMENT_POINTS = 20  # minus OVERDUE_PENALTY per overdue payment milestone
SATISFACTION_POINTS = 20  # average delivery rating 1..5 mapped to 0..20; no rating: half
FRESH_DAYS = 7
STALE_DAYS = 90
OVERDUE_PENALTY = 10


@dataclass(frozen=True, slots=True)
class HealthFacts:
    """Inputs of `health_score`.

    days_since_contact: whole days since the last follow-up with the customer (None: never).
    open_deals / won_deals / lost_deals: the customer's opportunities by outcome.
    overdue_payments: payment milestones past due and not fully paid.
    ratings: delivery ratings, each 1..5 (values outside are clamped).
    """

    days_since_contact: int | None = None
    open_deals: int = 0
    won_deals: int = 0
    lost_deals: int = 0
    overdue_payments: int = 0
    ratings: tuple[int, ...] = ()


def health_score(facts: HealthFacts) -> int:
    """Sum of five parts (see the *_POINTS constants), rounded to an int in 0..100."""
    return max(0, min(100, round(
        _recency(facts.days_since_contact)
        + _pipeline(facts.open_deals, facts.won_deals)
        + _track_record(facts.won_deals, facts.lost_deals)
        + max(0, PAYMENT_POINTS - OVERDUE_PENALTY * facts.overdue_payments)
        + _satisfaction(facts.ratings)
    )))


def _recency(days: int | None) -> float:
    if days is None or days >= STALE_DAYS:
        return 0.0
    if days <= FRESH_DAYS:
        return float(RECENCY_POINTS)
    return RECENCY_POINTS * (STALE_DAYS - days) / (STALE_DAYS - FRESH_DAYS)


def _pipeline(open_deals: int, won_deals: int) -> float:
    if open_deals > 0:
        return float(PIPELINE_POINTS)
    return PIPELINE_POINTS / 2 if won_deals > 0 else 0.0


def _track_record(won: int, lost: int) -> float:
    if won + lost == 0:
        return TRACK_RECORD_POINTS / 2
    return TRACK_RECORD_POINTS * won / (won + lost)


def _satisfaction(ratings: Sequence[int]) -> float:
    if not ratings:
        return SATISFACTION_POINTS / 2
    average = sum(min(max(r, 1), 5) for r in ratings) / len(ratings)
    return SATISFACTION_POINTS * (average - 1) / 4


def health_facts(
    now: datetime,
    opportunities: Iterable[Opportunity],
    last_contact: datetime | None,
    milestones: Iterable[PaymentMilestone] = (),
    ratings: Iterable[int] = (),
    today: date | None = None,
) -> HealthFacts:
    """Collect HealthFacts from one customer's records. `today` defaults to `now.date()`."""
    deals = list(opportunities)
    return HealthFacts(
        days_since_contact=None if last_contact is None else max((now - last_contact).days, 0),
        open_deals=sum(1 for o in deals if not o.stage.is_closed),
        won_deals=sum(1 for o in deals if o.stage is Stage.WON),
        lost_deals=sum(1 for o in deals if o.stage is Stage.LOST),
        overdue_payments=len(overdue(milestones, today or now.date())),
        ratings=tuple(ratings),
    )
