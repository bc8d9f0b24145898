"""Resolved dates are read back so the rep can correct them."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.nlp import describe_when, parse_when
from tests.nlp.conftest import NOW

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(("value", "zh", "en"), [
    (datetime(2026, 12, 2, 10, 0, tzinfo=SHANGHAI), "下周三(12月2日) 10:00", "next Wed (2 Dec) 10:00"),
    (date(2026, 11, 24), "今天(11月24日)", "today (Tue 24 Nov)"),
    (date(2026, 11, 25), "明天(11月25日)", "tomorrow (Wed 25 Nov)"),
    (date(2026, 11, 26), "后天(11月26日)", "this Thu (26 Nov)"),
    (datetime(2026, 11, 27, 15, 30, tzinfo=SHANGHAI), "本周五(11月27日) 15:30", "this Fri (27 Nov) 15:30"),
    (date(2026, 11, 17), "上周二(11月17日)", "last Tue (17 Nov)"),
    (date(2026, 12, 9), "下下周三(12月9日)", "Wed after next (9 Dec)"),
    (date(2026, 12, 15), "12月15日", "Tue 15 Dec"),
    (date(2027, 1, 15), "2027年1月15日", "Fri 15 Jan 2027"),
])
def test_describe_when_reads_dates_back_in_both_languages(value: date | datetime, zh: str, en: str) -> None:
    assert describe_when(value, NOW, "zh") == zh
    assert describe_when(value, NOW, "en") == en


def test_describe_when_shows_times_in_the_zone_of_now() -> None:
    utc = datetime(2026, 12, 2, 2, 0, tzinfo=ZoneInfo("UTC"))
    assert describe_when(utc, NOW, "zh") == "下周三(12月2日) 10:00"


def test_what_was_parsed_reads_back_as_written() -> None:
    value = parse_when("下周三上午10点", NOW)
    assert value is not None
    assert describe_when(value, NOW, "zh") == "下周三(12月2日) 10:00"
