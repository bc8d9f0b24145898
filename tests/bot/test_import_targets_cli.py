"""`dealbot import targets FILE [--commit]` through the CLI on both engines: the dry run stores nothing,
--commit stores the good rows, and a file with bad rows says which and exits non-zero only when fatal."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from pathlib import Path

import pytest

from bot.cli import main
from domain.analytics import Target
from storage.uow import SqlAlchemyUnitOfWork
from tests.analytics_company import build_company
from tests.db_access import in_uow, with_uow_factory


async def _build(url: str) -> dict[str, int]:
    company = await with_uow_factory(url, build_company)
    return dict(company.teams)


async def _stored(url: str, period: str) -> list[Target]:
    async def read(uow: SqlAlchemyUnitOfWork) -> list[Target]:
        return list(await uow.targets.for_period(period))
    return await in_uow(url, read)


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
