"""One usage event per message a known person sent, written in the batch's own transaction (no extra commit).

`kind` and `feature` come from the routes' note (bot.usage.trace); `latency_ms` is from the message's arrival
(`received_at`) to its reply being queued; `outcome`: ok, refused (an error reply: bad input, no right, not
found), error (a failure: the apology) or fallback (free text the bot could not place).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import cast

from bot.context import Context
from connectors.base import InboundMessage
from domain.ports import UnitOfWork
from domain.usage import BUTTON, COMMAND, ERROR, FALLBACK, OK, REFUSED, UsageEvent, UsageUnitOfWork

UsageLog = Callable[[UnitOfWork, Sequence[UsageEvent]], Awaitable[None]]


def outcome_of(ctx: Context, refused: bool, failed: bool) -> str:
    if failed:
        return ERROR
    if ctx.usage.kind == FALLBACK:
        return FALLBACK
    return REFUSED if refused else OK


def usage_event(msg: InboundMessage, ctx: Context, outcome: str, now: datetime) -> UsageEvent:
    kind = BUTTON if ctx.usage.kind == COMMAND and msg.extra.get("button") else ctx.usage.kind
    latency = max(0, round((now - msg.received_at).total_seconds() * 1000))
    feature = ctx.usage.feature or ("location" if msg.location is not None else str(msg.extra.get("msgtype") or kind))
    return UsageEvent(at=now, person_id=ctx.rep.id, channel=msg.channel, kind=kind,
                      feature=feature, outcome=outcome, latency_ms=latency,
                      target=ctx.usage.target)


async def stored_usage(uow: UnitOfWork, events: Sequence[UsageEvent]) -> None:
    """The UsageLog of a SqlAlchemyUnitOfWork: one multi-row insert in the open transaction."""
    await cast(UsageUnitOfWork, uow).usage.add_many(events)
