"""`dealbot score` and `dealbot model evaluate` (issue #13).

    dealbot score [--as-of DATE] [--json] [--locale en]
        each deal open at DATE (default: now), scored by a model of the deals closed before DATE; with
        --json one object per line: {"ref", "id", "p_win", "p_win_30d", "source", "factors": [...]}
    dealbot model evaluate [--from DATE] [--every DAYS] [--json]
        a time-split backtest on the company's own history: AUC, Brier score and a calibration table per
        team, against the per-stage baseline

A DATE is the start of that day in the company's time zone ([bot] timezone): what was known when it began.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from dataclasses import asdict
from datetime import date, datetime, time
from typing import cast
from zoneinfo import ZoneInfo

from bot.bootstrap import App, bootstrap
from bot.config import Config
from bot.win_scoring import DealScore, fit_at, pages, score_open
from bot.win_text import evaluation_text, fitted_line, score_line
from domain.win_backtest import backtest_records, by_team, cutoffs
from domain.win_ports import WinUnitOfWork
from domain.win_snapshot import DealRecord


def _moment(day: date | None, app: App, config: Config) -> datetime:
    """The start of `day` (None: now) in the company's time zone."""
    zone = ZoneInfo(str(config.get("bot", "timezone", "Asia/Shanghai")))
    return app.bot.clock().astimezone(zone) if day is None else datetime.combine(day, time(), zone)


async def score(args: argparse.Namespace, config: Config) -> int:
    app = await bootstrap(config, chat=False)
    try:
        uows = cast(Callable[[], WinUnitOfWork], app.uow_factory)
        at = _moment(args.as_of, app, config)
        fitted = await fit_at(uows, at)
        if not args.json:
            print(fitted_line(fitted, args.locale))
        async for page in score_open(uows, fitted, at):
            for scored in page:
                print(_json_line(scored) if args.json else score_line(scored, args.locale))
    finally:
        await app.close()
    return 0


def _json_line(scored: DealScore) -> str:
    deal = scored.record.deal
    return json.dumps({"ref": deal.ref or None, "id": deal.id, "p_win": scored.score.p_win,
                       "p_win_30d": scored.score.p_win_horizon, "source": scored.score.source,
                       "factors": scored.factors()}, ensure_ascii=False)


async def model(args: argparse.Namespace, config: Config) -> int:
    app = await bootstrap(config, chat=False)
    try:
        uows = cast(Callable[[], WinUnitOfWork], app.uow_factory)
        now = app.bot.clock()
        records: list[DealRecord] = []
        async with uows() as uow:
            teams = {str(t.id): t.name for t in await uow.teams.list()}
        async for page in pages(uows, False, now):
            records.extend(page)
        async for page in pages(uows, True, now):
            records.extend(page)
        start = _moment(args.start, app, config) if args.start else None
        cuts = cutoffs(records, now, args.every, start)
        summaries = by_team(backtest_records(records, cuts, now))
    finally:
        await app.close()
    if args.json:
        print(json.dumps({"cutoffs": [c.isoformat() for c in cuts],
                          "teams": [{**asdict(s), "team": teams.get(s.team, s.team) if s.team else None}
                                    for s in summaries]}, ensure_ascii=False))
    else:
        print(evaluation_text(summaries, cuts, teams, args.locale))
    return 0 if summaries[0].count else 1
