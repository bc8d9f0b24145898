"""Overdue reminders go to the manager: pushed, not done after `delay`, told once to the owner's team manager."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta

from domain.people import CHANNEL_ORDER, Rep, Role, Team
from domain.ports import UnitOfWork
from domain.quiet import DEFAULT_QUIET
from scheduler.people import cached_reps
from scheduler.push import push
from scheduler.reminder_push import escalation_push

log = logging.getLogger(__name__)
DEFAULT_DELAY = timedelta(hours=24)


async def escalate_overdue_reminders(uow_factory: Callable[[], UnitOfWork], now: datetime,
                                     delay: timedelta = DEFAULT_DELAY, *, default_quiet: str = DEFAULT_QUIET,
                                     order: Sequence[str] = CHANNEL_ORDER, limit: int = 500) -> int:
    """Escalate (at most `limit`) reminders sent at or before `now - delay` and not done; each once
    (`escalated_at` is set in the same transaction as the push). Returns how many escalations were queued.

    Who is told: the manager of the owner's team; when the owner manages their own team (or the team has no
    manager), an admin. A reminder with nobody to tell (no admin, nobody reachable) is marked escalated all
    the same, and logged, so it is not looked at again. Postponing or rescheduling re-arms a reminder: it may
    escalate again after its new time.
    """
    async with uow_factory() as uow:
        overdue = list(await uow.reminders.overdue(now - delay, limit))
        if not overdue:
            return 0
        teams = {t.id: t for t in await uow.teams.list()}
        reps = {r.id: r for r in await cached_reps(uow)}
        admins = [r for r in sorted(reps.values(), key=lambda r: r.id or 0)
                  if r.role is Role.ADMIN and r.active and r.preferred_channel(order) is not None]
        queued = 0
        for reminder in overdue:
            owner = reps.get(reminder.rep_id)
            told = _told(owner, reps, teams, admins) if owner is not None else None
            if owner is None or told is None:
                log.warning("reminder %s is overdue but nobody can be told (no manager but the owner, no admin)",
                            reminder.id)
            elif await push(uow, told, escalation_push(reminder, owner, told, now), now,
                            default_quiet=default_quiet, order=order) is None:
                log.info("reminder %s: escalation to rep %s not queued (no channel, or queued before)",
                         reminder.id, told.id)
            else:
                queued += 1
            reminder.escalated_at = now
            await uow.reminders.save(reminder)
        await uow.commit()
    return queued


def _told(owner: Rep, reps: Mapping[int | None, Rep], teams: Mapping[int | None, Team],
          admins: Sequence[Rep]) -> Rep | None:
    """The owner's team manager, unless that is the owner (or there is none): then the first admin who is
    not the owner."""
    team = teams.get(owner.team_id) if owner.team_id is not None else None
    manager = reps.get(team.manager_id) if team is not None and team.manager_id is not None else None
    if manager is not None and manager.id != owner.id and manager.active:
        return manager
    return next((a for a in admins if a.id != owner.id), None)
