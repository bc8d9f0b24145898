"""Pure rules of issue #16: feedback themes by keyword (zh and en), least-used features with zero uses."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from domain.feedback_themes import OTHER, group_by_theme, quote, theme_of
from domain.usage import Feedback, UsageMonth

AT = datetime(2026, 11, 3, tzinfo=UTC)


def fb(text: str, minutes: int = 0) -> Feedback:
    return Feedback(1, "console", "c", False, "zh", text, AT + timedelta(minutes=minutes))


def test_themes_are_found_by_chinese_and_english_keywords_in_order() -> None:
    assert theme_of("提醒太慢了").key == "reminders"  # reminders come before speed
    assert theme_of("The bot did not understand my sentence").key == "understanding"
    assert theme_of("看板打不开").key == "reports"
    assert theme_of("回复很慢").key == "speed"
    assert theme_of("点按钮报错").key == "bugs"
    assert theme_of("Feature: export to Excel").key == "features"
    assert theme_of("挺好的") is OTHER


def test_groups_are_counted_with_the_newest_three_quotes() -> None:
    items = [fb("提醒一", 1), fb("提醒二", 2), fb("提醒三", 3), fb("提醒四", 4), fb("报表错", 5), fb("随便", 6)]
    groups = group_by_theme(items)
    assert [(g.theme.key, g.count, g.examples) for g in groups] == [
        ("reminders", 4, ("提醒四", "提醒三", "提醒二")), ("reports", 1, ("报表错",)), ("other", 1, ("随便",))]


def test_a_long_quote_is_cut_on_one_line() -> None:
    assert quote("a\nb  c") == "a b c"
    assert quote("长" * 100) == "长" * 79 + "…"


def test_registered_commands_never_used_are_the_least_used() -> None:
    month = UsageMonth(date(2026, 11, 1), (("新客户", 5), ("阶段", 2)), 0, 0, 0, 0, (), (),
                       registered=("新客户", "阶段", "报价", "撤销"))
    assert month.least_used(3) == [("报价", 0), ("撤销", 0), ("阶段", 2)]
    assert month.most_used() == [("新客户", 5), ("阶段", 2)]
    assert month.undo_rate is None and month.fallback_rate is None
