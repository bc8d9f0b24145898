"""`dealbot inbox --failed` lists dead-lettered messages; `dealbot inbox --retry ID` queues one again."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from bot.config import Config

if TYPE_CHECKING:
    from domain.messaging import InboxRecord

PREVIEW = 60


def add_arguments(inbox: argparse.ArgumentParser) -> None:
    what = inbox.add_mutually_exclusive_group(required=True)
    what.add_argument("--failed", action="store_true", help="list dead-lettered messages / 列出处理失败的消息")
    what.add_argument("--retry", metavar="ID", help="put a failed message back in the queue / 重新处理")
    inbox.add_argument("--limit", type=int, default=100)


def render(records: Sequence[InboxRecord]) -> str:
    if not records:
        return "没有处理失败的消息。/ No failed messages.\n"
    lines = [f"处理失败的消息 {len(records)} 条 / {len(records)} failed message(s) "
             "(重新处理 / retry: dealbot inbox --retry ID)"]
    for r in records:
        text = " ".join(r.text.split())
        preview = text[:PREVIEW] + ("…" if len(text) > PREVIEW else "")
        error = " ".join(r.last_error.split())[:200]
        lines += [f"#{r.id}  {r.channel}  {r.sender_name or r.sender_id} ({r.sender_id})  "
                  f"收到 received {r.received_at:%Y-%m-%d %H:%M} UTC  尝试 attempts {r.attempts}",
                  f"    错误 error: {error}", f"    内容 text: {preview}"]
    return "\n".join(lines) + "\n"


async def inbox(args: argparse.Namespace, config: Config, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    record_id = None
    if args.retry is not None:
        if not str(args.retry).lstrip("#").isdigit():
            print(f"「{args.retry}」不是消息编号，请写数字，例如 dealbot inbox --retry 12 / "
                  f"'{args.retry}' is not a message id; write a number, e.g. dealbot inbox --retry 12",
                  file=sys.stderr)
            return 2
        record_id = int(str(args.retry).lstrip("#"))
    from bot.bootstrap import database_url  # the command line loads the storage layer only when used
    from storage.engine import make_engine, make_session_factory
    from storage.migrate import upgrade
    from storage.uow import SqlAlchemyUnitOfWork

    url = database_url(config)
    await upgrade(url)
    engine = make_engine(url)
    try:
        async with SqlAlchemyUnitOfWork(make_session_factory(engine)) as uow:
            if record_id is None:
                out.write(render(await uow.inbox.dead(args.limit)))
                return 0
            retried = await uow.inbox.retry_dead(record_id)
            await uow.commit()
    finally:
        await engine.dispose()
    if not retried:
        print(f"#{record_id} 不是处理失败的消息（dealbot inbox --failed 列出它们）/ "
              f"#{record_id} is not a failed message (dealbot inbox --failed lists them)", file=sys.stderr)
        return 1
    out.write(f"#{record_id} 已放回队列，运行中的 dealbot serve 会重新处理 / "
              f"#{record_id} is queued again; a running dealbot serve will process it\n")
    return 0
