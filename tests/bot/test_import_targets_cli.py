"""`dealbot import targets FILE [--commit]` through the CLI on both engines: the dry run stores nothing,
--commit stores the good rows, and a file with bad rows says which and exits non-zero only when fatal."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from pathlib import Path

import pytest

from bot.cli import main
from domain.analytics import Target
from storage.engine import make_engine, make_session_factory
from storage.uow import SqlAlchemyUnitOfWork
from tests.analytics_company import build_company


async def _build(url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        company = await build_company(lambda: SqlAlchemyUnitOfWork(make_session_factory(engine)))
        return dict(company.teams)
    finally:
        await engine.dispose()


async def _stored(url: str, period: str) -> list[Target]:
    engine = make_engine(url)
    try:
        async with SqlAlchemyUnitOfWork(make_session_factory(engine)) as uow:
            return list(await uow.targets.for_period(period))
    finally:
        await engine.dispose()


def test_the_cli_imports_targets_only_with_commit(db_url: str, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    teams = asyncio.run(_build(db_url))
    config = tmp_path / "dealbot.toml"
    config.write_text(f'[database]\nurl = "{db_url}"\n', encoding="utf-8")
    sheet = tmp_path / "targets.csv"
    sheet.write_text("团队,期间,目标\n华东一组,2027Q1,500万\n火星组,2027Q1,1万\n", encoding="utf-8")
    assert main(["import", "targets", str(sheet), "--config", str(config)]) == 0
    assert "火星组" in capsys.readouterr().out
    assert asyncio.run(_stored(db_url, "2027Q1")) == []
    assert main(["import", "targets", str(sheet), "--commit", "--config", str(config)]) == 0
    assert asyncio.run(_stored(db_url, "2027Q1")) == [Target("team", teams["华东一组"], "2027Q1", Decimal(5_000_000))]
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    assert main(["import", "targets", str(empty), "--commit", "--config", str(config)]) == 2
