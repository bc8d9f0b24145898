"""`dealbot outbox [--pending|--failed|--dead] [--limit N]`: what the bot has not delivered yet, and why.

--pending: everything waiting (held for quiet hours, due, being sent, waiting for a retry);
--failed: of those, the ones that failed at least once and will be tried again;
--dead: dead letters, given up on (status failed), with the reason. Without a flag: all three.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, TextIO
from zoneinfo import ZoneInfo

from bot.config import Config

if TYPE_CHECKING:
    from domain.messaging import OutboxItem

PREVIEW = 60


def add_arguments(outbox: argparse.ArgumentParser) -> None:
    what = outbox.add_mutually_exclusive_group()
    what.add_argument("--pending", action="store_true", help="waiting to be sent / 待发送")
    what.add_argument("--failed", action="store_true", help="failed at least once, will retry / 发送失败、将重试")
    what.add_argument("--dead", action="store_true", help="given up on (dead letters) / 已放弃（死信）")
    outbox.add_argument("--limit", type=_limit, default=100, help="at most N items (default 100) / 最多列出 N 条")


def _limit(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"--limit 应为正整数，例如 50 / --limit must be a positive number "
                                         f"such as 50, not {text!r}")
    return int(text)


def state_of(item: OutboxItem, now: datetime, zone: str = "UTC") -> str:
    """dead / sending / retrying / held until HH:MM (quiet hours, in the recipient's `zone`) / due."""
    if item.status == "failed":
        return "dead 死信"
    if item.status == "sending":
        return "sending 发送中"
    waiting = item.not_before is not None and item.not_before > now
    if item.last_error:
        return "retrying 待重试" if waiting else "retry due 即将重试"
    if not waiting or item.not_before is None:
        return "due 待发"
    local = item.not_before.astimezone(ZoneInfo(zone))
    until = f"{local:%H:%M}" if item.not_before - now < timedelta(days=1) else f"{local:%m-%d %H:%M}"
    return f"held until {until} (quiet hours, {zone}) 免打扰暂缓至 {until}"


def render(items: Sequence[OutboxItem], what: tuple[str, str], now: datetime,
           zones: Mapping[tuple[str, str], str] | None = None) -> str:
    """`zones`: (channel, recipient) -> the recipient's time zone, for when a held message goes out."""
    if not items:
        return f"没有{what[0]}的消息。/ No {what[1]} messages.\n"
    lines = [f"{what[0]}的消息 {len(items)} 条 / {len(items)} {what[1]} message(s) (UTC)"]
    for item in items:
        text = " ".join(item.text.split())
        preview = text[:PREVIEW] + ("…" if len(text) > PREVIEW else "")
        next_try = "-" if item.status == "failed" else (
            f"{item.not_before:%Y-%m-%d %H:%M}" if item.not_before and item.not_before > now else "now 现在")
        zone = (zones or {}).get((item.channel, item.recipient), "UTC")
        lines += [f"#{item.id}  {state_of(item, now, zone)}  {item.channel} → {item.recipient}  "
                  f"尝试 attempts {item.attempts}  下次 next {next_try}  "
                  f"排队 queued {item.created_at:%Y-%m-%d %H:%M}"]
        if item.last_error:
            lines.append(f"    原因 reason: {' '.join(item.last_error.split())[:200]}")
        lines.append(f"    内容 text: {preview}")
    return "\n".join(lines) + "\n"


async def outbox(args: argparse.Namespace, config: Config, out: TextIO | None = None,
                 now: datetime | None = None) -> int:
    from datetime import UTC

    from bot.bootstrap import database_url  # the command line loads the storage layer only when used
    from domain.messaging import OutboxStatus
    from storage.engine import make_engine, make_session_factory
    from storage.migrate import upgrade
    from storage.uow import SqlAlchemyUnitOfWork

    out = out or sys.stdout
    waiting = [OutboxStatus.PENDING, OutboxStatus.SENDING]
    statuses, what = {"pending": (waiting, ("待发送", "pending")), "failed": (waiting, ("发送失败待重试", "failed")),
                      "dead": ([OutboxStatus.FAILED], ("已放弃（死信）", "dead-letter"))}.get(
        "pending" if args.pending else "failed" if args.failed else "dead" if args.dead else "",
        ([*waiting, OutboxStatus.FAILED], ("未送达", "undelivered")))
    url = database_url(config)
    await upgrade(url)
    engine = make_engine(url)
    try:
        async with SqlAlchemyUnitOfWork(make_session_factory(engine)) as uow:
            items = await uow.outbox.listing(statuses, args.limit, with_error=bool(args.failed))
            zones = {(channel, ident): rep.timezone for rep in await uow.reps.list()
                     for channel, ident in rep.identities.items()}
    finally:
        await engine.dispose()
    out.write(render(items, what, now or datetime.now(UTC), zones))
    return 0
