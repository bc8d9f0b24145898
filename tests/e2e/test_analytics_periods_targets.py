"""Period words, a past period's funnel, forecast wording, target checks and wording, end to end on both
engines (fixture company of tests/analytics_company.py; now is Tuesday 2026-12-15 10:00 in Shanghai)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from bot.importing_targets import import_targets_file
from domain.analytics import Target
from tests.analytics_company import NOW
from tests.e2e.analytics_world import nothing_stored, targets
from tests.e2e.harness import Console


@pytest.mark.parametrize(("words", "title", "numbers", "when"), [
    ("下个月", "2027年1月 业绩", "赢单 0 个", "2027年1月（2027-01-01 至 2027-01-31）"),
    ("下季度", "2027年第1季度 业绩", "赢单 0 个", "2027年第1季度（2027-01-01 至 2027-03-31）"),
    ("明年", "2027年 业绩", "赢单 0 个", "2027年（2027-01-01 至 2027-12-31）"),
    ("十二月", "2026年12月 业绩", "赢单 2 个 · 50万", "2026年12月（2026-12-01 至 2026-12-31）"),
    ("12月", "2026年12月 业绩", "赢单 2 个 · 50万", "2026年12月（2026-12-01 至 2026-12-31）"),
    ("昨天", "2026年12月14日 业绩", "赢单 0 个", "2026年12月14日（2026-12-14）"),
    ("上半年", "2026年上半年 业绩", "赢单 1 个 · 8万", "2026年上半年（2026-01-01 至 2026-06-30）"),  # D7 06-30
    ("下半年", "2026年下半年 业绩", "赢单 3 个 · 90万", "2026年下半年（2026-07-01 至 2026-12-31）"),
    ("近30天", "2026-11-16 至 2026-12-15 业绩", "赢单 2 个 · 50万", "2026-11-16 至 2026-12-15"),  # not D8 (11-15)
    ("最近30天", "2026-11-16 至 2026-12-15 业绩", "赢单 2 个 · 50万", "2026-11-16 至 2026-12-15"),
    ("2026-11-15", "2026年11月15日 业绩", "赢单 1 个 · 40万", "2026年11月15日（2026-11-15）"),
    ("本周", "2026-12-14 至 2026-12-20 业绩", "赢单 0 个", "2026-12-14 至 2026-12-20"),
])
async def test_period_words_in_results(company: Console, words: str, title: str, numbers: str, when: str) -> None:
    async with nothing_stored(company):
        out = await company.say(f"业绩 {words}", as_user="管理员")
        assert f"全公司 · {title}" in out and numbers in out, out
        assert f"期间：{when}\n" in out or out.endswith(f"期间：{when}"), out


@pytest.mark.parametrize(("words", "label", "days"), [
    ("next month", "January 2027", "2027-01-01 – 2027-01-31"), ("next quarter", "Q1 2027", "2027-01-01 – 2027-03-31"),
    ("next year", "2027", "2027-01-01 – 2027-12-31"), ("December", "December 2026", "2026-12-01 – 2026-12-31"),
])
async def test_english_period_words(company: Console, words: str, label: str, days: str) -> None:
    out = await company.say(f"results {words}", as_user="王强")
    assert f"王强 · results for {label}" in out and f"Period: {label} ({days})" in out


async def test_last_30_days_in_english_and_two_periods_refused(company: Console) -> None:
    days = await company.say("results last 30 days", as_user="王强")
    two = await company.say("业绩 2026Q4 2026Q3", as_user="管理员")
    assert "Won 0 deals" in days and "Period: 2026-11-16 – 2026-12-15" in days  # D8 was won 11-15
    assert "写了两个时间段「2026Q4」和「2026Q3」" in two and "例如「2026Q4」" in two and "万" not in two


async def test_a_past_months_funnel_ends_with_the_month_and_names_it(company: Console) -> None:
    out = await company.say("漏斗 上个月", as_user="管理员")
    assert "全公司 · 2026年11月 销售漏斗" in out
    # November (see tests/storage/test_storage_analytics_more.py): 5 → 5 → 4 → 1; D8 won in 31 days.
    assert "初步接触 → 方案提案 5/5 (100%)" in out and "方案提案 → 谈判 4/5 (80%)" in out
    assert "谈判 → 赢单 1/4 (25%)" in out and "平均成交周期 31.0 天" in out
    assert "转化统计：2026-11-01 至 2026-11-30" in out
    none = await company.say("funnel 2026-12-14", as_user="王强")
    assert "Average cycle time: none (no deals won in the window)" in none and " - days" not in none


async def test_forecast_is_said_against_target_not_as_done(company: Console) -> None:
    await company.say("目标 全公司 2026-12 300万", as_user="管理员")
    await company.say("target 王强 2026-12 1m", as_user="管理员")
    forecast = await company.say("预测", as_user="管理员")
    results = await company.say("业绩", as_user="管理员")
    english = await company.say("forecast", as_user="王强")
    # Company: won 50万 + weighted 90.5万 = 140.5万 of the company-wide 300万 (not the teams' sum).
    assert "目标 300万 · 预测可达成目标的 47% · 时间已过 48%" in forecast and "已完成" not in forecast
    assert "目标 300万 · 已完成 17%" in results  # 50万 won
    # 王强: D9 100万 × 0.6 (+ $6,000, another currency, not compared) against ¥1,000,000.
    assert "Target ¥1,000,000 · forecast is 60% of target" in english


async def test_target_checks_say_what_is_wrong_and_store_nothing(company: Console) -> None:
    async with nothing_stored(company):
        dollars = await company.say("target 王强 this quarter $75k", as_user="钱进")
        bad = await company.say("目标 华东一组 2027Q5 500万", as_user="赵敏")
        bare = await company.say("目标", as_user="赵敏")
        over = await company.say("目标 华东一组 2020Q1 100万", as_user="赵敏")
        not_admin = await company.say("target company 2027Q1 50m", as_user="赵敏")
        assert "目标只能用公司的主币种（CNY）设置，「$75,000」是 USD" in dollars
        assert "期间「2027Q5」无效" in bad and "缺少月份或季度" not in bad
        assert "请写团队或同事" in bare and "用法：目标" in bare
        assert "「2020年第1季度」已经结束，不能再设目标" in over
        assert "只有管理员可以设置全公司目标" in not_admin


async def test_company_wide_target_is_shown_to_the_company_only(company: Console) -> None:
    out = await company.say("目标 全公司 2027Q1 5000万", as_user="管理员")
    await company.say("目标 华东一组 2027Q1 500万", as_user="管理员")
    assert "已设置目标：全公司 2027年第1季度 5000万" in out
    assert Target("company", 0, "2027Q1", Decimal(50_000_000)) in await targets(company, "2027Q1")
    whole = await company.say("业绩 2027Q1", as_user="管理员")
    team = await company.say("业绩 2027Q1", as_user="赵敏")
    assert "目标 5000万 · 已完成 0%" in whole and "目标 500万 · 已完成 0%" in team


async def test_target_import_reports_duplicates_other_currencies_and_ended_periods(
        company: Console, tmp_path: Path) -> None:
    sheet = tmp_path / "targets.csv"
    sheet.write_text("团队,销售,期间,目标,币种\n华东一组,,2027Q1,500万,\n,李娜,2027-01,80万,\n华北组,,2027Q1,1万,USD\n"
                     "华北组,,2020Q1,100万,\n,李娜,2027-01,90万,\n全公司,,2027Q1,5000万,\n", encoding="utf-8")
    done = await import_targets_file(company.app.uow_factory, sheet, commit=True, now=NOW)
    assert [row for row, _, _ in done.targets] == [2, 7] and [row for row, _, _ in done.errors] == [3, 4, 5, 6]
    text = done.render()
    assert "第 3 行 / row 3: 与第 6 行重复" in text and "duplicate of row 3" in text
    assert "主币种 CNY" in text and "已经结束" in text
    assert await targets(company, "2027-01") == []  # neither of the two rows for 李娜
    assert {t.scope_kind for t in await targets(company, "2027Q1")} == {"team", "company"}


async def test_wording_of_cards_and_help(company: Console) -> None:
    english = await company.say("customer 明途", as_user="王强")
    help_zh = await company.say("帮助", as_user="赵敏")
    help_en = await company.say("help", as_user="王强")
    assert "Customer: C" in english and "Customer：" not in english
    assert "你也可以直接问" in help_zh and "谁的跟进逾期了" in help_zh and "近30天" in help_zh
    assert "You can also just ask" in help_en and "win rate this quarter" in help_en
