"""`dealbot usage --month 2026-11` on fixture data with known counts, on SQLite and PostgreSQL."""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.cli import main
from bot.config import load_config
from bot.housekeeping_cli import housekeeping
from bot.registry import registry
from storage.models import UsageEventRow
from storage.uow import SqlAlchemyUnitOfWork
from tests.db_access import in_uow
from tests.usage.fixture_month import EXPECTED_JSON, month_events


def _config(db_url: str, tmp_path: Path) -> str:
    config = tmp_path / "dealbot.toml"
    config.write_text(f'[database]\nurl = "{db_url}"\n[bot]\ntimezone = "UTC"\n', encoding="utf-8")
    return str(config)


def _load(db_url: str) -> None:
    async def add(uow: SqlAlchemyUnitOfWork) -> None:
        await uow.usage.add_many(month_events())
        await uow.commit()
    asyncio.run(in_uow(db_url, add))


def test_the_json_report_has_the_fixture_numbers_exactly(db_url: str, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    _load(db_url)
    assert main(["usage", "--month", "2026-11", "--json", "--top", "4", "--config", _config(db_url, tmp_path)]) == 0
    found = json.loads(capsys.readouterr().out)
    least = found.pop("least_used")
    assert found == EXPECTED_JSON
    never_used = sorted(cmd.name for cmd in registry.commands if cmd.name not in USED)
    assert least == [{"feature": name, "feature_en": _en(name), "uses": 0}  # zero uses are the least used
                     for name in never_used[:4]]


USED = {"新客户", "阶段", "撤销", "报价"}


def _en(name: str) -> str:
    found = registry.lookup(name)
    assert found is not None
    return found.name_en


def test_the_text_report_in_english(db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _load(db_url)
    assert main(["usage", "--month", "2026/11", "--lang", "en", "--config", _config(db_url, tmp_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Usage in 2026-11"
    assert lines[1] == "Most used features: customer add ×4, stage ×3, undo ×2, quote ×1"
    never_used = sorted(cmd.name for cmd in registry.commands if cmd.name not in USED)[:5]
    assert lines[2] == "Least used features: " + ", ".join(f"{_en(name)} ×0" for name in never_used)
    assert not re.search(r"[\u4e00-\u9fff]", lines[1] + lines[2])  # no Chinese command words left
    assert lines[3] == "Undo rate of free-text capture: 50.0% (2/4)"
    assert lines[4] == "NLP fallback rate: 25.0% (2/8)"
    assert lines[5] == ("Median reply latency: console 250 ms (5 replies); DingTalk 30 ms (9 replies); "
                        "WeCom 65 ms (4 replies)")
    assert lines[6] == "Page views: /dash ×3; /dash/team/{id} ×1"
    assert lines[7:] == ["Open API calls: 3"]


def test_the_text_report_in_chinese(db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _load(db_url)
    assert main(["usage", "--month", "2026-11", "--config", _config(db_url, tmp_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "2026-11 使用情况"
    assert lines[1] == "最常用功能：新客户 4 次、阶段 3 次、撤销 2 次、报价 1 次"
    never_used = sorted(cmd.name for cmd in registry.commands if cmd.name not in USED)[:5]
    assert lines[2] == "最少用功能：" + "、".join(f"{name} 0 次" for name in never_used)  # the Chinese command words
    assert lines[3:5] == ["自由文本记录的撤销/更正率：50.0%（2/4）", "无法理解的自由文本比例：25.0%（2/8）"]
    assert lines[5] == "回复延迟中位数：控制台 250 ms（5 条）; 钉钉 30 ms（9 条）; 企业微信 65 ms（4 条）"
    assert lines[6] == "页面浏览：/dash 3 次; /dash/team/{id} 1 次"
    assert lines[7:] == ["开放 API 调用：3 次"]


def test_every_command_has_an_english_name_of_its_own() -> None:
    names = [cmd.name_en for cmd in registry.commands]
    assert all(name and not re.search(r"[\u4e00-\u9fff]", name) for name in names)
    assert len(set(names)) == len(names)
    assert (_en("跟进"), _en("归档"), _en("短信提醒"), _en("新客户")) == ("follow-up", "file mail", "sms reminders",
                                                                   "customer add")


def test_an_empty_month_in_chinese_says_there_is_nothing(db_url: str, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    _load(db_url)
    assert main(["usage", "--month", "2026-09", "--config", _config(db_url, tmp_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "2026-09 使用情况"
    assert lines[1] == "最常用功能：无"
    assert lines[3] == "自由文本记录的撤销/更正率：-（0/0）"
    assert lines[5] == "回复延迟中位数：无"
    assert lines[7:] == ["开放 API 调用：0 次"]


def test_a_bad_month_is_refused_with_how_to_write_it(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["usage", "--month", "11月"])
    assert "2026-11" in capsys.readouterr().err


def test_housekeeping_prunes_usage_events_older_than_retention_days(db_url: str, tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    _load(db_url)  # 27 events: one on 31 October, 25 on 10 November, one on 1 December 2026
    config = tmp_path / "dealbot.toml"
    config.write_text(f'[database]\nurl = "{db_url}"\n[usage]\nretention_days = 5\n', encoding="utf-8")
    clock = datetime(2026, 11, 20, tzinfo=UTC)  # cutoff 15 November: the 31 October and 10 November events go

    out = io.StringIO()
    args = argparse.Namespace(dry_run=False, archive=None)
    assert asyncio.run(housekeeping(args, load_config(config, environ={}), out, lambda: clock)) == 0
    assert "使用统计事件 / usage events: 26  (保留 5 天 / kept 5 days, [usage] retention_days)" in out.getvalue()

    async def left(uow: SqlAlchemyUnitOfWork) -> list[datetime]:
        return list(await uow.session.scalars(select(UsageEventRow.at)))
    assert asyncio.run(in_uow(db_url, left)) == [datetime(2026, 12, 1, tzinfo=UTC)]
