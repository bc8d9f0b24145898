"""Approval requests left waiting (issue #14): the approver is reminded of each request pending longer
than [approvals] stale_hours, once per request and local day (the push's dedupe key), quiet hours kept.
Reads the stale requests page by page; never all requests at once."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from domain.approvals import ApprovalRequest, ApprovalRules
from domain.people import CHANNEL_ORDER, Rep
from domain.ports import UnitOfWork
from domain.quiet import DEFAULT_QUIET
from scheduler.approval_push import approval_push, waited
from scheduler.push import push
from scheduler.reminder_push import BUTTON_CHANNELS

PAGE = 500


async def remind_stale_approvals(uow_factory: Callable[[], UnitOfWork], now: datetime, rules: ApprovalRules, *,
                                 default_quiet: str = DEFAULT_QUIET, order: Sequence[str] = CHANNEL_ORDER,
                                 button_channels: Sequence[str] = BUTTON_CHANNELS) -> int:
    """How many reminders were queued (0 when approvals are off)."""
    if not rules.enabled:
        return 0
    before, after, queued = now - timedelta(hours=rules.stale_hours), 0, 0
    while True:
        async with uow_factory() as uow:
            page = list(await uow.approvals.stale(before, after, PAGE))
            if not page:
                return queued
            people = await uow.reps.many({r.approver_id for r in page} | {r.requester_id for r in page})
            for request in page:
                queued += await _remind(uow, request, people, now, default_quiet, order, button_channels)
            await uow.commit()
        after = page[-1].id or after


async def _remind(uow: UnitOfWork, request: ApprovalRequest, people: dict[int, Rep], now: datetime,
                  default_quiet: str, order: Sequence[str], button_channels: Sequence[str]) -> int:
    approver, requester = people.get(request.approver_id), people.get(request.requester_id)
    target = approver.preferred_channel(order) if approver is not None and approver.active else None
    if approver is None or target is None:
        return 0
    day = now.astimezone(ZoneInfo(approver.timezone)).date().isoformat()
    card = approval_push(request, requester.name if requester else "?", approver.locale,
                         target[0] in button_channels, reminder=(day, waited(request, now, approver.locale)))
    return 1 if await push(uow, approver, card, now, default_quiet=default_quiet, order=order) else 0
