"""The evening draft and the team's reports: what is stored, what is queued, and that nothing goes twice."""

from __future__ import annotations

from datetime import timedelta

from domain.activity import FollowUp, FollowUpKind, ReminderKind
from domain.daily_report import DailyReportSettings, ReportStatus
from scheduler.daily_reports import current_report, draft_daily_reports, send_team_reports
from tests.daily.conftest import Factory
from tests.daily.world import DAY, at, make_world, outbox, record_day, remind

SETTINGS = DailyReportSettings()
ZHANG_LINES = [
    "拜访 · #1 MES（明途）：现场演示，客户认可",
    "#1 MES：初步接触 → 方案提案",
    "#1 MES 报价 v1：80万",
    "#1 MES 回款 10万（11-24 到账）",
]


async def test_the_draft_holds_the_days_records_and_tomorrows_plan(factory: Factory) -> None:
    w = await make_world(factory)
    await record_day(factory, w)
    async with factory() as uow:
        await remind(uow, w.zhang, at(10) + timedelta(days=1), "#1 发合同", w.deal, kind=ReminderKind.NEXT_STEP)
        await remind(uow, w.zhang, at(9) + timedelta(days=2), "后天的事")
        await uow.commit()
    assert await draft_daily_reports(factory, at(18, 29), SETTINGS) == 0
    assert await draft_daily_reports(factory, at(18, 30), SETTINGS) == 2  # 张伟 and 李娜; not the manager
    async with factory() as uow:
        report = await uow.daily_reports.get(w.zhang, DAY)
    assert report is not None and report.status is ReportStatus.DRAFT
    assert report.lines == ZHANG_LINES
    assert report.plan == ["10:00 #1 发合同"]
    assert report.team_id == w.team
    sent = {i.recipient: i for i in await outbox(factory)}
    assert set(sent) == {"zhangwei", "lina"}
    assert "1. 拜访 · #1 MES（明途）：现场演示，客户认可" in sent["zhangwei"].text
    assert "确认提交：回复「日报 确认 11-24」" in sent["zhangwei"].text
    assert sent["zhangwei"].extra["buttons"] == [{"text": "确认提交", "key": "日报 确认 2026-11-24"}]
    assert sent["zhangwei"].not_before is None  # 18:30 is outside the quiet hours


async def test_an_empty_day_says_so_and_still_asks_to_confirm(factory: Factory) -> None:
    w = await make_world(factory)
    await draft_daily_reports(factory, at(19), SETTINGS)
    text = {i.recipient: i.text for i in await outbox(factory)}["lina"]
    assert "今天没有记录到拜访、跟进、阶段变化、报价或回款。" in text
    assert "确认提交：回复「日报 确认 11-24」" in text
    async with factory() as uow:
        report = await uow.daily_reports.get(w.li, DAY)
    assert report is not None and report.lines == [] and report.plan == []


async def test_a_second_tick_and_a_clock_jump_back_send_nothing_again(factory: Factory) -> None:
    await make_world(factory)
    assert await draft_daily_reports(factory, at(18, 31), SETTINGS) == 2
    assert await draft_daily_reports(factory, at(18, 32), SETTINGS) == 0
    assert await draft_daily_reports(factory, at(18, 31), SETTINGS) == 0
    assert await draft_daily_reports(factory, at(23, 59), SETTINGS) == 0
    assert len(await outbox(factory)) == 2


async def test_a_report_submitted_before_the_draft_time_is_not_drafted_again(factory: Factory) -> None:
    w = await make_world(factory)
    async with factory() as uow:
        zhang = await uow.reps.get(w.zhang)
        report = await current_report(uow, zhang, DAY, at(17))
        report.submit(at(17))
        await uow.daily_reports.save(report)
        await uow.commit()
    assert await draft_daily_reports(factory, at(18, 30), SETTINGS) == 1
    assert [i.recipient for i in await outbox(factory)] == ["lina"]


async def submit(factory: Factory, rep_id: int, hour: int) -> None:
    async with factory() as uow:
        rep = await uow.reps.get(rep_id)
        report = await current_report(uow, rep, DAY, at(hour))
        report.add_line(f"{rep.name}补充的一行")
        report.submit(at(hour))
        await uow.daily_reports.save(report)
        await uow.commit()


async def test_the_manager_gets_the_teams_reports_once_after_the_deadline(factory: Factory) -> None:
    w = await make_world(factory)
    await record_day(factory, w)
    await draft_daily_reports(factory, at(18, 30), SETTINGS)
    await submit(factory, w.zhang, 19)
    async with factory() as uow:  # 李娜 records a call after her draft went out
        await uow.followups.add(FollowUp(w.li, "晚上回电", at(19, 30), w.deal, w.customer, kind=FollowUpKind.CALL))
        await uow.commit()
    assert await send_team_reports(factory, at(19, 59), SETTINGS) == 0  # 李娜 has not submitted yet
    assert await send_team_reports(factory, at(20), SETTINGS) == 1
    assert await send_team_reports(factory, at(20, 1), SETTINGS) == 0
    assert await send_team_reports(factory, at(20), SETTINGS) == 0
    to_manager = [i for i in await outbox(factory) if i.recipient == "wang"]
    assert len(to_manager) == 1
    text = to_manager[0].text
    assert text.startswith("📋 华东一组 11月24日 日报（已提交 1/2）")
    assert "【张伟】\n今日工作：\n1. 拜访 · #1 MES（明途）：现场演示，客户认可" in text
    assert "补充：\n- 张伟补充的一行" in text
    assert "【李娜】未提交（草稿未确认）" in text
    assert "3. 电话 · #1 MES（明途）：晚上回电" in text  # her draft, brought up to date


async def test_the_teams_reports_go_early_once_everyone_has_submitted(factory: Factory) -> None:
    w = await make_world(factory)
    await submit(factory, w.zhang, 18)
    assert await send_team_reports(factory, at(18, 45), SETTINGS) == 0
    await submit(factory, w.li, 19)
    assert await send_team_reports(factory, at(19, 1), SETTINGS) == 1
    assert await send_team_reports(factory, at(20, 1), SETTINGS) == 0
    (item,) = [i for i in await outbox(factory) if i.recipient == "wang"]
    assert "已提交 2/2" in item.text and "未确认" not in item.text


async def test_a_long_team_message_is_split_and_each_part_sent_once(factory: Factory) -> None:
    w = await make_world(factory)
    await record_day(factory, w)
    await draft_daily_reports(factory, at(18, 30), SETTINGS)
    small = DailyReportSettings(message_chars=120)
    assert await send_team_reports(factory, at(20, 5), small) == 1
    assert await send_team_reports(factory, at(20, 6), small) == 0
    parts = [i.text for i in await outbox(factory) if i.recipient == "wang"]
    assert len(parts) >= 2 and all(len(p) <= 120 for p in parts)
    assert parts[0].startswith("📋 华东一组") and "【张伟】" in "".join(parts) and "【李娜】" in "".join(parts)


async def test_a_reps_missing_report_shows_as_not_submitted(factory: Factory) -> None:
    w = await make_world(factory)
    async with factory() as uow:  # 李娜 cannot be reached: no draft, no report
        li = await uow.reps.get(w.li)
        li.identities = {}
        await uow.reps.save(li)
        await uow.commit()
    await draft_daily_reports(factory, at(18, 30), SETTINGS)
    await send_team_reports(factory, at(20), SETTINGS)
    (item,) = [i for i in await outbox(factory) if i.recipient == "wang"]
    assert "【李娜】未提交（没有日报）" in item.text
