"""Mails per second from IMAP into records, against fetching + parsing with the standard library alone.

    .venv/bin/python bench/email_ingest.py [--mails 2000] [--engines sqlite,postgresql] [--rounds 3]

Before timing, a throw-away Dovecot (tests/email/dovecot.py) receives the mails by LMTP (bench/email_mails.py:
inquiries, replies with history, free mail, GBK/Big5/HTML, attachments, client fixtures, out-of-office,
bounces, list mail, a flooding sender). Both sides then read the same mailbox, in the same run:
- baseline: imapclient fetches batches of 50 UIDs, `email.message_from_bytes(raw, policy=policy.default)`;
- path: the real EmailConnector (IMAP capture, our parser) → Bot.ingest (inbox, group commit) → batch
  processing (threading, customers/contacts/leads, follow-ups, cards to reps in the outbox), until every
  mail is processed.
Target (issue #4): path ≥ 50% of the baseline's mails per second.
"""

from __future__ import annotations

import argparse
import asyncio
import email
import smtplib
import statistics
import sys
import time
from email import policy
from pathlib import Path
from typing import Any

sys.path.pop(0)  # not bench/ itself: bench/dingtalk_stream.py would hide the `dingtalk_stream` SDK
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from imapclient import IMAPClient
from sqlalchemy import event, func, select

from bench.common import database
from bench.email_mails import mail_mix
from bot.bootstrap import App, bootstrap
from bot.config import load_config
from storage.models import CustomerRow, FollowUpRow, LeadRow, OutboxRow
from storage.uow import SqlAlchemyUnitOfWork
from tests.email.dovecot import DovecotServer, Mailbox, find_dovecot

BATCH = 100
TEAMS = [{"name": "华东一组", "region": "华东"}]
USERS = [{"name": f"销售{i}", "role": "rep", "team": "华东一组", "console": f"rep{i}"} for i in range(6)]
USERS += [{"name": "管理员", "role": "admin", "console": "admin"}]


def deliver(box: Mailbox, mails: list[bytes]) -> None:
    with smtplib.LMTP("127.0.0.1", box.server.lmtp_port, timeout=30) as lmtp:
        for raw in mails:
            lmtp.sendmail("bench@example.test", [box.address], raw)


def baseline(box: Mailbox) -> tuple[int, float]:
    """imapclient fetch in batches + the standard library's parser with policy.default."""
    start = time.perf_counter()
    client = IMAPClient("127.0.0.1", port=box.server.imap_port, ssl=False)
    client.login(box.user, box.password)
    client.select_folder("INBOX", readonly=True)
    uids = sorted(client.search(["ALL"]))
    parsed = 0
    for index in range(0, len(uids), BATCH):
        for item in client.fetch(uids[index:index + BATCH], [b"BODY.PEEK[]", b"INTERNALDATE"]).values():
            email.message_from_bytes(item[b"BODY[]"], policy=policy.default)
            parsed += 1
    client.logout()
    return parsed, time.perf_counter() - start


def bot_config(url: str, box: Mailbox) -> Any:
    config = load_config(environ={})
    config.sections["database"]["url"] = url
    config.sections["bot"]["default_team"] = "华东一组"
    config.sections.update({"teams": TEAMS, "users": USERS, "email": {
        "from_address": box.address, "domain": "example.test", "imap_host": "127.0.0.1",
        "imap_port": box.server.imap_port, "imap_user": box.user, "imap_password": box.password,
        "imap_ssl": False, "batch_size": BATCH}})
    return config


def watch(app: App, expected: int) -> tuple[asyncio.Event, dict[str, int]]:
    """An event set once `expected` messages are processed; counts statements meanwhile."""
    done, counts = asyncio.Event(), {"processed": 0, "statements": 0}
    handle = app.bot.processor.handle_batch

    async def counting(messages: list[Any]) -> int:
        finished = await handle(messages)
        counts["processed"] += finished
        if counts["processed"] >= expected:
            done.set()
        return finished

    app.bot.processor.handle_batch = counting

    @event.listens_for(app.engine.sync_engine, "before_cursor_execute")
    def _count(*_: Any) -> None:
        counts["statements"] += 1

    return done, counts


async def path(engine: str, box: Mailbox, expected: int) -> tuple[float, dict[str, int]]:
    async with database(engine) as url:
        app = await bootstrap(bot_config(url, box), {})
        done, counts = watch(app, expected)
        counts["statements"] = 0
        start = time.perf_counter()
        await app.start_channels()
        await asyncio.wait_for(done.wait(), timeout=600)
        elapsed = time.perf_counter() - start
        async with app.uow_factory() as uow:
            assert isinstance(uow, SqlAlchemyUnitOfWork)
            for name, row in (("customers", CustomerRow), ("leads", LeadRow), ("followups", FollowUpRow),
                              ("outbox", OutboxRow)):
                counts[name] = int(await uow.session.scalar(select(func.count()).select_from(row)) or 0)
        await app.close()
    return elapsed, counts


async def one_round(engine: str, box: Mailbox) -> float:
    """Baseline, then the path, on the same mailbox; prints a table row, returns path / baseline."""
    parsed, base_time = await asyncio.to_thread(baseline, box)
    elapsed, counts = await path(engine, box, parsed)
    base_rate, rate = parsed / base_time, parsed / elapsed
    print(f"| {engine} | {base_rate:,.0f} | {rate:,.0f} | {rate / base_rate:.0%} | "
          f"{counts['statements'] / parsed:.2f} | {counts['customers']} | {counts['leads']} | "
          f"{counts['followups']} |", flush=True)
    return rate / base_rate


async def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mails", type=int, default=2000)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--rounds", type=int, default=3, help="baseline + path pairs per engine (median ratio)")
    args = parser.parse_args(argv)
    binary = find_dovecot()
    if binary is None:
        print("dovecot is not installed (make system-deps)", file=sys.stderr)
        return 2
    server = DovecotServer(binary)
    server.start()
    try:
        box = Mailbox(server, *server.add_user())
        mails = mail_mix(args.mails, box.address)
        deliver(box, mails)
        print(f"{len(mails)} mails delivered by LMTP, {sum(map(len, mails)) / len(mails) / 1024:.1f} KiB on average")
        print("| engine | baseline mails/s | path mails/s | ratio | statements/mail | customers | leads | follow-ups |")
        print("|---|---|---|---|---|---|---|---|")
        for engine in args.engines.split(","):
            ratios = [await one_round(engine, box) for _ in range(args.rounds)]
            print(f"| {engine} | median of {len(ratios)} | | **{statistics.median(ratios):.0%}** | | | | |",
                  flush=True)
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
