"""A deal as it was at a moment, from its records, and the training examples known at a date (issue #13).

Nothing later than the moment is read: the stage is replayed from the stage changes up to it, follow-ups and
quote versions are counted up to it, and a deal closed after the moment is still open then. Training examples
at `as_of` are the deals closed before it, each seen at the middle of every open stage it passed through.
Pure; standard library only.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from domain.opportunity import OPEN_STAGES, Opportunity, Stage
from domain.win_features import DealFacts, features
from domain.win_model import Example

SNAPSHOT = timedelta(days=14)  # a training example every two weeks of a closed deal's open life


@dataclass(frozen=True, slots=True)
class DealRecord:
    """One deal with what the model reads about it (times of follow-ups and quote versions, close-date moves)."""

    deal: Opportunity
    followups: Sequence[datetime] = ()
    quotes: Sequence[datetime] = ()
    close_moves: Sequence[datetime] = ()  # when the expected close date was moved later
    industry: str = ""
    region: str = ""
    source: str = ""
    team: str = ""

    def __post_init__(self) -> None:  # sorted once: counts up to a moment are then a bisection
        for name in ("followups", "quotes", "close_moves"):
            object.__setattr__(self, name, tuple(sorted(getattr(self, name))))


@dataclass(frozen=True, slots=True)
class Stay:
    stage: Stage
    start: datetime
    end: datetime | None  # None: still there at the moment


def stays(deal: Opportunity, moment: datetime) -> list[Stay]:
    """The stages the deal was in up to `moment`, in order ([] if it did not exist yet)."""
    if deal.created_at is None or deal.created_at > moment:
        return []
    path, stage, start = [], Stage.INITIAL_CONTACT, deal.created_at
    for change in sorted(deal.history, key=lambda c: c.at):
        if change.at > moment:
            break
        path.append(Stay(stage, start, change.at))
        stage, start = change.target, change.at
    path.append(Stay(stage, start, None))
    return path


def facts_at(record: DealRecord, moment: datetime,
             won_stay: Mapping[Stage, int] | None = None) -> DealFacts | None:
    """The deal's facts at `moment`, or None when it was not open then."""
    path = stays(record.deal, moment)
    if not path or path[-1].stage.is_closed:
        return None
    return facts_in(record, path[-1], moment, won_stay)


def facts_in(record: DealRecord, stay: Stay, moment: datetime,
             won_stay: Mapping[Stage, int] | None = None) -> DealFacts:
    """The deal's facts at `moment`, known to fall in the open `stay`."""
    touched = bisect_right(record.followups, moment)
    amount = record.deal.amount.amount if record.deal.amount is not None else 0
    return DealFacts(stage=stay.stage, days_in_stage=(moment - stay.start).days,
                     idle_days=(moment - record.followups[touched - 1]).days if touched else None,
                     activities=touched, amount=int(amount), industry=record.industry, region=record.region,
                     source=record.source, quote_versions=bisect_right(record.quotes, moment),
                     close_slips=bisect_right(record.close_moves, moment),
                     won_days_in_stage=(won_stay or {}).get(stay.stage),
                     owner=str(record.deal.owner_id) if record.deal.owner_id is not None else "")


def closed_path(record: DealRecord, as_of: datetime) -> tuple[list[Stay], bool] | None:
    """The stays of a deal won or lost before `as_of` and whether it was won; None if it was open then."""
    path = stays(record.deal, as_of - timedelta(microseconds=1))
    if path and path[-1].stage.is_closed:
        return path, path[-1].stage is Stage.WON
    return None


def closed_before(records: Iterable[DealRecord], as_of: datetime) -> list[tuple[DealRecord, list[Stay], bool]]:
    """Deals won or lost before `as_of`: each with its stays and whether it was won."""
    return [(record, *found) for record in records if (found := closed_path(record, as_of)) is not None]


class StayMedians:
    """The median whole days won deals spent in each open stage, counted one deal at a time (a histogram
    of days per stage: memory does not grow with the number of deals)."""

    def __init__(self) -> None:
        self.days: dict[Stage, Counter[int]] = defaultdict(Counter)

    def add(self, path: Sequence[Stay], won: bool) -> None:
        for stay in path:
            if won and stay.end is not None and stay.stage in OPEN_STAGES:
                self.days[stay.stage][(stay.end - stay.start).days] += 1

    def medians(self) -> dict[Stage, int]:
        return {stage: _median(counts) for stage, counts in self.days.items() if counts}


def _median(counts: Counter[int]) -> int:
    """statistics.median of the multiset, as whole days."""
    total, seen, ordered = sum(counts.values()), 0, sorted(counts.items())
    middle: list[int] = []
    for value, n in ordered:
        for position in {(total - 1) // 2, total // 2}:
            if seen <= position < seen + n:
                middle.append(value)
        seen += n
    return int(sum(middle) / len(middle))


def won_stays(closed: Sequence[tuple[DealRecord, list[Stay], bool]]) -> dict[Stage, int]:
    """Median whole days won deals spent in each open stage."""
    counter = StayMedians()
    for _, path, won in closed:
        counter.add(path, won)
    return counter.medians()


def moments(path: Sequence[Stay]) -> list[tuple[datetime, Stay]]:
    """When a closed deal is looked at for training, and the stay it was in then: every SNAPSHOT_DAYS while it
    was open (from half a step after creation), and at least once in each open stage (its middle), so that
    the examples are spread over the deal's open life as the scores of open deals are."""
    found: list[tuple[datetime, Stay]] = []
    for stay in path[:-1]:
        if stay.stage not in OPEN_STAGES or stay.end is None or stay.end <= stay.start:
            continue  # closed, still open, or left the same moment (imported same-day stages)
        first = path[0].start + SNAPSHOT / 2
        steps = max(0, math.ceil((stay.start - first) / SNAPSHOT))
        ticks = (first + SNAPSHOT * k for k in range(steps, steps + 1 + (stay.end - stay.start) // SNAPSHOT))
        inside = [t for t in ticks if stay.start <= t < stay.end]
        found += [(t, stay) for t in inside or [stay.start + (stay.end - stay.start) / 2]]
    return found


def examples_of(record: DealRecord, path: Sequence[Stay], won: bool, won_stay: Mapping[Stage, int],
                with_stay: bool = True) -> list[tuple[Example, Stay, int]]:
    """A closed deal as training examples, each with the stay it was in and its whole days there (without
    the "stay" band unless `with_stay`: a trainer counting it once the medians are known)."""
    closed_at, examples = path[-1].start, []
    for moment, stay in moments(path):
        facts = facts_in(record, stay, moment, won_stay)
        named = features(facts)
        if not with_stay:
            del named["stay"]
        examples.append((Example(named, won, record.team, (closed_at - moment).days if won else None),
                         stay, facts.days_in_stage))
    return examples


@dataclass(frozen=True)
class History:
    """What a model may learn from at `as_of`."""

    examples: list[Example] = field(default_factory=list)
    won_stay: dict[Stage, int] = field(default_factory=dict)


def history_at(records: Iterable[DealRecord], as_of: datetime) -> History:
    """Training examples from the deals closed before `as_of`, each seen in the middle of each open stage."""
    closed = closed_before(records, as_of)
    typical = won_stays(closed)
    return History([e for record, path, won in closed for e, _, _ in examples_of(record, path, won, typical)],
                   typical)
