"""Approval requests left waiting (issue #14): the approver is reminded of each request pending longer
than [approvals] stale_hours, once per request and local day (the push's dedupe key), quiet hours kept.
When the approver has left (inactive or gone), the first active admin is reminded instead (as
domain.approvals.approver_for picks one), told whose request it was. Reads the stale requests page by page;
never all requests at once."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from domain.approvals import ApprovalRequest, ApprovalRules
from domain.people import CHANNEL_ORDER, Rep, Role
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
            admins = await _admins(uow) if any(_gone(people.get(r.approver_id)) for r in page) else []
            for request in page:
                queued += await _remind(uow, request, people, admins, now, (default_quiet, order, button_channels))
            await uow.commit()
        after = page[-1].id or after


def _gone(rep: Rep | None) -> bool:
    return rep is None or not rep.active


async def _admins(uow: UnitOfWork) -> list[Rep]:
    return sorted((r for r in await uow.reps.list() if r.role is Role.ADMIN and r.active), key=lambda r: r.id or 0)


async def _remind(uow: UnitOfWork, request: ApprovalRequest, people: dict[int, Rep], admins: list[Rep],
                  now: datetime, how: tuple[str, Sequence[str], Sequence[str]]) -> int:
    default_quiet, order, button_channels = how
    approver, requester = people.get(request.approver_id), people.get(request.requester_id)
    left = approver.name if approver is not None and _gone(approver) else ("?" if approver is None else None)
    if left is not None:  # the approver left: an admin (not the requester) decides in their place
        approver = next((a for a in admins if a.id != request.requester_id), None)
    target = approver.preferred_channel(order) if approver is not None else None
    if approver is None or target is None:
        return 0
    day = now.astimezone(ZoneInfo(approver.timezone)).date().isoformat()
    card = approval_push(request, requester.name if requester else "?", approver.locale,
                         target[0] in button_channels, reminder=(day, waited(request, now, approver.locale)),
                         left=left)
    return 1 if await push(uow, approver, card, now, default_quiet=default_quiet, order=order) else 0
