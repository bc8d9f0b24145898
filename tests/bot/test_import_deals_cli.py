"""`dealbot import deals FILE [--commit]` and `dealbot export deals FILE` through the CLI on both engines."""

from __future__ import annotations

import asyncio
import csv
from pathlib import Path

import pytest

from bot.cli import main
from domain.opportunity import Opportunity, Stage
from domain.people import Rep, Team
from storage.uow import SqlAlchemyUnitOfWork
from tests.db_access import in_uow


async def _people(uow: SqlAlchemyUnitOfWork) -> None:
    team = await uow.teams.add(Team(name="华东一组"))
    await uow.reps.add(Rep(name="王磊", team_id=team.id))
    await uow.commit()


async def _deals(uow: SqlAlchemyUnitOfWork) -> list[Opportunity]:
    return list(await uow.opportunities.after(0))


def test_the_cli_imports_deals_only_with_commit_and_exports_them(db_url: str, tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    asyncio.run(in_uow(db_url, _people))
    config = tmp_path / "dealbot.toml"
    config.write_text(f'[database]\nurl = "{db_url}"\n', encoding="utf-8")
    sheet = tmp_path / "deals.csv"
    sheet.write_text("ref,customer,owner,amount,created,stage,closed,stage_history,activities\n"
                     "A-1,杭州明途信息技术有限公司,王磊,60万,2026-01-02,won,2026-02-20,negotiation@2026-02-01,2026-01-03\n"
                     "A-2,深圳云帆网络科技有限公司,火星人,10万,2026-01-02,proposal,,,\n", encoding="utf-8")
    assert main(["import", "deals", str(sheet), "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert "预演导入 deals.csv" in out and "row 3: unknown owner '火星人'" in out
    assert asyncio.run(in_uow(db_url, _deals)) == []
    assert main(["import", "deals", str(sheet), "--commit", "--config", str(config)]) == 0
    assert "1 new, 0 updated, 0 unchanged, 0 duplicates, 1 with errors" in capsys.readouterr().out
    [deal] = asyncio.run(in_uow(db_url, _deals))
    assert (deal.ref, deal.stage) == ("A-1", Stage.WON)
    assert [c.target for c in deal.history] == [Stage.NEGOTIATION, Stage.WON]
    exported = tmp_path / "out.csv"
    assert main(["export", "deals", str(exported), "--config", str(config)]) == 0
    assert "Exported 1 deals" in capsys.readouterr().out
    rows = list(csv.reader(exported.open(encoding="utf-8-sig")))
    assert rows[0][:3] == ["编号 (ref)", "商机名称 (name)", "客户 (customer)"]
    assert rows[1][0] == "A-1" and rows[1][-2:] == ["谈判@2026-02-01", "2026-01-03"]
    assert main(["export", "deals", str(tmp_path / "out.pdf"), "--config", str(config)]) == 2
    empty = tmp_path / "empty.csv"
    empty.write_text("客户,负责人\n杭州明途,王磊\n", encoding="utf-8")
    assert main(["import", "deals", str(empty), "--config", str(config)]) == 2
    out = capsys.readouterr().out
    assert "表头缺少这些列：编号、创建日期、阶段" in out and "lacks these columns: ref, created, stage" in out
