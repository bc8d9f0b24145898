"""The reclaim scan's messages (issue #14): after the scan's pages, each owner gets ONE warning listing their
customers and leads near a deadline (name, ref, the reason in words, the day it goes back; typed commands
`保留 C12` / `放弃 C12` for every one, 跟进 / 放弃 buttons for the first that fit a WeCom card's six) and ONE
notice listing those taken back. Composed from the pool events written since the last scan's messages
(settings `pool_notified`), in one unit of work with that mark: a scan killed before it loses no message,
and a message is queued once per kind, owner and batch of events (scheduler.push dedupe).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from domain.people import Rep
from domain.pool import PoolSettings, Reason
from domain.pool_ports import EventKind, NoticeLine, PoolUnitOfWork
from domain.quiet import DEFAULT_QUIET
from scheduler.push import Push, push

MARK = "pool_notified"
LISTED = 100  # lines in one message; beyond, "and N more"
MAX_BUTTONS = 6  # a WeCom card's limit


@dataclass(frozen=True, slots=True)
class Owners:
    reps: Mapping[int, Rep]
    team_names: Mapping[int, str]
    rules: PoolSettings

    def rules_of(self, rep: Rep) -> tuple[int, Callable[[str, str], int]]:
        """(warn_days, days of a (reason, ref) rule) of the rep's team."""
        rules = self.rules.rules_for(self.team_names.get(rep.team_id) if rep.team_id is not None else None)
        return rules.warn_days, lambda reason, ref: rules.days_of(Reason(reason), lead=ref.startswith("L"))


async def notify_owners(uow_factory: Callable[[], PoolUnitOfWork], owners: Owners, now: datetime, timezone: str,
                        default_quiet: str = DEFAULT_QUIET) -> int:
    """Queue each owner's warning and reclaim notice of this scan; how many messages were queued."""
    queued = 0
    async with uow_factory() as uow:
        mark = await uow.settings.get(MARK)
        since = datetime.fromisoformat(str(mark)) if mark else now - timedelta(days=1)
        # The local day, and which of its scans: a scan taken over from a dead process the same day tells
        # what it adds in a message of its own (two processes composing the same events share a period).
        period = f"{now.astimezone(ZoneInfo(timezone)):%Y-%m-%d}@{since.astimezone(ZoneInfo(timezone)):%H%M%S}"
        for kind in (EventKind.WARN, EventKind.RECLAIM):
            for rep_id in await uow.pool.noticed_reps(kind, since, now):
                rep = owners.reps.get(rep_id)
                if rep is None:
                    continue
                count, lines = await uow.pool.notice_lines(rep_id, kind, since, now, LISTED)
                message = compose(kind, rep, owners, count, lines, period)
                queued += await push(uow, rep, message, now, default_quiet=default_quiet) is not None
        await uow.settings.put(MARK, now.isoformat())
        await uow.commit()
    return queued


def compose(kind: EventKind, rep: Rep, owners: Owners, count: int, lines: Sequence[NoticeLine],
            period: str) -> Push:
    """One owner's warning (with buttons) or reclaim notice, in their language."""
    en, zone = rep.locale == "en", ZoneInfo(rep.timezone or "Asia/Shanghai")
    warn_days, days_of = owners.rules_of(rep)
    rows = []
    for line in lines:
        why = Reason(line.reason).words(days_of(line.reason, line.ref), "en" if en else "zh")
        if kind is EventKind.RECLAIM:
            rows.append(f"- {line.ref} {line.name}: {why}" if en else f"- {line.ref} {line.name}：{why}")
            continue
        back = max(line.due_at or line.at, line.at + timedelta(days=warn_days)).astimezone(zone)
        rows.append(f"- {line.ref} {line.name}: {why}; back to the pool on {back:%Y-%m-%d} "
                    f"(keep {line.ref} / release {line.ref})" if en else
                    f"- {line.ref} {line.name}：{why}，{back:%Y-%m-%d} 收回公海（保留 {line.ref} / 放弃 {line.ref}）")
    more = count - len(lines)
    if more > 0:
        rows.append(f"… and {more} more" if en else f"……还有 {more} 个")
    if kind is EventKind.RECLAIM:
        head = (f"{count} of yours went back to the pool:" if en else f"你有 {count} 个客户/线索已收回公海：")
        return Push("pool_reclaim", period, "\n".join([head, *rows]))
    head = (f"{count} of yours go back to the pool soon:" if en else f"你有 {count} 个客户/线索即将收回公海：")
    foot = ("Keep one: log a follow-up (tap 跟进 or send 'keep C12' to see how); give one up: 'release C12'."
            if en else "保留请写跟进（点「跟进」或发「保留 C12」查看怎么做）；不要了点「放弃」或发「放弃 C12」。")
    return Push("pool_warn", period, "\n".join([head, *rows, foot]), buttons=buttons(lines, en))


def buttons(lines: Sequence[NoticeLine], en: bool) -> list[dict[str, str]]:
    """跟进 / 放弃 for the first lines that fit a card (for the only line: without its ref)."""
    keep, release = ("Follow up", "Release") if en else ("跟进", "放弃")
    found: list[dict[str, str]] = []
    for line in lines[:MAX_BUTTONS // 2]:
        tail = "" if len(lines) == 1 else f" {line.ref}"
        found += [{"text": keep + tail, "key": f"保留 {line.ref}"}, {"text": release + tail, "key": f"放弃 {line.ref}"}]
    return found
