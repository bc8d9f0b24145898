"""Daily reports (日报): the evening draft to each rep, the team's reports to its manager.

Both jobs run on every tick (every minute is enough) and decide per person: "past HH:MM in their time zone
and not pushed for that local date". A push is unique per (kind, recipient, period) (scheduler.push), so
two processes, a repeated tick or a clock jump never send twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime

from domain.daily_report import DailyReport, DailyReportSettings, is_past, local_day
from domain.daily_text import report_text, t, team_messages
from domain.people import Rep, Role, Team
from domain.ports import UnitOfWork
from scheduler.daily_records import day_lines, plan_lines
from scheduler.people import cached_reps
from scheduler.push import Push, not_pushed, push

log = logging.getLogger(__name__)
DRAFT_KIND = "daily_report_draft"
TEAM_KIND = "daily_report_team"


async def current_report(uow: UnitOfWork, rep: Rep, day: date, now: datetime) -> DailyReport:
    """The rep's report of `day`, stored: created from the day's records, or a draft brought up to date
    (the rep's own lines kept); a submitted report is returned as it is."""
    assert rep.id is not None
    report = await uow.daily_reports.get(rep.id, day)
    if report is not None and report.submitted:
        return report
    lines, plan = await day_lines(uow, rep, day), await plan_lines(uow, rep, day)
    if report is None:
        report = DailyReport(rep.id, day, now, team_id=rep.team_id, lines=lines, plan=plan)
        if await uow.daily_reports.add(report) is not None:
            return report
        report = await uow.daily_reports.get(rep.id, day)  # another process stored it meanwhile
        assert report is not None
        if report.submitted:
            return report
    report.refresh(lines, plan)
    await uow.daily_reports.save(report)
    return report


def draft_push(report: DailyReport, rep: Rep) -> Push:
    day = report.day.isoformat()
    zh = rep.locale != "en"
    buttons = [{"text": t(rep.locale, "确认提交", "Submit"),
                "key": f"日报 确认 {day}" if zh else f"daily report submit {day}"}]
    return Push(DRAFT_KIND, day, report_text(report, rep.name, rep.locale), buttons=buttons,
                subject=t(rep.locale, "日报草稿", "Daily report draft"))


def reachable(reps: Iterable[Rep], settings: DailyReportSettings, roles: Sequence[Role]) -> list[Rep]:
    return [r for r in reps if r.active and r.id is not None and r.role in roles
            and r.preferred_channel(settings.channel_order) is not None]


async def draft_daily_reports(uow_factory: Callable[[], UnitOfWork], now: datetime,
                              settings: DailyReportSettings) -> int:
    """Each rep past `draft_at` local time whose draft of today was not pushed gets it (stored, then
    pushed; a report submitted already is not drafted again). Returns how many drafts were pushed."""
    async with uow_factory() as uow:
        reps = reachable(await cached_reps(uow), settings, (Role.REP,))
        due = [(r, local_day(now, r.timezone).isoformat()) for r in reps if is_past(now, r.timezone, settings.draft_at)]
        todo = await not_pushed(uow, DRAFT_KIND, due)
    sent = 0
    for rep, period in todo:
        try:
            sent += await _draft_one(uow_factory, rep, date.fromisoformat(period), now, settings)
        except Exception:  # one rep's failure must not stop the others; the next tick tries again
            log.exception("daily report draft for rep %s failed", rep.id)
    return sent


async def _draft_one(uow_factory: Callable[[], UnitOfWork], rep: Rep, day: date, now: datetime,
                     settings: DailyReportSettings) -> int:
    async with uow_factory() as uow:
        report = await current_report(uow, rep, day, now)
        if report.submitted:  # confirmed before the draft time: nothing to ask
            return 0
        queued = await push(uow, rep, draft_push(report, rep), now, default_quiet=settings.default_quiet,
                            order=settings.channel_order)
        await uow.commit()
    return 1 if queued is not None else 0


def managers_of(team: Team, reps: Sequence[Rep]) -> list[Rep]:
    """Who gets a team's reports: its named manager, else the managers in the team."""
    named = [r for r in reps if team.manager_id is not None and r.id == team.manager_id and r.active]
    return named or [r for r in reps if r.team_id == team.id and r.role is Role.MANAGER and r.active]


def members_of(team: Team, reps: Sequence[Rep]) -> list[Rep]:
    """Who writes daily reports in a team: its active reps, by name."""
    return sorted((r for r in reps if r.team_id == team.id and r.role is Role.REP and r.active),
                  key=lambda r: (r.name, r.id or 0))


def team_period(day: date, team: Team) -> str:
    """A manager may lead several teams: one message (set) per team and local date."""
    return f"{day.isoformat()}/{team.id}"


async def send_team_reports(uow_factory: Callable[[], UnitOfWork], now: datetime,
                            settings: DailyReportSettings) -> int:
    """Each team's reports go to its manager(s) once a day: after `deadline` in the manager's time zone,
    or earlier once every member has submitted. Submitted, draft and missing reports are all shown.
    Returns how many managers were sent their team's reports."""
    async with uow_factory() as uow:
        reps = list(await cached_reps(uow))
        reachable_managers = {r.id for r in reachable(reps, settings, (Role.MANAGER, Role.ADMIN))}
        wanted: list[tuple[Rep, str]] = []
        teams: dict[str, tuple[Team, list[Rep]]] = {}
        for team in await uow.teams.list():
            members = members_of(team, reps)
            for manager in (m for m in managers_of(team, reps) if m.id in reachable_managers and members):
                period = team_period(local_day(now, manager.timezone), team)
                wanted.append((manager, period))
                teams[period] = (team, members)
        sent = 0
        for manager, period in await not_pushed(uow, TEAM_KIND, wanted):
            team, members = teams[period]
            sent += await _send_team(uow, manager, team, members, period, now, settings)
        await uow.commit()
    return sent


async def _send_team(uow: UnitOfWork, manager: Rep, team: Team, members: list[Rep], period: str,
                     now: datetime, settings: DailyReportSettings) -> int:
    day = date.fromisoformat(period.split("/")[0])
    by_rep = {r.rep_id: r for r in await uow.daily_reports.for_reps((m.id for m in members if m.id), day)}
    if not is_past(now, manager.timezone, settings.deadline) and not all(
            (report := by_rep.get(m.id or 0)) is not None and report.submitted for m in members):
        return 0
    for member in members:  # a draft brought up to date: records made since it was pushed count too
        if (draft := by_rep.get(member.id or 0)) is not None and not draft.submitted:
            by_rep[draft.rep_id] = await current_report(uow, member, day, now)
    texts = team_messages(team.name, day, [(m.name, by_rep.get(m.id or 0)) for m in members], manager.locale,
                          settings.message_chars)
    subject = t(manager.locale, f"{team.name} 日报", f"{team.name} daily reports")
    for n, text in enumerate(texts, 1):
        part = period if n == 1 else f"{period}/{n}"
        await push(uow, manager, Push(TEAM_KIND, part, text, subject=subject), now,
                   default_quiet=settings.default_quiet, order=settings.channel_order)
    return 1
