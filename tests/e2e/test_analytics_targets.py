"""目标 / target and the targets import, end to end on both engines: who may set what, what is stored, and
the targets shown against actual and time elapsed (fixture company of tests/analytics_company.py)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from bot.importing_targets import import_targets_file
from domain.analytics import Target
from tests.analytics_company import NOW, Company
from tests.e2e.analytics_world import targets
from tests.e2e.harness import Console


async def test_manager_sets_the_teams_target_and_results_show_it(company_session: tuple[Console, Company]) -> None:
    console, company = company_session
    out = await console.say("目标 华东一组 2026Q4 150万", as_user="赵敏")
    east = company.teams["华东一组"]
    assert await targets(console, "2026Q4") == [Target("team", east, "2026Q4", Decimal(1_500_000))]
    # Q4 won by 华东一组: 50万 of 150万 = 33%; 76 of 92 days gone = 83%.
    assert "已设置目标：华东一组 2026年第4季度 150万" in out and "目标 150万 · 已完成 33% · 时间已过 83%" in out
    results = await console.say("业绩 本季度", as_user="赵敏")
    assert "目标 150万 · 已完成 33% · 时间已过 83%" in results and "范围：华东一组" in results
    again = await console.say("目标 华东一组 2026Q4 200万", as_user="赵敏")
    assert "（原为 150万）" in again
    assert [t.amount for t in await targets(console, "2026Q4")] == [Decimal(2_000_000)]


async def test_admin_sets_any_target_in_english_and_the_company_sums_team_targets(
        company_session: tuple[Console, Company]) -> None:
    console, company = company_session
    await console.say("target 华北组 2026-12 1m", as_user="管理员")
    await console.say("target 华东一组 2026-12 1m", as_user="管理员")
    out = await console.say("results", as_user="管理员")
    # December, whole company: won 50万 (D1 + D2) against 100万 + 100万; 15 of 31 days = 48%.
    assert "目标 200万 · 已完成 25% · 时间已过 48%" in out and "范围：全公司" in out
    rep = await console.say("target 王强 2027Q1 500k", as_user="管理员")
    assert "已设置目标：王强 2027年第1季度 50万" in rep  # the admin reads Chinese
    assert (await targets(console, "2027Q1")) == [Target("rep", company.reps["王强"], "2027Q1", Decimal(500_000))]


async def test_reps_and_other_teams_managers_may_not_set_targets(company_session: tuple[Console, Company]) -> None:
    console, _ = company_session
    rep = await console.say("目标 张伟 2026Q4 100万", as_user="张伟")
    other = await console.say("目标 华北组 2026Q4 100万", as_user="赵敏")
    english = await console.say("target 华东一组 2026Q4 1m", as_user="王强")
    assert "只有经理" in rep and "不是你管理的团队或组员" in other
    assert english.startswith("Only managers")
    assert await targets(console, "2026Q4") == []


async def test_bad_target_input_says_how_to_write_it_and_stores_nothing(
        company_session: tuple[Console, Company]) -> None:
    console, _ = company_session
    no_period = await console.say("目标 华东一组 150万", as_user="赵敏")
    a_year = await console.say("目标 华东一组 2027 150万", as_user="赵敏")
    no_amount = await console.say("目标 华东一组 2027Q1", as_user="赵敏")
    nobody = await console.say("目标 火星组 2027Q1 150万", as_user="赵敏")
    assert "缺少月份或季度" in no_period and "如：目标 华东一组 2027Q1 500万" in no_period
    assert "目标按月或按季度设置" in a_year
    assert "缺少金额" in no_amount
    assert "不认识「火星组」" in nobody
    assert await targets(console, "2027Q1") == [] and await targets(console, "2027") == []


async def test_targets_import_checks_every_row_and_writes_only_with_commit(
        company_session: tuple[Console, Company], tmp_path: Path) -> None:
    console, company = company_session
    sheet = tmp_path / "targets.csv"
    sheet.write_text("团队,销售,期间,目标\n华东一组,,2027Q1,500万\n,张伟,2027-01,80万\n火星组,,2027Q1,1万\n"
                     "华北组,,2027,1万\n华北组,,2027Q1,很多\n", encoding="utf-8")
    dry = await import_targets_file(console.app.uow_factory, sheet, commit=False, now=NOW)
    assert [row for row, _, _ in dry.targets] == [2, 3] and [row for row, _, _ in dry.errors] == [4, 5, 6]
    assert await targets(console, "2027Q1") == []
    done = await import_targets_file(console.app.uow_factory, sheet, commit=True, now=NOW)
    assert not done.dry_run and "第 4 行" in done.render()
    assert await targets(console, "2027Q1") == [Target("team", company.teams["华东一组"], "2027Q1", Decimal(5_000_000))]
    assert await targets(console, "2027-01") == [Target("rep", company.reps["张伟"], "2027-01", Decimal(800_000))]
