"""Risk warnings end to end through the console, on SQLite and PostgreSQL: the scan pushes each rep their
own warnings and the manager a roll-up; `风险` / `risks` lists what the asker may see (rep: own, manager:
the team's, admin: everyone's), in their language, and leaves out what was fixed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from domain.risks import RiskSettings
from scheduler.risks import scan_risks
from tests.e2e.harness import Console


async def scan(console: Console, after: timedelta) -> str:
    console.clock.now += after
    uow_factory: Any = console.app.uow_factory
    await scan_risks(uow_factory, console.clock.now, RiskSettings())
    await console.app.dispatcher.drain()
    return console.read()


async def three_overdue_deals(console: Console) -> None:
    """#1 张伟's and #2 李娜's (华东一组), #3 陈晨's (华南一组): each next step due on the 25th."""
    await console.say("新客户 杭州明途信息技术有限公司 区域 华东")
    await console.say("新商机 明途 MES 80万")
    await console.say("跟进 #1 电话沟通 下次 2026-11-25 发方案")
    await console.say("新商机 明途 二期 50万", as_user="lina")
    await console.say("跟进 #2 电话沟通 下次 2026-11-25 演示", as_user="lina")
    await console.say("新客户 深圳南山科技有限公司 区域 华南", as_user="chen")
    await console.say("deal add 南山 WMS 300000", as_user="chen")
    await console.say("follow #3 called next 2026-11-25 demo", as_user="chen")
    console.read()


async def test_the_scan_pushes_each_rep_their_own_and_the_manager_the_team(console: Console) -> None:
    await three_overdue_deals(console)
    pushed = await scan(console, timedelta(days=2))  # Thursday the 26th, 10:00
    assert "#1 MES：下一步「发方案」已逾期 1 天（2026-11-25）" in pushed
    assert "发送：查看 #1" in pushed
    assert "#3 WMS: the next step (demo) is 1 days overdue (2026-11-25)" in pushed
    assert "📊 团队风险汇总 · 华东一组：新增 2 条" in pushed
    assert await scan(console, timedelta(hours=1)) == ""  # nothing new: nothing sent


async def test_risks_lists_only_what_the_asker_may_see(console: Console) -> None:
    await three_overdue_deals(console)
    await scan(console, timedelta(days=2))
    mine = await console.say("风险", as_user="zhangwei")
    assert "当前风险 1 条" in mine and "#1 MES" in mine and "#2" not in mine and "#3" not in mine
    team = await console.say("风险", as_user="wang")
    assert "当前风险 2 条" in team and "#1 MES (@张伟)" in team and "#2 二期 (@李娜)" in team
    assert "#3" not in team
    everyone = await console.say("risks", as_user="admin")
    assert "当前风险 3 条" in everyone and "#3 WMS (@陈晨)" in everyone
    english = await console.say("risks", as_user="chen")
    assert "1 current risk warnings" in english and "#3 WMS: the next step (demo) is 1 days overdue" in english
    assert "#1" not in english


async def test_when_the_ledger_holds_more_than_is_read_the_header_says_of_how_many(
        console: Console, monkeypatch: pytest.MonkeyPatch) -> None:
    await three_overdue_deals(console)
    await scan(console, timedelta(days=2))
    monkeypatch.setattr("scheduler.risk_current.RECENT", 2)
    everyone = await console.say("风险", as_user="admin")
    assert "最新 2 条风险提醒中仍成立的 2 条" in everyone and "当前风险" not in everyone
    assert "#3 WMS" in everyone and "#2 二期" in everyone and "#1 MES" not in everyone  # the newest two
    assert "1 current risk warnings" in await console.say("risks", as_user="chen")  # one row: all of it read


async def test_a_fixed_risk_leaves_the_list(console: Console) -> None:
    await three_overdue_deals(console)
    await scan(console, timedelta(days=2))
    await console.say("跟进 #1 方案已发 下次 2026-12-01 报价", as_user="zhangwei")
    assert "目前没有风险提醒" in await console.say("风险", as_user="zhangwei")
    assert "当前风险 1 条" in await console.say("风险", as_user="wang")


async def test_a_handed_over_deal_leaves_the_former_owners_list(console: Console) -> None:
    await three_overdue_deals(console)
    await scan(console, timedelta(days=2))
    await console.say("转给 #1 陈晨", as_user="wang")
    assert "目前没有风险提醒" in await console.say("风险", as_user="zhangwei")


async def test_a_quote_cut_during_the_day_is_warned_about_at_the_next_scan(console: Console) -> None:
    await console.say("新客户 杭州明途信息技术有限公司 区域 华东", as_user="zhangwei")
    await console.say("新商机 明途 MES 80万", as_user="zhangwei")
    await scan(console, timedelta(hours=1))  # the day's full scan: nothing yet
    await console.say("报价 #1 100万", as_user="zhangwei")
    await console.say("报价 #1 85万 让利", as_user="zhangwei")
    pushed = await scan(console, timedelta(hours=1))  # a later scan the same day: only what changed
    assert "#1 MES：报价从 v1 100万 降到 v2 85万（降 15%）" in pushed
    assert "发送：报价历史 #1" in pushed
    assert await scan(console, timedelta(hours=1)) == ""
