"""Review findings on daily reports and the morning list, on SQLite and PostgreSQL: a draft held by quiet
hours carries its date, so confirming it the next morning confirms the right day (and reaches the manager as
a late report); the team report lists that rep as not submitted; reminders and next steps read
"#id 客户 · 下一步" in the morning list."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from domain.activity import Reminder, ReminderKind
from domain.daily_report import DailyReportSettings, ReportStatus
from scheduler.daily_reports import draft_daily_reports, send_team_reports
from scheduler.morning import send_morning_lists
from storage.models import OutboxRow
from tests.e2e.conftest import NOW
from tests.e2e.harness import Console

SETTINGS = DailyReportSettings()
DAY = NOW.date()  # 2026-11-24


async def lina_rows(console: Console) -> list[tuple[str, datetime | None, object]]:
    async with console.app.uow_factory() as uow:
        rows = (await uow.session.execute(  # type: ignore[attr-defined]
            select(OutboxRow).where(OutboxRow.recipient == "lina").order_by(OutboxRow.id))).scalars()
        return [(r.text, r.not_before, r.extra) for r in rows]


async def report_status(console: Console, day: datetime) -> ReportStatus | None:
    async with console.app.uow_factory() as uow:
        rep = await uow.reps.by_name("李娜")
        assert rep is not None and rep.id is not None
        report = await uow.daily_reports.get(rep.id, day.date())
        return report.status if report is not None else None


async def test_a_draft_held_by_quiet_hours_confirms_its_own_day_the_next_morning(console_with_deal: Console) -> None:
    c = console_with_deal
    await c.say("免打扰 18:00-09:00", as_user="lina")
    c.connector.user = "zhangwei"  # at 张伟's terminal: what goes to 李娜 shows as "[→ lina]"
    c.clock.now = NOW.replace(hour=18, minute=30)
    assert await draft_daily_reports(c.app.uow_factory, c.clock.now, SETTINGS) == 3
    await c.app.dispatcher.drain()
    assert "[→ lina]" not in c.read()  # held for her quiet hours
    ((text, not_before, extra),) = [row for row in await lina_rows(c) if "日报（草稿）" in row[0]]
    assert not_before == datetime(2026, 11, 25, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
    assert "确认提交：回复「日报 确认 11-24」" in text
    assert extra["buttons"] == [{"text": "确认提交", "key": "日报 确认 2026-11-24"}]  # type: ignore[index]

    c.clock.now = NOW.replace(hour=20, minute=0)
    assert await send_team_reports(c.app.uow_factory, c.clock.now, SETTINGS) == 1
    await c.app.dispatcher.drain()
    team = c.read()
    assert "[→ wang] 📋 华东一组 11月24日 日报（已提交 0/2）" in team and "【李娜】未提交（草稿未确认）" in team

    c.clock.now = NOW + timedelta(days=1, hours=-1)  # Wednesday 09:00: the draft arrives
    await c.app.dispatcher.drain()
    assert "[→ lina] 📝 李娜 11月24日 日报（草稿）" in c.read()
    c.clock.now += timedelta(minutes=5)
    late = await c.say("日报 确认 11-24", as_user="lina")
    assert "✅ 日报已提交。" in late and "📝 李娜 11月24日 日报（已提交）" in late
    assert "[→ wang] 📝 李娜 补交了 2026-11-24 的日报：" in late
    assert await report_status(c, NOW) is ReportStatus.SUBMITTED
    assert await report_status(c, NOW + timedelta(days=1)) is None  # Wednesday's is untouched


async def test_a_wrong_short_date_is_explained_and_changes_nothing(console_with_deal: Console) -> None:
    out = await console_with_deal.say("日报 确认 11-31", as_user="lina")
    assert "日期「11-31」不对" in out and "12-05 或 2026-12-05" in out
    assert await report_status(console_with_deal, NOW) is None


async def test_the_morning_list_names_every_deal_item_by_its_id(console_with_deal: Console) -> None:
    c = console_with_deal
    await c.say("跟进 #1 电话沟通 下次 明天 9:00 发方案")
    async with c.app.uow_factory() as uow:  # a reminder written before reminders named their deal
        zhang = await uow.reps.by_name("张伟")
        assert zhang is not None and zhang.id is not None
        await uow.reminders.add(Reminder(rep_id=zhang.id, due_at=datetime(2026, 11, 25, 2, 0, tzinfo=UTC),
                                         text="MES：补充报价明细", opportunity_id=1, kind=ReminderKind.CUSTOM))
        await uow.commit()
    c.clock.now = NOW + timedelta(days=1, hours=-1)  # Wednesday 09:00
    assert await send_morning_lists(c.app.uow_factory, c.clock.now, SETTINGS) == 4
    await c.app.dispatcher.drain()
    assert "今天要做：\n1. 09:00 #1 明途 · 发方案\n2. 10:00 #1 MES：补充报价明细" in c.read()
    async with c.app.uow_factory() as uow:
        assert (await uow.reminders.get(1)).text == "#1 明途 · 发方案"  # the card reads as the list does
