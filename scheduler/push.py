"""Messages the bot sends unasked: one outbox row per (kind, recipient, period), held for quiet hours.

Every proactive job (reminders, risk warnings, digests, morning lists, daily reports) creates its work
through `push`: the dedupe key makes the row unique, so two processes running the same job, a job run
twice after a clock jump, or a crash and a retry never send it twice; the dispatcher delivers it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from domain.messaging import OutboxItem
from domain.people import CHANNEL_ORDER, Rep
from domain.ports import UnitOfWork
from domain.quiet import DEFAULT_QUIET, quiet_hours_of


@dataclass(frozen=True, slots=True)
class Push:
    """What to send. `kind` + `period` name it ("digest", "2026-12-05"); `buttons`: [{"text", "key"}],
    a tap arrives as the message `key`; `urgent` ignores quiet hours (a reminder at the time asked for)."""

    kind: str
    period: str
    text: str
    markdown: str | None = None
    subject: str = ""
    urgent: bool = False
    buttons: Sequence[dict[str, str]] = ()
    extra: dict[str, object] = field(default_factory=dict)


def dedupe_key(push: Push, rep_id: int) -> str:
    return dedupe_key_of(push.kind, rep_id, push.period)


def dedupe_key_of(kind: str, rep_id: int, period: str) -> str:
    """The outbox dedupe key of the push `kind` to `rep_id` for `period` (e.g. "digest:12:2026-12-07")."""
    return f"{kind}:{rep_id}:{period}"


async def push(uow: UnitOfWork, rep: Rep, message: Push, now: datetime, *, default_quiet: str = DEFAULT_QUIET,
               order: Sequence[str] = CHANNEL_ORDER) -> OutboxItem | None:
    """Queue `message` for `rep` on their first reachable channel. None: nowhere to send it, or it was
    queued before (same kind, recipient and period)."""
    assert rep.id is not None
    target = rep.preferred_channel(order)
    if target is None:
        return None
    not_before = None if message.urgent else quiet_hours_of(rep.quiet_hours, default_quiet).release(
        now, rep.timezone)
    extra = dict(message.extra)
    if message.buttons:
        extra["buttons"] = [dict(b) for b in message.buttons]
    return await uow.outbox.add(OutboxItem(
        channel=target[0], recipient=target[1], text=message.text, created_at=now, markdown=message.markdown,
        subject=message.subject, not_before=not_before, extra=extra, dedupe_key=dedupe_key(message, rep.id)))


async def not_pushed(uow: UnitOfWork, kind: str, wanted: Iterable[tuple[Rep, str]]) -> list[tuple[Rep, str]]:
    """Of these (recipient, period) pairs, those with no `kind` push queued yet: what a job that runs on
    every tick still has to do (one indexed lookup of the dedupe keys)."""
    keyed = {dedupe_key(Push(kind, period, ""), rep.id): (rep, period) for rep, period in wanted if rep.id is not None}
    done = await uow.outbox.existing_keys(keyed)
    return [pair for key, pair in keyed.items() if key not in done]
