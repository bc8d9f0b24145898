"""The questions a tester found misread and the period words read as names (bot.nlp.questions,
bot.nlp.period_words, bot.analytics_periods): what each is read as; what stays a record or a command."""

from __future__ import annotations

from datetime import date

import pytest

from bot.analytics_periods import TwoPeriods, one_period, period_label, resolve_period
from bot.handlers.analytics import split_period
from bot.nlp import Parser
from bot.nlp.period_words import period_mentions
from bot.nlp.questions import Question, read_question
from domain.analytics import Period
from tests.nlp.conftest import NOW

TODAY = date(2026, 12, 15)


def test_who_is_behind_asks_per_rep() -> None:
    assert read_question("谁的跟进逾期了") == Question("overdue", by_rep=True)
    assert read_question("who is behind on follow-ups") == Question("overdue", by_rep=True)
    assert read_question("逾期的跟进") == Question("overdue")


def test_questions_opening_with_a_command_word_parse_as_queries() -> None:
    parser = Parser()
    for text in ("win rate this quarter", "deals of 张伟", "成交率怎么样"):
        result = parser.parse(text, NOW)
        assert (result.intent, result.stage, result.amount) == ("query", None, None), text


@pytest.mark.parametrize(("words", "expected"), [
    ("下个月", Period.month(date(2027, 1, 1))), ("next month", Period.month(date(2027, 1, 1))),
    ("下季度", Period.quarter(date(2027, 1, 1))), ("next quarter", Period.quarter(date(2027, 1, 1))),
    ("明年", Period.year(date(2027, 1, 1))), ("next year", Period.year(date(2027, 1, 1))),
    ("十二月", Period.month(date(2026, 12, 1))), ("12月", Period.month(date(2026, 12, 1))),
    ("December", Period.month(date(2026, 12, 1))), ("十月", Period.month(date(2026, 10, 1))),
    ("昨天", Period.day(date(2026, 12, 14))), ("明天", Period.day(date(2026, 12, 16))),
    ("上半年", Period(date(2026, 1, 1), date(2026, 7, 1))), ("下半年", Period(date(2026, 7, 1), date(2027, 1, 1))),
    ("H1 2025", Period(date(2025, 1, 1), date(2025, 7, 1))),
    ("近30天", Period(date(2026, 11, 16), date(2026, 12, 16))),
    ("最近30天", Period(date(2026, 11, 16), date(2026, 12, 16))),
    ("last 30 days", Period(date(2026, 11, 16), date(2026, 12, 16))),
    ("2026-11-15", Period.day(date(2026, 11, 15))), ("2026年11月15日", Period.day(date(2026, 11, 15))),
])
def test_more_period_words_resolve_against_today(words: str, expected: Period) -> None:
    assert resolve_period(words, TODAY) == expected


def test_period_words_are_taken_whole_out_of_command_arguments() -> None:
    assert split_period("2026-11-15") == ("2026-11-15", "")
    assert split_period("华东一组 下个月") == ("下个月", "华东一组")
    assert split_period("east team last 30 days") == ("last 30 days", "east")
    assert period_mentions("业绩 2026Q4 2026Q3") == ["2026Q4", "2026Q3"]


def test_two_different_periods_are_refused_the_same_one_twice_is_not() -> None:
    with pytest.raises(TwoPeriods) as err:
        one_period(["2026Q4", "2026Q3"], TODAY)
    assert "2026Q4" in err.value.message("zh") and "Two periods" in err.value.message("en")
    assert one_period(["这个月", "本月"], TODAY) == Period.month(TODAY)


def test_half_years_are_labelled_and_a_day_is_written_once() -> None:
    assert period_label(Period(date(2026, 1, 1), date(2026, 7, 1)), "zh") == "2026年上半年"
    assert period_label(Period(date(2026, 7, 1), date(2027, 1, 1)), "en") == "H2 2026"
