"""The managers' daily digest job: at `[digest] time` in each manager's time zone, their team's digest
(admins who manage no team: the company's, with the failed-delivery count) is queued through
scheduler.push (kind "digest", period = the local date): once per manager and day, whatever the number
of processes or runs. Run it every few minutes; it does nothing before the time or once the day is queued.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.digest.compose import compose_digest
from bot.digest.fonts import ChartFontMissing, find_cjk_font
from bot.digest.messages import chat_pushes, digest_pushes
from bot.digest.model import Digest
from bot.digest.settings import DigestSettings
from domain.messaging import OutboxItem
from domain.people import Rep, Role, Team
from domain.ports import UnitOfWork
from scheduler.people import cached_reps, cached_teams
from scheduler.push import push

log = logging.getLogger(__name__)
SENT_KEY = "digest.sent.{rep_id}"  # settings row: the last local day queued for this manager
GROUP_KEY = "digest.group.sent.{team_id}"  # settings row: the last day queued for this team's group robots
Composed = dict[tuple[int | None, date, bool], Digest]  # (team id, day, admin view) -> the digest


def due_day(rep: Rep, now: datetime, settings: DigestSettings) -> date | None:
    """The local day whose digest is due for `rep` at `now`, or None before the digest time."""
    local = now.astimezone(ZoneInfo(rep.timezone))
    return local.date() if local.time().replace(tzinfo=None) >= settings.time else None


def recipients(teams: list[Team], reps: list[Rep]) -> list[tuple[Team | None, Rep]]:
    """Each team's active manager with that team; each active admin who manages no team with None."""
    by_id = {rep.id: rep for rep in reps}
    found: list[tuple[Team | None, Rep]] = []
    for team in teams:
        manager = by_id.get(team.manager_id)
        if manager is not None and manager.active:
            found.append((team, manager))
    managing = {rep.id for _, rep in found}
    found += [(None, rep) for rep in reps if rep.role is Role.ADMIN and rep.active and rep.id not in managing]
    return found


async def send_digests(uow_factory: Callable[[], UnitOfWork], now: datetime, settings: DigestSettings) -> int:
    """Queue every due digest; how many messages were queued. A failing team is logged and skipped
    (it is tried again on the next run)."""
    if not settings.enabled:
        return 0
    async with uow_factory() as uow:
        teams, reps = list(await cached_teams(uow)), list(await cached_reps(uow))
    due = [(team, rep, day) for team, rep in recipients(teams, reps) if (day := due_day(rep, now, settings))]
    font = _font(settings) if due else None
    composed: Composed = {}  # a team's digest is composed once a run, for its manager and its group alike
    queued = 0
    for team, rep, day in due:
        try:
            queued += await send_one(uow_factory, team, rep, day, now, settings, font, composed)
        except Exception:
            log.exception("digest for %s (%s) failed; retried on the next run", rep.name, team.name if team else "-")
    return queued + await send_group_digests(uow_factory, teams, now, settings, composed)


async def send_group_digests(uow_factory: Callable[[], UnitOfWork], teams: list[Team], now: datetime,
                             settings: DigestSettings, composed: Composed) -> int:
    """`[digest] team_groups`: each team's digest to its group robots, at the digest time in the bot's time
    zone, once a day per team (whoever manages it, and whether or not the manager can be reached)."""
    local = now.astimezone(ZoneInfo(settings.timezone))
    if not settings.group_channels or local.time().replace(tzinfo=None) < settings.time:
        return 0
    queued = 0
    for team in teams:
        if settings.group_channels.get(team.name):
            try:
                queued += await send_group(uow_factory, team, local.date(), now, settings, composed)
            except Exception:
                log.exception("group digest of %s failed; retried on the next run", team.name)
    return queued


async def send_group(uow_factory: Callable[[], UnitOfWork], team: Team, day: date, now: datetime,
                     settings: DigestSettings, composed: Composed) -> int:
    key = GROUP_KEY.format(team_id=team.id)
    async with uow_factory() as uow:
        if await uow.settings.get(key) == day.isoformat():
            return 0
        digest = await compose_once(uow, composed, team, day, now, settings, admin=False)
    queued = 0
    async with uow_factory() as uow:
        for item in group_items(digest, team, now, settings):
            queued += await uow.outbox.add(item) is not None
        await uow.settings.put(key, day.isoformat())
        await uow.commit()
    return queued


async def send_one(uow_factory: Callable[[], UnitOfWork], team: Team | None, rep: Rep, day: date, now: datetime,
                   settings: DigestSettings, font: Path | None, composed: Composed | None = None) -> int:
    """Compose and queue one manager's digest of `day` unless it was queued already."""
    assert rep.id is not None
    key = SENT_KEY.format(rep_id=rep.id)
    target = rep.preferred_channel()
    async with uow_factory() as uow:
        if target is None or await uow.settings.get(key) == day.isoformat():
            return 0
        digest = await compose_once(uow, {} if composed is None else composed, team, day, now, settings,
                                    admin=rep.role is Role.ADMIN)
    messages = await asyncio.to_thread(digest_pushes, digest, rep.locale, target[0], font)
    queued = 0
    async with uow_factory() as uow:
        for message in messages:
            queued += await push(uow, rep, message, now, default_quiet=settings.quiet_hours) is not None
        await uow.settings.put(key, day.isoformat())
        await uow.commit()
    return queued


async def compose_once(uow: UnitOfWork, composed: Composed, team: Team | None, day: date, now: datetime,
                       settings: DigestSettings, *, admin: bool) -> Digest:
    """The digest of `team` for `day`, composed at most once per run (`composed` holds what was)."""
    key = (team.id if team is not None else None, day, admin)
    if key not in composed:
        composed[key] = await compose_digest(uow, team, day, now, settings, admin=admin)
    return composed[key]


def group_items(digest: Digest, team: Team, now: datetime, settings: DigestSettings) -> list[OutboxItem]:
    """The team's digest for its group robots, in the bot's language, unique per team, channel and day."""
    return [OutboxItem(channel=channel, recipient=f"robot:{team.name}", text=message.text, markdown=message.markdown,
                       subject=message.subject, created_at=now,
                       dedupe_key=f"digest-group:{channel}:{team.id}:{message.period}")
            for channel in settings.group_channels.get(team.name, ())
            for message in chat_pushes(digest, settings.locale, channel)]


def _font(settings: DigestSettings) -> Path | None:
    try:
        return find_cjk_font(settings.font)
    except ChartFontMissing as err:
        log.warning("digest charts are off: %s", err)
        return None
