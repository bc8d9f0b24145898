"""Common questions a tester found misread, end to end on both engines (fixture company of
tests/analytics_company.py; now is Tuesday 2026-12-15 10:00): each is answered with the right numbers, scope
and period, and asking stores nothing — not through a command whose word opens the question (win rate…,
deals of…), not through the parser."""

from __future__ import annotations

from tests.e2e.analytics_world import nothing_stored
from tests.e2e.harness import Console


async def test_win_rate_and_new_deals(company: Console) -> None:
    async with nothing_stored(company):
        admin = await company.say("win rate this quarter", as_user="管理员")
        own = await company.say("win rate this quarter", as_user="王强")
        team = await company.say("这个季度赢率多少", as_user="赵敏")
        new = await company.say("本月新增多少商机", as_user="赵敏")
        # Q4 closed: won D1, D2, D8, lost D3 = 3 / 4; 王强: D8 won, nothing lost; 华东一组: D1, D2 won, D3 lost.
        assert "全公司 · 2026年第4季度 赢率 75%" in admin and "赢单 3 个 · 输单 1 个" in admin
        assert "王强 · win rate for Q4 2026: 100%" in own and "Scope: 王强" in own
        assert "华东一组 · 2026年第4季度 赢率 67%" in team
        # December in 华东一组: D5 created 12-01; leads 12-02 and 12-12.
        assert "华东一组 · 2026年12月 新增商机 1 个" in new and "新商机 1 个 · 新线索 2 条" in new
        assert "期间：2026年12月（2026-12-01 至 2026-12-31）" in new


async def test_results_asked_many_ways(company: Console) -> None:
    async with nothing_stored(company):
        last_month = await company.say("上个月赢了多少单", as_user="管理员")
        signed = await company.say("张伟这个月签了几单", as_user="赵敏")
        doing = await company.say("how is 王强 doing this quarter", as_user="钱进")
        q4 = await company.say("Q4怎么样", as_user="管理员")
        assert "全公司 · 2026年11月 业绩" in last_month and "赢单 1 个 · 40万" in last_month  # D8, 11-15
        assert "张伟 · 2026年12月 业绩" in signed and "赢单 1 个 · 30万" in signed and "输单 1 个 · 赢率 50%" in signed
        assert "王强 · 2026年第4季度 业绩" in doing and "赢单 1 个 · 40万" in doing
        assert "全公司 · 2026年第4季度 业绩" in q4 and "赢单 3 个 · 90万" in q4


async def test_leaderboard_and_a_reps_place(company: Console) -> None:
    best = await company.say("谁的业绩最好", as_user="管理员")
    place = await company.say("李娜这个季度排第几", as_user="管理员")
    team = await company.say("李娜这个季度排第几", as_user="赵敏")
    other = await company.say("王强这个季度排第几", as_user="赵敏")
    assert best.index("1. 张伟 · 赢单 1 个 · 30万") < best.index("2. 李娜 · 赢单 1 个 · 20万")
    # Q4: 王强 40万, 张伟 30万, 李娜 20万; within 华东一组: 张伟, 李娜.
    assert "李娜 2026年第4季度 排第 3 名（共 3 位有赢单的同事）" in place and "赢单 1 个 · 20万" in place
    assert "排第 2 名（共 2 位有赢单的同事）" in team and "范围：华东一组" in team
    assert "「王强」不在你的查看范围内" in other and "万" not in other


async def test_a_rep_asking_their_own_place_is_ranked_within_their_team_without_colleagues_numbers(
        company: Console) -> None:
    async with nothing_stored(company):
        mine = await company.say("我这个季度排第几", as_user="李娜")
        first = await company.say("where do I rank this quarter", as_user="张伟")  # 张伟 reads Chinese
        # Q4 in 华东一组: 张伟 30万 first, 李娜 20万 second (王强, 40万, is in another team).
        assert "李娜 2026年第4季度 排第 2 名（共 2 位有赢单的同事）" in mine and "范围：华东一组" in mine
        assert "赢单 1 个 · 20万" in mine and "30万" not in mine and "张伟" not in mine
        assert "张伟 2026年第4季度 排第 1 名（共 2 位有赢单的同事）" in first and "20万" not in first


async def test_who_is_behind_and_what_is_due(company: Console) -> None:
    async with nothing_stored(company):
        behind = await company.say("who is behind on follow-ups", as_user="管理员")
        team = await company.say("谁的跟进逾期了", as_user="赵敏")
        tomorrow = await company.say("明天要跟进哪些", as_user="管理员")
        week = await company.say("本周要跟进哪些", as_user="管理员")
        # Overdue at 12-15 10:00: D4 (张伟, 12-10), D5 (李娜, 12-14 09:00).
        assert "全公司 · 跟进逾期的同事 2 位，共 2 个商机" in behind
        assert behind.index("张伟 · 逾期 1 个") < behind.index("李娜 · 逾期 1 个")
        assert "华东一组 · 跟进逾期的同事 2 位" in team
        assert "要跟进的商机 0 个" in tomorrow and "期间：2026年12月16日（2026-12-16）" in tomorrow
        assert "要跟进的商机 2 个" in week and "#5 安全" in week and "#9 仓储" in week


async def test_one_reps_or_one_teams_deals_and_a_teams_stalled_deals(company: Console) -> None:
    async with nothing_stored(company):
        rep = await company.say("deals of 张伟", as_user="赵敏")
        team = await company.say("华北组的商机", as_user="钱进")
        not_yours = await company.say("华北组的商机", as_user="赵敏")
        stalled = await company.say("卡住的商机 华东一组", as_user="管理员")
        mine = await company.say("我的商机", as_user="张伟")
        assert "张伟的进行中商机 1 个 · 50万" in rep and "#4 数据中台" in rep and "安全" not in rep
        assert "华北组的进行中商机 2 个 · 100万 + $20,000" in team and "#9 仓储" in team and "@王强" in team
        assert "「华北组」不在你的查看范围内" in not_yours and "仓储" not in not_yours
        # Stalled in 华东一组: D4 (negotiation since 11-20), D5 (proposal since 12-03), D6 (initial since 10-01).
        assert "华东一组 · 卡住的商机 3 个" in stalled and "仓储" not in stalled
        assert "数据中台" in mine  # 我的商机 stays the command


async def test_conversion_is_the_funnel(company: Console) -> None:
    out = await company.say("转化率怎么样", as_user="管理员")
    assert "初步接触 → 方案提案 8/9 (89%)" in out and "转化统计：2026-09-16 至今" in out
