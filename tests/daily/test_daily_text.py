"""Pure parts: times of day, splitting a team's reports, the [daily_report] config section."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from bot.config import ConfigError, load_config
from domain.daily_report import DailyReportSettings, parse_hhmm
from domain.daily_text import split_blocks
from domain.errors import InvalidValue


def test_times_of_day_are_read_and_bad_ones_explained_in_both_languages() -> None:
    assert parse_hhmm("18:30") == time(18, 30) and parse_hhmm(" 8：05 ") == time(8, 5)
    with pytest.raises(InvalidValue) as err:
        parse_hhmm("25:00", "日报截止时间", "deadline")
    assert err.value.message("zh") == "日报截止时间无效：「25:00」应写成 18:30"
    assert err.value.message("en") == "Invalid deadline: '25:00' should look like 18:30"


def test_split_blocks_keeps_every_line_and_no_message_is_too_long() -> None:
    blocks = ["【甲】\n" + "\n".join(f"{n}. 第{n}行内容" for n in range(1, 30)), "【乙】\n1. 短", "x" * 250]
    parts = split_blocks("📋 头", blocks, 100)
    assert all(len(p) <= 100 for p in parts) and parts[0].startswith("📋 头")
    joined = "".join(parts).replace("\n", "")
    assert all(f"{n}. 第{n}行内容" in joined for n in range(1, 30)) and "x" * 250 in joined


def test_split_blocks_sends_one_message_when_it_fits() -> None:
    assert split_blocks("head", ["a\nb", "c"], 1000) == ["head\n\na\nb\n\nc"]


def test_the_daily_report_section_is_checked(tmp_path: Path) -> None:
    good = tmp_path / "good.toml"
    good.write_text('[daily_report]\ndraft_at = "18:00"\ndeadline = "21:15"\nmorning_limit = 5\n', encoding="utf-8")
    settings = DailyReportSettings.from_section(load_config(good, environ={}).section("daily_report"))
    assert (settings.draft_at, settings.deadline, settings.morning_at, settings.morning_limit) == (
        time(18), time(21, 15), time(8, 30), 5)
    bad = tmp_path / "bad.toml"
    bad.write_text('[daily_report]\ndeadline = "8pm"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="deadline"):
        load_config(bad, environ={})
