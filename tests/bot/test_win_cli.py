"""`dealbot score --as-of DATE --json` and `dealbot model evaluate` through the CLI on both engines (issue #13).

The as-of test is the issue's: score at DATE, then change only what happened after DATE (follow-ups, stage
moves, wins and losses, new deals, quotes) and score again: every line is identical.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

import pytest

from bot.cli import main
from bot.win_scoring import fit_at
from domain.activity import FollowUp
from domain.money import Money
from domain.opportunity import LostReason, Opportunity, Stage
from domain.quote import Quote
from domain.win_features import features
from domain.win_ports import WinUnitOfWork
from domain.win_snapshot import DealRecord, facts_at, history_at
from domain.win_training import train_at
from storage.uow import SqlAlchemyUnitOfWork
from tests.db_access import with_uow_factory
from tests.win_world import DATE, World, build_world

Factory = Callable[[], SqlAlchemyUnitOfWork]


def _config(db_url: str, tmp_path: Path) -> str:
    config = tmp_path / "dealbot.toml"
    config.write_text(f'[database]\nurl = "{db_url}"\n[bot]\ntimezone = "UTC"\n', encoding="utf-8")
    return str(config)


def _score(config: str, capsys: pytest.CaptureFixture[str], *extra: str) -> list[dict[str, Any]]:
    capsys.readouterr()
    assert main(["score", "--as-of", f"{DATE:%Y-%m-%d}", "--json", "--config", config, *extra]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]


async def _change_only_the_future(factory: Factory, world: World) -> None:
    """Everything after DATE: new follow-ups and quotes on every deal, open deals moved, won and lost, and
    new deals."""
    later = DATE + timedelta(days=3)
    async with factory() as uow:
        for deal_id in world.deals:
            deal = await uow.opportunities.get(deal_id)
            await uow.followups.add(FollowUp(deal.owner_id, "之后的跟进", later, opportunity_id=deal_id))
            await uow.quotes.add(Quote(deal_id, 9, Money(Decimal(1)), created_at=later))
            if deal.stage is Stage.INITIAL_CONTACT:
                deal.advance_to(Stage.PROPOSAL, by=None, at=later)
            elif deal.stage is Stage.PROPOSAL:
                deal.lose(LostReason.COMPETITOR, by=None, at=later)
            elif deal.stage is Stage.NEGOTIATION:
                deal.win(by=None, at=later)
            await uow.opportunities.save(deal)
        await uow.opportunities.add(Opportunity(world.customers[0], "新商机", created_at=later))
        await uow.commit()


def test_scores_as_of_a_date_never_read_what_happened_after_it(db_url: str, tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    world = asyncio.run(with_uow_factory(db_url, build_world))
    config = _config(db_url, tmp_path)
    before = _score(config, capsys)
    assert len(before) > 10 and all(0 < line["p_win"] < 1 and 0 <= line["p_win_30d"] <= line["p_win"]
                                    for line in before)
    assert {line["source"] for line in before} <= {"team", "pooled"}
    assert all(line["ref"].startswith("OLD-") and line["factors"] and line["factors"][0]["zh"] for line in before)
    assert len({line["p_win"] for line in before}) > 3  # the deals are told apart
    asyncio.run(with_uow_factory(db_url, lambda f: _change_only_the_future(f, world)))
    assert _score(config, capsys) == before
    later = _score(config, capsys, "--as-of", f"{DATE + timedelta(days=5):%Y-%m-%d}")  # the last --as-of wins
    assert later != before


def test_the_text_output_says_what_the_model_rests_on(db_url: str, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    asyncio.run(with_uow_factory(db_url, build_world))
    config = _config(db_url, tmp_path)
    assert main(["score", "--as-of", "2025-01-20", "--config", config]) == 0
    head, *lines = capsys.readouterr().out.splitlines()
    assert head.startswith("历史太少") and "按各阶段的基准赢单率估算" in head
    assert lines and all("赢单概率" in line for line in lines)
    assert main(["score", "--as-of", f"{DATE:%Y-%m-%d}", "--locale", "en", "--config", config]) == 0
    head, *lines = capsys.readouterr().out.splitlines()
    assert head.startswith("Model: ") and "deals closed by 2026-03-01" in head and "P(won)" in lines[0]


def test_a_bad_date_is_refused_with_the_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["score", "--as-of", "3月1日"])
    assert "日期格式应为 2026-06-30" in capsys.readouterr().err


def test_model_evaluate_backtests_per_team_against_the_stage_baseline(db_url: str, tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    asyncio.run(with_uow_factory(db_url, lambda f: build_world(f, deals=200)))
    config = _config(db_url, tmp_path)
    assert main(["model", "evaluate", "--json", "--every", "60", "--config", config]) == 0
    report = json.loads(capsys.readouterr().out)
    everyone, *teams = report["teams"]
    assert everyone["team"] is None and {t["team"] for t in teams} == {"华东一组", "华南一组"}
    assert everyone["count"] == sum(t["count"] for t in teams) > 50
    assert 0.5 < everyone["auc"] <= 1 and 0 <= everyone["brier"] < 0.25
    assert sum(row["count"] for row in everyone["calibration"]) == everyone["count"]
    assert main(["model", "evaluate", "--config", config]) == 0
    text = capsys.readouterr().out
    assert "华东一组：打分" in text and "按阶段" in text and "预测 0." in text


def test_model_evaluate_without_history_says_so(db_url: str, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    asyncio.run(with_uow_factory(db_url, lambda f: build_world(f, deals=10)))
    assert main(["model", "evaluate", "--config", _config(db_url, tmp_path)]) == 1
    assert "历史太少，无法回测" in capsys.readouterr().out


def test_the_database_fit_is_the_domains_fit_of_the_same_history(db_url: str) -> None:
    """fit_at streams pages (one pass, bounded memory); it must equal fitting the whole history at once."""
    async def both(factory: Factory) -> tuple[list[float], list[float]]:
        await build_world(factory, deals=150)
        streamed = await fit_at(cast(Callable[[], WinUnitOfWork], factory), DATE, page=9)
        records: list[DealRecord] = []
        async with factory() as uow:
            records = await uow.wins.records(range(1, 1000))
        whole, won_stay, check = train_at(records, DATE)
        assert streamed.won_stay == won_stay == history_at(records, DATE).won_stay
        assert (streamed.check.count, streamed.check.worse) == (check.count, check.worse)
        assert (streamed.check.brier, streamed.check.brier_stages) == pytest.approx((check.brier, check.brier_stages))
        assert streamed.model.pooled.size == whole.pooled.size == len(history_at(records, DATE).examples)
        scored = [(streamed.score(r, DATE), facts_at(r, DATE, won_stay)) for r in records]
        return ([s.score.p_win for s, _ in scored if s is not None],
                [whole.score(features(f), team=r.team).p_win for r, (_, f) in zip(records, scored, strict=True)
                 if f is not None])

    streamed, whole = asyncio.run(with_uow_factory(db_url, both))
    assert streamed == whole and len(streamed) > 10
