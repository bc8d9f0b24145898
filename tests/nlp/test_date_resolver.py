"""One date resolver: commands, free text and corrections read "next <weekday>", 下周X / 下礼拜X /
下下周X (and their traditional forms) by one rule and keep the time of day. NOW is Tuesday 24 Nov 2026."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.nlp import DateNotUnderstood, Parser
from bot.nlp.resolve import command_when, due_at, moved, named_weekday
from tests.nlp.conftest import NOW

SHANGHAI = ZoneInfo("Asia/Shanghai")
SUNDAY = datetime(2026, 12, 6, 20, 0, tzinfo=SHANGHAI)


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.mark.parametrize(("written", "expected"), [
    ("下周三", date(2026, 12, 2)), ("下礼拜三", date(2026, 12, 2)), ("下星期三", date(2026, 12, 2)),
    ("下週三", date(2026, 12, 2)), ("下禮拜三", date(2026, 12, 2)), ("下個星期三", date(2026, 12, 2)),
    ("next Wednesday", date(2026, 12, 2)), ("next Wed", date(2026, 12, 2)),
    ("下下周三", date(2026, 12, 9)), ("下下礼拜三", date(2026, 12, 9)), ("下下週三", date(2026, 12, 9)),
    ("Wednesday after next", date(2026, 12, 9)), ("the week after next", date(2026, 12, 7)),
    ("周三", date(2026, 11, 25)), ("Wednesday", date(2026, 11, 25)), ("本周五", date(2026, 11, 27)),
    ("this Friday", date(2026, 11, 27)), ("後天", date(2026, 11, 26)),
])
def test_one_rule_for_weekdays_in_both_languages(parser: Parser, written: str, expected: date) -> None:
    text = f"#3 call {written}" if written.isascii() else f"#3 {written} 再联系"
    assert parser.parse(text, NOW).next_at == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("#3 下礼拜三去拜访王总 3点", at(12, 2, 15)),
    ("#3 下礼拜三下午3点去拜访", at(12, 2, 15)),
    ("#3 下星期五上午10点半演示", at(12, 4, 10, 30)),
    ("#3 下禮拜五 3點 过去", at(12, 4, 15)),
    ("#3 下下週三 上午10點半 演示", at(12, 9, 10, 30)),
    ("#3 demo next Friday at 3pm", at(12, 4, 15)),
    ("#3 meeting next Thursday, 3pm", at(12, 3, 15)),
    ("#3 12月10日 10:00 上门演示", at(12, 10, 10)),
])
def test_free_text_keeps_the_time_of_day(parser: Parser, text: str, expected: datetime) -> None:
    assert parser.parse(text, NOW).next_at == expected


@pytest.mark.parametrize(("text", "day", "period"), [
    ("#3 下周二下午去演示", date(2026, 12, 1), "pm"),
    ("#3 下週二 下午去演示", date(2026, 12, 1), "pm"),
    ("#3 明天下午 发报价", date(2026, 11, 25), "pm"),
    ("#3 next Tuesday afternoon demo", date(2026, 12, 1), "pm"),
    ("#3 下周二 演示", date(2026, 12, 1), ""),
])
def test_a_part_of_the_day_is_kept_beside_the_date(parser: Parser, text: str, day: date, period: str) -> None:
    result = parser.parse(text, NOW)
    assert (result.next_at, result.next_period) == (day, period)
    assert result.to_json()["next_at"] == day.isoformat()  # the parse contract: a date without a clock time


def test_a_time_in_another_sentence_or_before_two_dates_stays_apart(parser: Parser) -> None:
    assert parser.parse("#3 下周三交方案。3点开会", NOW).next_at == at(11, 24, 15)
    assert parser.parse("#3 call at 3pm, quote by Friday", NOW).next_at == at(11, 24, 15)


@pytest.mark.parametrize(("words", "taken", "value", "rest"), [
    ("明天 下午3点 发报价", 2, at(11, 25, 15), ""),
    ("明天下午3点发报价", 1, at(11, 25, 15), "发报价"),
    ("2026-12-10 10:00 demo", 2, at(12, 10, 10), ""),
    ("下礼拜三 3点 上门", 2, at(12, 2, 15), ""),
    ("下周二 下午 演示", 2, at(12, 1, 14), ""),
    ("下禮拜三 上午10点半 去", 2, at(12, 2, 10, 30), ""),
    ("next Friday demo", 2, date(2026, 12, 4), ""),
    ("next Friday 3pm call", 3, at(12, 4, 15), ""),
    ("12/8 10:00 x", 2, at(12, 8, 10), ""),
    ("下下周三 演示", 1, date(2026, 12, 9), ""),
])
def test_a_command_date_takes_the_words_of_its_time(words: str, taken: int, value: date | datetime,
                                                    rest: str) -> None:
    typed = command_when(words.split(), NOW)
    assert typed is not None
    assert (typed.words, typed.value, typed.rest) == (taken, value, rest)


def test_a_command_without_a_leading_date_or_with_an_impossible_one() -> None:
    assert command_when(["next", "2026-12-10", "10:00"], NOW) is None  # the marker word is not a date
    with pytest.raises(DateNotUnderstood):
        command_when(["2月30日", "演示"], NOW)


def test_reminders_fall_due_at_the_written_part_of_the_day() -> None:
    day = date(2026, 12, 1)
    assert [due_at(day, NOW, p).hour for p in ("", "am", "noon", "pm", "night")] == [9, 9, 12, 14, 19]
    assert due_at(at(12, 1, 15, 30), NOW, "am") == at(12, 1, 15, 30)  # a written time wins


@pytest.mark.parametrize(("text", "weekday"), [
    ("改成周四", 3), ("改成星期四", 3), ("改成禮拜四", 3), ("change to Thursday", 3), ("make it Thu", 3),
    ("改成下周四", None), ("change to next Thursday", None), ("金额是55万", None),
])
def test_a_correction_names_a_weekday_alone(text: str, weekday: int | None) -> None:
    assert named_weekday(text) == weekday


def test_corrections_move_within_the_corrected_week_and_keep_the_time() -> None:
    wednesday_3pm = at(12, 2, 15)
    assert moved(wednesday_3pm, date(2026, 11, 26), "change to Thursday") == at(12, 3, 15)
    assert moved(wednesday_3pm, date(2026, 11, 26), "改成周四") == at(12, 3, 15)
    assert moved(wednesday_3pm, at(11, 26, 11), "change to Thursday 11am") == at(12, 3, 11)
    assert moved(wednesday_3pm, at(11, 24, 16), "改为下午4点") == at(12, 2, 16)
    assert moved(wednesday_3pm, date(2026, 12, 10), "改成12月10日") == at(12, 10, 15)
    assert moved(date(2026, 12, 2), date(2026, 11, 26), "改成周四") == date(2026, 12, 3)


def test_next_week_said_on_a_sunday_is_the_week_that_starts_tomorrow(parser: Parser) -> None:
    assert parser.parse("#3 下周三 下午3点 演示", SUNDAY).next_at == at(12, 9, 15)
    assert parser.parse("#3 demo next Wednesday 3pm", SUNDAY).next_at == at(12, 9, 15)
