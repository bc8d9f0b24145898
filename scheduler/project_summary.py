"""The weekly project summary (issue #15): once a week, at `[delivery] weekly_summary` local time, each open
project's summary (bot.delivery.summary) goes to the group bound with `项目 P3 绑定群`, else to the project's
manager (else the deal's owner) in chat, held through their quiet hours.

Once per week across processes: the week's run is claimed like a daily job's day (scheduler.daily.claim_day,
keyed by the summary day, taken over when its process died), and every message carries a dedupe key of the
project and the ISO week, so even two runs never send a project's week twice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.context import Directory
from bot.delivery.access import store
from bot.delivery.summary import ProjectWeek, summary_text
from bot.delivery.weekly import GROUP_KEY, WeeklySettings, week_period
from domain.delivery import Project
from domain.messaging import OutboxItem
from domain.people import CHANNEL_ORDER
from domain.ports import UnitOfWork
from domain.quiet import DEFAULT_QUIET
from scheduler.daily import claim_day, finish_day
from scheduler.people import cached_directory
from scheduler.push import Push, push
from storage.repositories.delivery_pages import open_projects_after

PREFIX, KIND = "project-summary:", "project-summary"
PAGE = 200  # projects per unit of work
EVENTS = 200  # newest timeline lines read per project


async def send_project_summaries(uow_factory: Callable[[], UnitOfWork], now: datetime, settings: WeeklySettings, *,
                                 default_quiet: str = DEFAULT_QUIET, order: Sequence[str] = CHANNEL_ORDER) -> int:
    """This week's summaries once their time has passed; how many were queued."""
    day = settings.due_day(now)
    if day is None or not await claim_day(uow_factory, PREFIX, day, now):
        return 0
    sent, after = 0, 0
    while True:
        async with uow_factory() as uow:
            projects = await open_projects_after(store(uow).session, after, PAGE)
            people = await cached_directory(uow)
            for project in projects:
                week = await _week(uow, project, day, settings)
                sent += await _send(uow, week, people, day, now, settings, default_quiet, order)
            await uow.commit()
        if len(projects) < PAGE:
            break
        after = projects[-1].id or after
    await finish_day(uow_factory, PREFIX, day, now)
    return sent


async def _week(uow: UnitOfWork, project: Project, day: date, settings: WeeklySettings) -> ProjectWeek:
    assert project.id is not None
    end = datetime.combine(day, settings.at, ZoneInfo(settings.timezone))
    start = end - timedelta(days=7)
    events = [e for e in await uow.project_events.recent(project.id, EVENTS) if start <= e.at < end]
    return ProjectWeek(project, await uow.project_milestones.for_project(project.id),
                       await uow.tasks.for_project(project.id), await uow.change_requests.for_project(project.id),
                       events[::-1], start, end, day)


async def _send(uow: UnitOfWork, week: ProjectWeek, people: Directory, day: date, now: datetime,
                settings: WeeklySettings, quiet: str, order: Sequence[str]) -> int:
    """The summary to the project's group, else its manager (else the deal's owner): 1 when queued."""
    project, period = week.project, week_period(day)
    group = await uow.settings.get(GROUP_KEY.format(id=project.id))
    if isinstance(group, dict) and group.get("channel") and group.get("conversation"):
        title, body = summary_text(week, settings.locale, _names(people, settings.locale))
        item = OutboxItem(channel=str(group["channel"]), recipient=str(group["conversation"]),
                          text=f"{title}\n{body}", created_at=now, dedupe_key=f"{KIND}:group:P{project.id}:{period}")
        return 1 if await uow.outbox.add(item) is not None else 0
    deal = await uow.opportunities.find(project.opportunity_id)
    rep = people.rep(project.manager_id or (deal.owner_id if deal is not None else None))
    if rep is None or not rep.active:
        return 0
    title, body = summary_text(week, rep.locale, _names(people, rep.locale))
    queued = await push(uow, rep, Push(KIND, f"P{project.id}:{period}", f"{title}\n{body}"), now,
                        default_quiet=quiet, order=order)
    return 1 if queued is not None else 0


def _names(people: Directory, locale: str) -> Callable[[int | None], str]:
    def name_of(rep_id: int | None) -> str:
        rep = people.rep(rep_id)
        return rep.name if rep is not None else ("unassigned" if locale == "en" else "未指派")
    return name_of
