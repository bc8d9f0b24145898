"""Questions in chat and the numbers commands, end to end on both engines, against the fixture company of
tests/analytics_company.py (numbers worked out there by hand). Every answer names its scope and period;
asking never stores anything; asking about someone one may not see answers "not yours" without numbers."""

from __future__ import annotations

from tests.e2e.analytics_world import nothing_stored
from tests.e2e.harness import Console


async def test_manager_asks_how_the_month_goes_and_gets_the_teams_numbers(company: Console) -> None:
    async with nothing_stored(company):
        out = await company.say("这个月业绩如何", as_user="赵敏")
        # 华东一组 in December: won D1 30万 + D2 20万, lost D3, new D5, leads 12-02 and 12-12.
        assert "华东一组 · 2026年12月 业绩" in out
        assert "赢单 2 个 · 50万" in out and "输单 1 个 · 赢率 67%" in out and "新商机 1 个 · 新线索 2 条" in out
        assert "范围：华东一组 · 期间：2026年12月（2026-12-01 至 2026-12-31）" in out
        assert "时间已过 48%" in out  # 15 of 31 days


async def test_admin_asks_about_a_region_for_the_quarter(company: Console) -> None:
    async with nothing_stored(company):
        out = await company.say("华东团队这个季度赢单多少", as_user="管理员")
        # Q4 for 华东 (= 华东一组): D1 + D2; D8 (40万) belongs to 华北组.
        assert "华东一组 · 2026年第4季度 业绩" in out and "赢单 2 个 · 50万" in out
        assert "期间：2026年第4季度（2026-10-01 至 2026-12-31）" in out and "40万" not in out


async def test_rep_asks_in_english_and_gets_only_their_own_numbers(company: Console) -> None:
    async with nothing_stored(company):
        out = await company.say("how did Q4 go", as_user="王强")
        assert "王强 · results for Q4 2026" in out and "Won 1 deal · ¥400,000" in out
        assert "Scope: 王强 · Period: Q4 2026 (2026-10-01 – 2026-12-31)" in out


async def test_asking_about_another_team_or_rep_is_not_yours_without_numbers(company: Console) -> None:
    async with nothing_stored(company):
        other_team = await company.say("华北组这个季度赢单多少", as_user="赵敏")
        other_rep = await company.say("李娜这个月业绩", as_user="张伟")
        deals = await company.say("张伟's deals", as_user="王强")
        assert "「华北组」不在你的查看范围内" in other_team and "万" not in other_team
        assert "「李娜」不在你的查看范围内" in other_rep and "万" not in other_rep
        assert deals.startswith("Not yours") and "¥" not in deals and "数据中台" not in deals


async def test_unknown_period_or_team_gets_a_clear_answer(company: Console) -> None:
    period = await company.say("2026Q5业绩", as_user="管理员")
    team = await company.say("火星组业绩如何", as_user="赵敏")
    english = await company.say("results Q9", as_user="王强")
    assert "看不懂时间段「2026q5」" in period and "2026Q4" in period
    assert "不认识「火星组」" in team
    assert "Could not read the period 'Q9'" in english


async def test_one_reps_deals_and_a_customers_history(company: Console) -> None:
    async with nothing_stored(company):
        deals = await company.say("张伟的商机", as_user="赵敏")
        history = await company.say("明途信息的历史", as_user="赵敏")
        # D4 is his only open one
        assert "张伟的进行中商机 1 个 · 50万" in deals and "#4 数据中台 · 谈判 · 50万" in deals
        assert "明途信息技术有限公司 的历史" in history
        assert "#1 云平台 · 赢单 · 30万 · 创建于" in history and "#3 CRM · 输单" in history
        assert "仓储" not in history and "另有 3 个商机由同事负责" in history  # D8, D9, D10 are 华北组's


async def test_stalled_and_overdue_lists_carry_true_counts(company: Console) -> None:
    stalled = await company.say("哪些商机卡住了", as_user="管理员")
    steps = await company.say("逾期的跟进", as_user="赵敏")
    payments = await company.say("overdue payments", as_user="王强")
    assert "全公司 · 卡住的商机 4 个" in stalled and stalled.index("#6 培训") < stalled.index("#9 仓储")
    assert "华东一组 · 逾期的跟进 2 个" in steps and "#4 数据中台" in steps and "#5 安全" in steps
    assert "王强 · 1 deal with overdue payments" in payments and "#8 物流 · Won · ¥150,000" in payments


async def test_funnel_forecast_and_leaderboard_commands(company: Console) -> None:
    funnel = await company.say("漏斗", as_user="管理员")
    forecast = await company.say("预测", as_user="管理员")
    board = await company.say("排行 本季度", as_user="管理员")
    english = await company.say("forecast this month", as_user="王强")
    assert "谈判 2 个 · 150万" in funnel and "方案提案 2 个 · 10万 + $20,000" in funnel
    assert "初步接触 → 方案提案 8/9 (89%)" in funnel and "谈判 → 赢单 3/5 (60%)" in funnel
    assert "平均成交周期 47.7 天" in funnel and "转化统计：2026-09-16 至今" in funnel and "范围：全公司" in funnel
    assert "加权预测 90.5万 + $6,000" in forecast and "已赢单 50万" in forecast
    assert "合计（已赢单 + 加权预测）140.5万 + $6,000" in forecast
    assert board.index("1. 王强 · 赢单 1 个 · 40万") < board.index("2. 张伟") < board.index("3. 李娜")
    # 王强's own: D9 100万 × 0.6 and D10 $20k × 0.3 expected in December; nothing won in December.
    assert "Weighted forecast ¥600,000 + $6,000 (2 open deals" in english and "Scope: 王强" in english


async def test_questions_are_read_as_questions_not_as_records(company: Console) -> None:
    async with nothing_stored(company):
        for question in ("本季度漏斗", "上个月业绩", "今年赢单多少", "排行榜", "this month's results",
                         "which deals are stuck?", "leaderboard this month"):
            out = await company.say(question, as_user="管理员")
            assert "范围：全公司" in out or "Scope: whole company" in out, question
