"""As-of snapshots never read later events: changing only what happened after DATE leaves every fact, every
training example and every score at DATE as it was."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from domain.money import Money
from domain.opportunity import LostReason, Opportunity, Stage
from domain.win_features import DealFacts, features
from domain.win_model import Example, Score, fit
from domain.win_snapshot import DealRecord, facts_at, history_at, stays

DATE = datetime(2026, 6, 1, tzinfo=UTC)


def day(n: int) -> datetime:
    """`n` days after 2026-01-01."""
    return datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=n)


def deal(n: int, created: int, moves: list[tuple[Stage, int]], amount: int = 500_000) -> Opportunity:
    opp = Opportunity(customer_id=1, name=f"项目{n}", stage=Stage.INITIAL_CONTACT, amount=Money(Decimal(amount)),
                      created_at=day(created), id=n)
    for target, when in moves:
        if target is Stage.WON:
            opp.win(by=None, at=day(when))
        elif target is Stage.LOST:
            opp.lose(LostReason.PRICE, by=None, at=day(when))
        else:
            opp.advance_to(target, by=None, at=day(when))
    return opp


def records() -> list[DealRecord]:
    out = []
    for n in range(40):  # closed before DATE (day 151): won ones quick, lost ones slow and quiet
        won = n % 2 == 0
        moves = ([(Stage.PROPOSAL, n + 5), (Stage.NEGOTIATION, n + 15), (Stage.WON, n + 25)] if won else
                 [(Stage.PROPOSAL, n + 20), (Stage.LOST, n + 60)])
        followups = [day(n + d) for d in ((1, 4, 8, 12, 16, 20) if won else (2, 10))]
        out.append(DealRecord(deal(n, n, moves), followups, [day(n + 6)], (), "制造" if won else "零售", "华东"))
    out.append(DealRecord(deal(100, 120, [(Stage.PROPOSAL, 130)]), [day(121), day(140)], [day(131)], (),
                          "制造", "华东"))  # open at DATE
    return out


def later_changed(original: list[DealRecord]) -> list[DealRecord]:
    """The same history up to DATE; afterwards the open deal moves on and closes, more follow-ups and quotes
    arrive, and a new deal is opened and won."""
    changed = copy.deepcopy(original)
    open_deal = changed[-1]
    open_deal.deal.advance_to(Stage.NEGOTIATION, by=None, at=day(160))
    open_deal.deal.win(by=None, at=day(170))
    changed[-1] = DealRecord(open_deal.deal, [*open_deal.followups, day(155), day(165)],
                             [*open_deal.quotes, day(161)], (day(158),), "制造", "华东")
    changed.append(DealRecord(deal(200, 152, [(Stage.PROPOSAL, 153), (Stage.NEGOTIATION, 154), (Stage.WON, 155)]),
                              [day(153)], [], (), "零售", "华东"))
    return changed


def scores_at(data: list[DealRecord]) -> tuple[list[Example], dict[Stage, int], DealFacts, Score]:
    history = history_at(data, DATE)
    model = fit(history.examples)
    facts = facts_at(next(r for r in data if r.deal.id == 100), DATE, history.won_stay)
    assert facts is not None
    return history.examples, history.won_stay, facts, model.score(features(facts))


def test_changing_only_what_happened_after_the_date_changes_nothing_at_the_date() -> None:
    before = scores_at(records())
    after = scores_at(later_changed(records()))
    assert before == after
    examples, won_stay, facts, _ = before
    # every 14 days from day 7, at least once per stage: won (25 days) 1 + 1 + 1, lost (60 days) 1 + 3
    assert len(examples) == 20 * 3 + 20 * 4 and won_stay == {Stage.INITIAL_CONTACT: 5, Stage.PROPOSAL: 10,
                                                             Stage.NEGOTIATION: 10}
    assert (facts.stage, facts.days_in_stage, facts.idle_days, facts.activities, facts.quote_versions) == (
        Stage.PROPOSAL, 21, 11, 2, 1)


def test_the_stage_is_replayed_up_to_the_moment() -> None:
    opp = deal(1, 0, [(Stage.PROPOSAL, 10), (Stage.NEGOTIATION, 20), (Stage.LOST, 30)])
    assert [s.stage for s in stays(opp, day(15))] == [Stage.INITIAL_CONTACT, Stage.PROPOSAL]
    assert stays(opp, day(-1)) == []
    record = DealRecord(opp)
    assert facts_at(record, day(25)) is not None and facts_at(record, day(31)) is None  # lost by then


def test_the_streamed_stay_medians_are_the_medians_of_the_days() -> None:
    import random
    import statistics
    from collections import Counter

    from domain.win_snapshot import _median

    rng = random.Random(5)
    for size in (1, 2, 3, 10, 51):
        days = [rng.randint(0, 40) for _ in range(size)]
        assert _median(Counter(days)) == int(statistics.median(days))


def test_a_closed_deal_is_seen_every_two_weeks_and_once_in_each_stage_at_least() -> None:
    from domain.win_snapshot import moments

    record = deal(1, 0, [(Stage.PROPOSAL, 3), (Stage.NEGOTIATION, 40), (Stage.LOST, 44)])
    path = stays(record, day(50))
    seen = [((t - day(0)).total_seconds() / 86400, stay.stage) for t, stay in moments(path)]
    assert seen == [(1.5, Stage.INITIAL_CONTACT), (7, Stage.PROPOSAL), (21, Stage.PROPOSAL), (35, Stage.PROPOSAL),
                    (42, Stage.NEGOTIATION)]
