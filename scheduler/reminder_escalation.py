"""Overdue reminders go to the manager: pushed, not done after `delay`, told once to the owner's team manager."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta

from domain.people import CHANNEL_ORDER, Rep, Team
from domain.ports import UnitOfWork
from domain.quiet import DEFAULT_QUIET
from scheduler.push import push
from scheduler.reminder_push import escalation_push

log = logging.getLogger(__name__)
DEFAULT_DELAY = timedelta(hours=24)


async def escalate_overdue_reminders(uow_factory: Callable[[], UnitOfWork], now: datetime,
                                     delay: timedelta = DEFAULT_DELAY, *, default_quiet: str = DEFAULT_QUIET,
                                     order: Sequence[str] = CHANNEL_ORDER, limit: int = 500) -> int:
    """Escalate (at most `limit`) reminders sent at or before `now - delay` and not done; each once
    (`escalated_at` is set in the same transaction as the push). Returns how many were handled.

    The manager is the manager of the owner's team; a reminder whose owner has no manager but themself,
    or whose manager cannot be reached, is marked escalated all the same (and logged) so it is not looked
    at again. Postponing or rescheduling re-arms a reminder: it may escalate again after its new time.
    """
    async with uow_factory() as uow:
        overdue = list(await uow.reminders.overdue(now - delay, limit))
        if not overdue:
            return 0
        teams = {t.id: t for t in await uow.teams.list()}
        owners = await uow.reps.many({r.rep_id for r in overdue})
        managers = await uow.reps.many({m for o in owners.values() if (m := _manager_id(o, teams)) is not None})
        for reminder in overdue:
            owner = owners.get(reminder.rep_id)
            manager = managers.get(_manager_id(owner, teams) or 0) if owner else None
            if owner is None or manager is None or manager.id == owner.id:
                log.info("reminder %s is overdue but rep %s has no manager to tell", reminder.id, reminder.rep_id)
            elif await push(uow, manager, escalation_push(reminder, owner, manager, now), now,
                            default_quiet=default_quiet, order=order) is None:
                log.info("reminder %s: escalation to rep %s not queued (no channel, or queued before)",
                         reminder.id, manager.id)
            reminder.escalated_at = now
            await uow.reminders.save(reminder)
        await uow.commit()
    return len(overdue)


def _manager_id(rep: Rep | None, teams: Mapping[int | None, Team]) -> int | None:
    team = teams.get(rep.team_id) if rep is not None and rep.team_id is not None else None
    return team.manager_id if team is not None else None
