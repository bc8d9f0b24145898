"""The nightly win scoring (issue #13): once a local day after `[win] score_at`, fit the model on every deal
closed so far, score every open deal, store the scores (win_scores: the score before each is kept, for the
digest's movers) and the model (settings `win_model`, for `建议 #12`), and forget the scores of deals that
closed. One process does it: the day is claimed first (settings `win_scoring:<day>`), so two `serve`
processes on one database never score a day twice (the second run would overwrite the day-before scores
the movers compare with). Every page of deals is its own unit of work.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from bot.win_scoring import MODEL_KEY, fit_at, fitted_to_json, score_open
from domain.win_ports import WinUnitOfWork
from scheduler.daily import DailyRun, claim_day, finish_day, local_day_due

log = logging.getLogger(__name__)
CLAIM = "win_scoring:"
PAGE = 500  # deals per unit of work inside `serve`: a page holds the event loop for tens of milliseconds


@dataclass(frozen=True, slots=True)
class WinSettings(DailyRun):
    """`[win]`: `enabled`, `score_at` (local HH:MM, default 05:00: before the morning lists and digests),
    `timezone`, `interval` (scheduler.daily)."""

    at: time = time(5, 0)

    @classmethod
    def from_sections(cls, win: Mapping[str, Any], bot: Mapping[str, Any]) -> WinSettings:
        return cls.read(win, bot, "score_at", "05:00")


async def refresh_win_scores(uow_factory: Callable[[], WinUnitOfWork], now: datetime, settings: WinSettings) -> int:
    """Score every open deal once a local day; how many were scored (0: not due, or another process did)."""
    day = local_day_due(now, settings.at, settings.timezone) if settings.enabled else None
    if day is None:
        return 0
    if not await claim_day(uow_factory, CLAIM, day, now):
        return 0
    scored = await score_all(uow_factory, now)
    await finish_day(uow_factory, CLAIM, day, now)
    return scored


async def score_all(uow_factory: Callable[[], WinUnitOfWork], now: datetime) -> int:
    """Fit at `now`, store every open deal's score and the model."""
    fitted = await fit_at(uow_factory, now, PAGE)
    scored = 0
    async for page in score_open(uow_factory, fitted, now, PAGE):
        async with uow_factory() as uow:
            await uow.wins.save_scores([deal.stored(now) for deal in page])
            await uow.commit()
        scored += len(page)
    async with uow_factory() as uow:
        dropped = await uow.wins.drop_closed()
        await uow.settings.put(MODEL_KEY, fitted_to_json(fitted))
        await uow.commit()
    log.info("win scores: %d open deals scored from %d closed, %d closed since dropped",
             scored, fitted.closed, dropped)
    return scored
