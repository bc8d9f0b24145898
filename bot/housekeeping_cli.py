"""`dealbot housekeeping [--dry-run] [--archive DIR]`: prune expired inbox, outbox and audit rows once.

The same run as the scheduled job (`[retention]` config, scheduler.housekeeping); `--dry-run` counts what
would go and changes nothing; `--archive DIR` writes every pruned row to DIR/<table>-<time>.jsonl first.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from bot.config import Config
from bot.handlers.undo import UNDO_WINDOW
from domain.retention import PruneReport, RetentionPolicy, Target
from scheduler.housekeeping import Housekeeper
from storage.engine import make_session_factory
from storage.housekeeping import Archive, SqlAlchemyHousekeeping

LABELS = {  # (zh, en, which config key)
    Target.INBOX: ("已处理的收到消息", "processed inbox messages", "inbox_days"),
    Target.OUTBOX_SENT: ("已发送的消息", "sent outbox messages", "outbox_days"),
    Target.OUTBOX_FAILED: ("发送失败的消息", "failed outbox messages", "failed_days"),
    Target.AUDIT: ("操作记录", "audit records", "audit_days"),
    Target.USAGE: ("使用统计事件", "usage events", "usage_days"),
}


def policy_from_config(config: Config) -> RetentionPolicy:
    """The `[retention]` section; audit rows inside the undo window are kept whatever audit_days says."""
    section = config.section("retention")
    defaults = RetentionPolicy()
    return RetentionPolicy(
        inbox_days=int(section.get("inbox_days", defaults.inbox_days)),
        outbox_days=int(section.get("outbox_days", defaults.outbox_days)),
        failed_days=int(section.get("failed_days", defaults.failed_days)),
        audit_days=int(section.get("audit_days", defaults.audit_days)),
        usage_days=int(config.get("usage", "retention_days", defaults.usage_days)),
        interval_hours=float(section.get("interval_hours", defaults.interval_hours)),
        chunk=int(section.get("chunk", defaults.chunk)), undo_window=UNDO_WINDOW)


def build_housekeeper(engine: Any, config: Config, worker: str,
                      clock: Callable[[], datetime] | None = None) -> Housekeeper:
    store = SqlAlchemyHousekeeping(make_session_factory(engine))
    return Housekeeper(store, policy_from_config(config), worker, clock)


class JsonLinesArchive:
    """Appends each pruned row, as one JSON object per line, to DIR/<target>-<started>.jsonl."""

    def __init__(self, folder: Path, started: datetime) -> None:
        self.folder = folder
        self.stamp = started.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        self.files: set[Path] = set()

    def __call__(self, target: Target, rows: Sequence[dict[str, Any]]) -> None:
        path = self.folder / f"{target.value}-{self.stamp}.jsonl"
        with path.open("a", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False, default=_plain) + "\n")
            fh.flush()
        self.files.add(path)


def _plain(value: Any) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value)


def render(report: PruneReport, policy: RetentionPolicy) -> str:
    if report.skipped:
        head = "另一个进程正在清理，本次跳过 / another process is pruning right now; skipped"
    elif report.dry_run:
        head = "演练：将删除以下数据（未做任何改动）/ Dry run: would delete (nothing was changed)"
    else:
        head = "已删除 / Deleted"
    lines = [head]
    for target, (zh, en, key) in LABELS.items():
        days = getattr(policy, key)
        keep = f"保留 {days} 天 / kept {days} days" if days else "永久保留 / kept forever"
        where = "[usage] retention_days" if target is Target.USAGE else f"[retention] {key}"
        lines.append(f"  {zh} / {en}: {report.counts.get(target, 0)}  ({keep}, {where})")
    return "\n".join(lines) + "\n"


async def housekeeping(args: argparse.Namespace, config: Config, out: TextIO | None = None,
                       clock: Callable[[], datetime] | None = None) -> int:
    out = out or sys.stdout
    archive: Archive | None = None
    now = (clock or (lambda: datetime.now(UTC)))()
    if args.archive is not None:
        folder = Path(args.archive)
        if not folder.is_dir():
            print(f"「{folder}」不是已存在的文件夹，请先创建它，例如 mkdir -p {folder} / "
                  f"'{folder}' is not an existing folder; create it first, e.g. mkdir -p {folder}", file=sys.stderr)
            return 2
        archive = JsonLinesArchive(folder, now)
    from bot.bootstrap import database_url  # the command line loads the storage layer only when used
    from storage.engine import make_engine
    from storage.migrate import upgrade
    from storage.uow import default_worker_id

    url = database_url(config)
    await upgrade(url)
    engine = make_engine(url)
    try:
        housekeeper = build_housekeeper(engine, config, default_worker_id(), clock)
        report = await housekeeper.run_once(dry_run=args.dry_run, archive=archive)
    finally:
        await engine.dispose()
    out.write(render(report, housekeeper.policy))
    if isinstance(archive, JsonLinesArchive) and archive.files:
        out.write("".join(f"  导出 / archived: {path}\n" for path in sorted(archive.files)))
    return 1 if report.skipped else 0
