"""Relative dates resolve against the message's own timestamp, in the user's time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.nlp import DateNotUnderstood, Parser, parse_when
from domain.errors import DomainError
from tests.nlp.conftest import NOW

SHANGHAI = ZoneInfo("Asia/Shanghai")
SUNDAY_NIGHT = datetime(2026, 11, 29, 21, 0, tzinfo=SHANGHAI)
LAST_OF_NOVEMBER = datetime(2026, 11, 30, 9, 0, tzinfo=SHANGHAI)
LAST_OF_JANUARY = datetime(2027, 1, 31, 9, 0, tzinfo=SHANGHAI)


def at(day: int, hour: int, minute: int = 0, month: int = 11, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.mark.parametrize(("written", "expected"), [
    ("明早9点", at(25, 9)),
    ("明晚8点", at(25, 20)),
    ("后天下午4点", at(26, 16)),
    ("大后天", date(2026, 11, 27)),
    ("下周三上午10点", at(2, 10, month=12)),
    ("周五下午三点半", at(27, 15, 30)),
    ("礼拜五上午十一点半", at(27, 11, 30)),
    ("下周一上午9点半", at(30, 9, 30)),
    ("下下周一", date(2026, 12, 7)),
    ("本周五", date(2026, 11, 27)),
    ("周末", date(2026, 11, 28)),
    ("下周", date(2026, 11, 30)),
    ("本月底", date(2026, 11, 30)),
    ("月底前", date(2026, 11, 30)),
    ("下个月底", date(2026, 12, 31)),
    ("下个月初", date(2026, 12, 1)),
    ("下个月", date(2026, 12, 1)),
    ("12月中旬", date(2026, 12, 15)),
    ("年底", date(2026, 12, 31)),
    ("明年3月份", date(2027, 3, 1)),
    ("5天后", date(2026, 11, 29)),
    ("3天内", date(2026, 11, 27)),
    ("两周后", date(2026, 12, 8)),
    ("半个月后", date(2026, 12, 9)),
    ("3个月后", date(2027, 2, 24)),
    ("过两天", date(2026, 11, 26)),
    ("2小时后", at(24, 12)),
    ("下个月10号", date(2026, 12, 10)),
    ("8号", date(2026, 12, 8)),
    ("30号", date(2026, 11, 30)),
    ("12月8日前", date(2026, 12, 8)),
    ("十二月八日", date(2026, 12, 8)),
    ("1月15日", date(2027, 1, 15)),
    ("2026年12月15日", date(2026, 12, 15)),
    ("2026-12-15", date(2026, 12, 15)),
    ("12.25前", date(2026, 12, 25)),
    ("下午3点", at(24, 15)),
    ("3点", at(24, 15)),
    ("9点", at(25, 9)),
    ("14:30", at(24, 14, 30)),
    ("next Tuesday", date(2026, 12, 1)),
    ("next Monday", date(2026, 11, 30)),
    ("next Thursday", date(2026, 12, 3)),
    ("this Friday", date(2026, 11, 27)),
    ("Friday", date(2026, 11, 27)),
    ("in 2 weeks", date(2026, 12, 8)),
    ("in three days", date(2026, 11, 27)),
    ("in a month", date(2026, 12, 24)),
    ("Jan 15", date(2027, 1, 15)),
    ("January 15th, 2027", date(2027, 1, 15)),
    ("15 Dec", date(2026, 12, 15)),
    ("at 2pm on Friday", at(27, 14)),
    ("Friday at 2pm", at(27, 14)),
    ("tomorrow at 9am", at(25, 9)),
    ("tomorrow morning at 10", at(25, 10)),
    ("tomorrow at noon", at(25, 12)),
    ("end of the month", date(2026, 11, 30)),
    ("end of next month", date(2026, 12, 31)),
    ("next week", date(2026, 11, 30)),
    ("by 12/8", date(2026, 12, 8)),
    ("12/8", date(2026, 12, 8)),
    ("12/8/2027", date(2027, 12, 8)),
    ("the 28th", date(2026, 11, 28)),
    ("3.30pm", at(24, 15, 30)),
    ("元旦前", date(2027, 1, 1)),
    ("春节前", date(2027, 2, 6)),
    ("国庆后", date(2027, 10, 1)),
])
def test_parse_when_resolves_against_the_message_time(written: str, expected: date | datetime) -> None:
    assert parse_when(written, NOW) == expected


def test_times_of_day_come_back_aware_in_the_users_zone() -> None:
    value = parse_when("下周三上午10点", NOW)
    assert isinstance(value, datetime)
    assert value.isoformat() == "2026-12-02T10:00:00+08:00"


def test_next_week_on_a_sunday_means_the_week_that_starts_tomorrow() -> None:
    assert parse_when("下周一", SUNDAY_NIGHT) == date(2026, 11, 30)
    assert parse_when("下周三", SUNDAY_NIGHT) == date(2026, 12, 2)
    assert parse_when("next Monday", SUNDAY_NIGHT) == date(2026, 11, 30)
    assert parse_when("周一", SUNDAY_NIGHT) == date(2026, 11, 30)


def test_end_of_month_said_on_the_last_day_is_today() -> None:
    assert parse_when("本月底", LAST_OF_NOVEMBER) == date(2026, 11, 30)
    assert parse_when("end of month", LAST_OF_NOVEMBER) == date(2026, 11, 30)


def test_month_arithmetic_clamps_to_the_end_of_shorter_months() -> None:
    assert parse_when("下个月底", LAST_OF_JANUARY) == date(2027, 2, 28)
    assert parse_when("1个月后", LAST_OF_JANUARY) == date(2027, 2, 28)
    assert parse_when("in a month", LAST_OF_JANUARY) == date(2027, 2, 28)


def test_a_month_day_without_year_early_in_december_is_this_december() -> None:
    assert parse_when("12月8日前", at(1, 9, month=12)) == date(2026, 12, 8)


def test_a_month_day_just_missed_in_december_stays_in_the_past() -> None:
    with pytest.raises(DateNotUnderstood) as caught:
        parse_when("12月8日前", at(20, 9, month=12), future_only=True)
    assert caught.value.code == "date_in_past"


def test_a_december_date_written_in_january_is_the_coming_december() -> None:
    assert parse_when("12月8日前", at(12, 9, month=1, year=2027)) == date(2027, 12, 8)


def test_a_january_date_written_in_december_is_next_year() -> None:
    assert parse_when("1月15日", at(20, 9, month=12)) == date(2027, 1, 15)
    assert parse_when("Jan 15", at(20, 9, month=12)) == date(2027, 1, 15)


def test_a_day_of_month_already_past_means_next_month() -> None:
    assert parse_when("10号", NOW) == date(2026, 12, 10)
    assert parse_when("31号", at(5, 9, month=2, year=2027)) == date(2027, 3, 31)


def test_29_february_without_year_is_the_next_leap_year() -> None:
    assert parse_when("2月29日", NOW) == date(2028, 2, 29)


@pytest.mark.parametrize(("written", "code"), [
    ("2月30日", "date_invalid"),
    ("13月1日", "date_invalid"),
    ("2026-02-30", "date_invalid"),
    ("25点", "time_invalid"),
    ("明天25点", "time_invalid"),
    ("in 99999999 days", "date_invalid"),
])
def test_impossible_dates_are_rejected_with_a_problem(written: str, code: str) -> None:
    with pytest.raises(DateNotUnderstood) as caught:
        parse_when(written, NOW)
    assert caught.value.code == code
    assert isinstance(caught.value, DomainError)


def test_past_dates_are_returned_unless_only_the_future_is_wanted() -> None:
    assert parse_when("上周二", NOW) == date(2026, 11, 17)
    with pytest.raises(DateNotUnderstood):
        parse_when("上周二", NOW, future_only=True)


def test_parse_when_returns_none_without_a_date() -> None:
    assert parse_when("", NOW) is None
    assert parse_when("hello", NOW) is None
    assert parse_when("预算80万", NOW) is None


def test_the_users_day_is_used_not_the_servers() -> None:
    utc_evening = datetime(2026, 11, 24, 20, 30, tzinfo=UTC)  # 04:30 on the 25th in Shanghai
    assert parse_when("明天", utc_evening) == date(2026, 11, 26)
    assert parse_when("明天", utc_evening, ZoneInfo("America/New_York")) == date(2026, 11, 25)


def test_a_naive_now_is_read_in_the_users_zone() -> None:
    assert parse_when("明天下午3点", datetime(2026, 11, 24, 10, 0)) == at(25, 15)


def test_a_past_next_step_is_flagged_not_returned(parser: Parser) -> None:
    result = parser.parse("上周二再约", NOW)
    assert result.next_at is None
    assert "date_in_past" in result.problem_codes()


def test_dates_of_what_already_happened_are_not_flagged(parser: Parser) -> None:
    result = parser.parse("昨天见了王总，周五下午2点再聊", NOW)
    assert result.next_at == at(27, 14)
    assert "date_in_past" not in result.problem_codes()


def test_a_weekday_in_a_report_points_back(parser: Parser) -> None:
    result = parser.parse("周一见了万科企业股份有限公司的郁总", NOW)
    assert result.next_at is None
    assert "date_in_past" not in result.problem_codes()


def test_today_alone_dates_the_report_but_today_with_a_time_is_a_next_step(parser: Parser) -> None:
    assert parser.parse("今天见了吴总", NOW).next_at is None
    assert parser.parse("今天下午3点给吴总打电话", NOW).next_at == at(24, 15)


def test_the_earliest_future_moment_is_the_next_step(parser: Parser) -> None:
    result = parser.parse("#7 12月15日前交方案，下周一先电话沟通", NOW)
    assert result.next_at == date(2026, 11, 30)


def test_token_boundaries_inside_jieba_words_do_not_hide_dates(parser: Parser) -> None:
    assert parser.parse("3天后两点半约周总", NOW).next_at == at(27, 14, 30)
