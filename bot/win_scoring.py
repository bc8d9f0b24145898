"""The win model on the company's own data (issue #13): fitted from the deals closed before a date, then
scoring the deals open at that date, one page of deals at a time.

Fitting reads the closed deals twice (first the days won deals spent in each stage, then the examples, whose
"time in stage" is relative to those days); the model keeps only its count tables, so memory does not grow
with the closed history. Scoring reads the open deals once, a page at a time. Every page is its own unit
of work: no transaction lasts the whole run.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any, TypeVar

from domain.opportunity import Stage
from domain.win_features import DealFacts, describe, features
from domain.win_model import ModelBuilder, Score, WinModel, model_from_json, model_to_json
from domain.win_ports import StoredScore, WinDataRepository, WinUnitOfWork
from domain.win_snapshot import DealRecord, Stay, closed_path, facts_at
from domain.win_training import HELD_SHARE, NOT_CHECKED, Check, GuardedTrainer

PAGE = 2000
T = TypeVar("T")
UowFactory = Callable[[], WinUnitOfWork]
Source = UowFactory | WinDataRepository
MODEL_KEY = "win_model"  # settings: the model the nightly job fitted, for `建议 #12`
STALE = timedelta(days=3)  # an older stored model is fitted again
IN_REQUEST = 5_000  # closed deals a chat request may fit a model on (when none is stored yet)


@dataclass(frozen=True)
class Fitted:
    """A model and the days won deals spent in each stage, as known at `as_of`."""

    as_of: datetime
    model: WinModel
    won_stay: Mapping[Stage, int]
    closed: int = 0  # deals closed before as_of
    check: Check = NOT_CHECKED  # how it did on the last 90 days of closures (domain.win_training)
    pending: bool = False  # too much history to fit during a chat request: the stage base rates, until tonight

    def score(self, record: DealRecord, at: datetime) -> DealScore | None:
        """The deal as it was at `at`, scored; None when it was not open then."""
        facts = facts_at(record, at, self.won_stay)
        if facts is None:
            return None
        return DealScore(record, facts, self.model.score(features(facts), team=record.team))


@dataclass(frozen=True)
class DealScore:
    record: DealRecord
    facts: DealFacts
    score: Score

    def factors(self) -> list[dict[str, Any]]:
        """The top factors, each with its weight and its words in zh and en."""
        return [{"feature": f.feature, "value": f.value, "weight": round(f.weight, 3),
                 "zh": describe(f.feature, self.facts, "zh"), "en": describe(f.feature, self.facts, "en")}
                for f in self.score.factors]

    def stored(self, at: datetime) -> StoredScore:
        deal = self.record.deal
        assert deal.id is not None
        return StoredScore(deal.id, deal.team_id, self.score.p_win, self.score.p_win_horizon, self.score.source,
                           at, tuple(self.factors()))


async def pages(source: Source, closed: bool, at: datetime, page: int = PAGE) -> AsyncIterator[list[DealRecord]]:
    """Closed-before-`at` (closed=True) or open-at-`at` deals, a page at a time: each page in its own unit of
    work from a factory, or all through one repository (a chat command's unit of work)."""
    after = 0
    while True:
        found = await _read(source, partial(_page, closed=closed, at=at, after=after, limit=page))
        if not found:
            return
        yield found
        assert found[-1].deal.id is not None
        after = found[-1].deal.id


async def _page(wins: WinDataRepository, *, closed: bool, at: datetime, after: int, limit: int) -> list[DealRecord]:
    return await (wins.closed_page if closed else wins.open_page)(at, after, limit)


async def _read(source: Source, read: Callable[[WinDataRepository], Awaitable[T]]) -> T:
    """`read` on the repository: in a unit of work of its own from a factory, or on the one given."""
    if callable(source):
        async with source() as uow:
            return await read(uow.wins)
    return await read(source)


async def fit_at(uow_factory: Source, as_of: datetime, page: int = PAGE) -> Fitted:
    """The model of the deals closed before `as_of`: nothing later is read. One pass over the closed deals,
    a page at a time (domain.win_training: bounded memory)."""
    latest = await _read(uow_factory, lambda wins: wins.closed_quantile(as_of, 1 - HELD_SHARE))
    trainer = GuardedTrainer(as_of, latest)
    async for record, path, won in _closed(uow_factory, as_of, page):
        trainer.add(record, path, won)
    model, typical, check = trainer.fit()
    return Fitted(as_of, model, typical, trainer.closed, check)


async def _closed(source: Source, as_of: datetime, page: int) -> AsyncIterator[tuple[DealRecord, list[Stay], bool]]:
    async for records in pages(source, True, as_of, page):
        for record in records:
            if (found := closed_path(record, as_of)) is not None:
                yield record, *found


async def score_open(uow_factory: UowFactory, fitted: Fitted, at: datetime,
                     page: int = PAGE) -> AsyncIterator[list[DealScore]]:
    """Every deal open at `at`, scored as it was then, a page at a time."""
    async for records in pages(uow_factory, False, at, page):
        yield [scored for record in records if (scored := fitted.score(record, at)) is not None]


def fitted_to_json(fitted: Fitted) -> dict[str, Any]:
    return {"as_of": fitted.as_of.isoformat(), "closed": fitted.closed, "model": model_to_json(fitted.model),
            "won_stay": {stage.value: days for stage, days in fitted.won_stay.items()},
            "check": [fitted.check.count, fitted.check.brier, fitted.check.brier_stages, fitted.check.worse]}


def fitted_from_json(data: Mapping[str, Any]) -> Fitted:
    count, model_brier, stages_brier, worse = data.get("check", (0, 0.0, 0.0, False))
    return Fitted(datetime.fromisoformat(data["as_of"]), model_from_json(data["model"]),
                  {Stage(stage): int(days) for stage, days in data["won_stay"].items()}, int(data["closed"]),
                  Check(int(count), float(model_brier), float(stages_brier), bool(worse)))


async def current_model(uow: WinUnitOfWork, now: datetime) -> Fitted:
    """The model the nightly job stored, unless it is older than STALE; else one fitted now through `uow` when
    the history is small enough to fit within a chat request (IN_REQUEST closed deals, about a second);
    else the stage base rates, `pending` (the nightly job fits the model)."""
    stored = await uow.settings.get(MODEL_KEY)
    if stored is not None:
        fitted = fitted_from_json(stored)
        if now - STALE <= fitted.as_of <= now:
            return fitted
    if await uow.wins.count_closed(now) > IN_REQUEST:
        return Fitted(now, ModelBuilder().model(), {}, pending=True)
    return await fit_at(uow.wins, now)
