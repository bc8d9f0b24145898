"""日报 through the console, on SQLite and PostgreSQL: the rep's commands, the manager's view, the jobs."""

from __future__ import annotations

from datetime import timedelta

from domain.daily_report import DailyReport, DailyReportSettings, ReportStatus
from scheduler.daily_reports import draft_daily_reports, send_team_reports
from scheduler.morning import send_morning_lists
from tests.e2e.conftest import NOW
from tests.e2e.harness import Console

SETTINGS = DailyReportSettings()
DAY = NOW.date()


async def stored(console: Console, name: str) -> DailyReport | None:
    async with console.app.uow_factory() as uow:
        rep = await uow.reps.by_name(name)
        assert rep is not None and rep.id is not None
        return await uow.daily_reports.get(rep.id, DAY)


async def record_day(console: Console) -> None:
    await console.say("跟进 #1 拜访客户 现场演示 下次 明天 10:00 发合同")
    await console.say("阶段 #1 方案提案")
    await console.say("报价 #1 75万")


async def test_the_days_records_appear_in_todays_report(console_with_deal: Console) -> None:
    await record_day(console_with_deal)
    out = await console_with_deal.say("日报")
    assert out.split("\n")[:8] == [
        "📝 张伟 11月24日 日报（草稿）", "今日工作：", "1. 拜访 · #1 MES（明途）：拜访客户 现场演示",
        "2. 新商机 #1 MES", "3. #1 MES：初步接触 → 方案提案", "4. #1 MES 报价 v1：75万",
        "明日计划：", "1. 10:00 #1 明途 · 发合同"]
    report = await stored(console_with_deal, "张伟")
    assert report is not None and report.status is ReportStatus.DRAFT and len(report.lines) == 4


async def test_adding_a_line_and_confirming_change_the_stored_report(console_with_deal: Console) -> None:
    c = console_with_deal
    assert "已补充到今天的日报。" in await c.say("日报 补充 下午和客户开了电话会")
    report = await stored(c, "张伟")
    assert report is not None and report.note == "下午和客户开了电话会" and not report.submitted
    assert "✅ 日报已提交。" in await c.say("日报 确认")
    report = await stored(c, "张伟")
    assert report is not None and report.status is ReportStatus.SUBMITTED and report.submitted_at == NOW
    assert "已经提交过了，没有更改" in await c.say("日报 确认")
    assert "已经提交，不能再补充" in await c.say("日报 补充 再来一行")
    assert (await stored(c, "张伟")) == report  # the refused line changed nothing


async def test_bad_input_is_explained_and_changes_nothing(console: Console) -> None:
    assert "补充内容无效：不能为空" in await console.say("日报 补充")
    assert "不认识「删除」。用法：日报 ｜ 日报 确认" in await console.say("日报 删除")
    assert "日期「2020-01-01」不对" in await console.say("日报 确认 2020-01-01")
    assert "只有经理可以查看团队日报" in await console.say("日报 团队")
    assert "「团队」后面不需要别的内容（「华南」）" in await console.say("日报 团队 华南", as_user="wang")
    out = await console.say("daily report add", as_user="chen")
    assert out.startswith("Invalid added line: it is empty")
    assert "'remove' is not something a daily report does" in await console.say("daily report remove")
    assert await stored(console, "张伟") is None
    report = await stored(console, "陈晨")
    assert report is None or (report.note == "" and not report.submitted)


async def test_an_english_rep_submits_in_english(console: Console) -> None:
    out = await console.say("daily report submit", as_user="chen")
    assert out.startswith("✅ Daily report submitted.\n📝 陈晨's daily report, Tue 24 Nov (submitted)")
    assert "No visits, follow-ups, stage moves, quotes or payments were recorded today." in out
    report = await stored(console, "陈晨")
    assert report is not None and report.submitted


async def test_the_manager_sees_who_has_not_submitted(console: Console) -> None:
    await console.say("日报 确认")
    await console.say("日报", as_user="lina")
    out = await console.say("日报 团队", as_user="wang")
    assert out.split("\n")[:4] == ["📋 华东一组 11月24日 日报：已提交 1/2", "已提交：张伟", "草稿未确认：李娜",
                                   "还没有日报：无"]


async def test_the_jobs_draft_send_the_team_once_and_tell_a_late_submission(console_with_deal: Console) -> None:
    c = console_with_deal
    await record_day(c)
    c.clock.now = NOW.replace(hour=18, minute=30)
    assert await draft_daily_reports(c.app.uow_factory, c.clock.now, SETTINGS) == 3  # 张伟, 李娜, 陈晨
    await c.app.dispatcher.drain()
    out = c.read()
    assert "📝 张伟 11月24日 日报（草稿）" in out and "[→ lina] 📝 李娜 11月24日 日报（草稿）" in out
    assert "✅ 日报已提交。" in await c.say("日报 确认 2026-11-24")  # the draft's button
    c.clock.now = NOW.replace(hour=20, minute=0)
    assert await send_team_reports(c.app.uow_factory, c.clock.now, SETTINGS) == 1  # 华东一组 to 王经理
    assert await send_team_reports(c.app.uow_factory, c.clock.now + timedelta(minutes=1), SETTINGS) == 0
    assert await draft_daily_reports(c.app.uow_factory, c.clock.now, SETTINGS) == 0
    await c.app.dispatcher.drain()
    out = c.read()
    assert out.count("[→ wang] 📋 华东一组 11月24日 日报（已提交 1/2）") == 1
    late = await c.say("日报 确认", as_user="lina")
    assert "✅ 日报已提交。" in late and "[→ wang] 📝 李娜 补交了 2026-11-24 的日报：" in late


async def test_the_morning_list_arrives_once(console_with_deal: Console) -> None:
    c = console_with_deal
    await c.say("跟进 #1 电话沟通 下次 明天 9:00 发方案")
    c.clock.now = NOW + timedelta(days=1, hours=-1)  # Wednesday 09:00
    assert await send_morning_lists(c.app.uow_factory, c.clock.now, SETTINGS) == 4  # reps and manager
    assert await send_morning_lists(c.app.uow_factory, c.clock.now, SETTINGS) == 0
    await c.app.dispatcher.drain()
    out = c.read()
    assert "☀️ 早上好，张伟！11月25日 今天要做：\n1. 09:00 #1 明途 · 发方案" in out
    assert out.count("☀️ 早上好，张伟") == 1
