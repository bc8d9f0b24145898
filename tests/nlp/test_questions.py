"""Questions about the numbers (bot.nlp.questions) and the period words (bot.analytics_periods): what is read
as a question, with which topic, period and subject; what stays a record to capture."""

from __future__ import annotations

from datetime import date

import pytest

from bot.analytics_periods import UnknownPeriod, period_label, resolve_period
from bot.handlers.analytics import split_period
from bot.nlp import Parser
from bot.nlp.questions import Question, read_question
from domain.analytics import Period
from tests.nlp.conftest import NOW

TODAY = date(2026, 12, 15)


@pytest.mark.parametrize(("text", "topic", "period", "subject"), [
    ("这个月业绩如何", "results", "这个月", ""),
    ("华东团队这个季度赢单多少", "results", "这个季度", "华东"),
    ("how did Q4 go", "results", "q4", ""),
    ("How did the East team do this quarter?", "results", "thisquarter", "East"),
    ("张伟这个月业绩", "results", "这个月", "张伟"),
    ("2026Q4业绩怎么样", "results", "2026q4", ""),
    ("张伟的商机", "deals_of", "", "张伟"),
    ("Zhang Wei's deals", "deals_of", "", "Zhang Wei"),
    ("明途信息的历史", "history", "", "明途信息"),
    ("history of Zenith Robotics", "history", "", "Zenith Robotics"),
    ("哪些商机卡住了", "stalled", "", ""),
    ("which deals are stuck?", "stalled", "", ""),
    ("逾期的跟进", "overdue", "", ""),
    ("预测", "forecast", "", ""),
    ("本季度漏斗", "funnel", "本季度", ""),
    ("华北组 Q4 排名", "leaderboard", "q4", "华北组"),
    ("leaderboard this month", "leaderboard", "thismonth", ""),
    # misread by a tester once
    ("win rate this quarter", "win_rate", "thisquarter", ""),
    ("这个季度赢率多少", "win_rate", "这个季度", ""),
    ("本月新增多少商机", "new_deals", "本月", ""),
    ("new deals this month", "new_deals", "thismonth", ""),
    ("deals of 张伟", "deals_of", "", "张伟"),
    ("华北一组的商机", "deals_of", "", "华北一组"),
    ("how is 吴婷 doing this quarter", "results", "thisquarter", "吴婷"),
    ("上个月赢了多少单", "results", "上个月", ""),
    ("马超这个月签了几单", "results", "这个月", "马超"),
    ("Q4怎么样", "results", "q4", ""),
    ("明天要跟进哪些", "due", "明天", ""),
    ("what are tomorrow's follow-ups", "due", "tomorrow", ""),
    ("谁的业绩最好", "leaderboard", "", ""),
    ("转化率怎么样", "funnel", "", ""),
    ("梁宇这个季度排第几", "rank", "这个季度", "梁宇"),
    ("where does 梁宇 rank this quarter", "rank", "thisquarter", "梁宇"),
    ("卡住的商机 华南一组", "stalled", "", "华南一组"),
    ("上半年业绩怎么样", "results", "上半年", ""),
    ("近30天赢单多少", "results", "近30天", ""),
])
def test_questions_are_read_with_topic_period_and_subject(text: str, topic: str, period: str, subject: str) -> None:
    assert read_question(text) == Question(topic, period, subject)


def test_overdue_payments_are_told_from_overdue_follow_ups() -> None:
    assert read_question("逾期的回款") == Question("overdue", "", "", overdue_payments=True)
    assert read_question("show me overdue payments") == Question("overdue", "", "", overdue_payments=True)


@pytest.mark.parametrize("text", [
    "今天拜访明途信息，赢单了",  # news: a stage change to record
    "客户说今年业绩不好，预算缩减",  # a note: the customer's results, not ours
    "we won the Zenith deal",
    "Won 明途 deal today 50万",
    "客户问我们这个季度业绩怎么样",  # a reported question
    "#12 历史记录",  # a deal's own commands stay with the deal
    "what deals are closing this month?",  # the existing deal list query
    "下周三上午10点去明途信息拜访",
    "我的商机",  # the command
    "明途怎么样",  # no period word: not a question about the numbers
    "明天跟进一下明途信息的报价",
    "follow up tomorrow with Zenith about the quote",
    "新商机 明途 50万",
    "赢单 明途 50万",
])
def test_records_and_other_queries_are_not_questions_about_the_numbers(text: str) -> None:
    assert read_question(text) is None


def test_a_question_parses_as_a_query_with_nothing_to_record() -> None:
    result = Parser().parse("华东团队这个季度赢单多少", NOW)
    assert (result.intent, result.stage, result.amount, result.next_at) == ("query", None, None, None)


@pytest.mark.parametrize(("words", "expected"), [
    ("这个月", Period.month(TODAY)), ("本月", Period.month(TODAY)), ("this month", Period.month(TODAY)),
    ("上个月", Period.month(date(2026, 11, 1))), ("last month", Period.month(date(2026, 11, 1))),
    ("这个季度", Period.quarter(TODAY)), ("本季度", Period.quarter(TODAY)), ("this quarter", Period.quarter(TODAY)),
    ("Q4", Period.quarter(TODAY)), ("2026Q4", Period.quarter(TODAY)), ("q1", Period.quarter(date(2026, 1, 1))),
    ("今年", Period.year(TODAY)), ("this year", Period.year(TODAY)), ("今天", Period.day(TODAY)),
    ("本周", Period(date(2026, 12, 14), date(2026, 12, 21), "week")), ("2027-01", Period.month(date(2027, 1, 1))),
    ("2027年1月", Period.month(date(2027, 1, 1))), ("2026年第4季度", Period.quarter(TODAY)),
])
def test_period_words_resolve_against_today(words: str, expected: Period) -> None:
    assert resolve_period(words, TODAY) == expected


def test_a_quarter_without_a_year_is_the_next_one_for_targets() -> None:
    assert resolve_period("Q1", TODAY, future=True) == Period.quarter(date(2027, 1, 1))
    assert resolve_period("Q4", TODAY, future=True) == Period.quarter(TODAY)  # not over yet


@pytest.mark.parametrize("words", ["Q5", "2026Q0", "13月", "someday"])
def test_unknown_periods_are_refused_with_examples(words: str) -> None:
    with pytest.raises(UnknownPeriod) as err:
        resolve_period(words, TODAY)
    assert words in err.value.message("zh") and "2026Q4" in err.value.message("en")


def test_period_labels_and_command_arguments() -> None:
    assert period_label(Period.quarter(TODAY), "zh") == "2026年第4季度"
    assert period_label(Period.month(TODAY), "en") == "December 2026"
    assert split_period("华东一组 本季度") == ("本季度", "华东一组")
    assert split_period("east team this quarter") == ("this quarter", "east")
    assert split_period("如何") == ("", "")
