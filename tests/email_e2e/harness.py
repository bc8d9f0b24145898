"""The bot with its email channel against a real Dovecot (IMAP + LMTP) and a local aiosmtpd server.

Reps talk to it through the console (tests.e2e.harness.Console); customers "send" mail by LMTP delivery
into the sales mailbox; what the bot mails out arrives at `RecordingSmtp`.
"""

from __future__ import annotations

import asyncio
import email
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from bot.bootstrap import App, bootstrap
from connectors.console import ConsoleConnector
from domain.ports import UnitOfWork
from storage.models import InboxRow
from storage.uow import SqlAlchemyUnitOfWork
from tests.e2e.harness import Clock, Console, make_config
from tests.email.dovecot import Mailbox, free_port

USERS_WITH_MAIL = [{"name": "赵敏", "role": "rep", "team": "华南一组", "email": "zhaomin@reps.test"}]


class RecordingSmtp:
    """Records every DATA; answers `fail_first` DATA commands with 451 (try again later)."""

    def __init__(self, fail_first: int = 0) -> None:
        self.fail_first = fail_first
        self.attempts: list[EmailMessage] = []
        self.received: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.attempts.append(message)
        if self.fail_first > 0:
            self.fail_first -= 1
            return "451 4.3.0 try again later"
        self.received.append(message)
        return "250 OK"


@dataclass
class MailWorld:
    app: App
    console: Console
    sales: Mailbox
    smtp: RecordingSmtp
    config_sections: dict[str, Any] = field(default_factory=dict)

    @property
    def clock(self) -> Clock:
        return self.console.clock

    async def deliver(self, raw: bytes, detail: str = "") -> None:
        await asyncio.to_thread(self.sales.deliver, raw, detail)

    async def processed(self, count: int, timeout: float = 30.0) -> str:
        """Wait until `count` mails are captured and processed; deliver the outbox; return console output."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while await self.count_processed() < count:
            if loop.time() > deadline:
                raise AssertionError(f"only {await self.count_processed()} of {count} mails processed")
            await asyncio.sleep(0.05)
        await self.app.dispatcher.drain()
        return self.console.read()

    async def count_processed(self) -> int:
        async with self.uow() as uow:
            stmt = select(func.count()).select_from(InboxRow).where(
                InboxRow.channel == "email", InboxRow.processed_at.is_not(None))
            return int(await uow.session.scalar(stmt) or 0)

    def uow(self) -> SqlAlchemyUnitOfWork:
        factory: Callable[[], UnitOfWork] = self.app.uow_factory
        made = factory()
        assert isinstance(made, SqlAlchemyUnitOfWork)
        return made

    async def say(self, text: str, as_user: str = "zhangwei") -> str:
        out = await self.console.say(text, as_user)
        return out

    async def close(self) -> None:
        await self.app.close()


def email_section(sales: Mailbox, smtp_port: int, **overrides: Any) -> dict[str, Any]:
    return {
        "from_address": sales.address, "from_name": "明途销售部", "domain": "example.test",
        "imap_host": "127.0.0.1", "imap_port": sales.server.imap_port, "imap_user": sales.user,
        "imap_password": sales.password, "imap_ssl": False, "imap_mailboxes": ["INBOX"],
        "smtp_host": "127.0.0.1", "smtp_port": smtp_port, "smtp_starttls": False,
        "poll_interval": 0.3, "batch_size": 10, **overrides,
    }


async def start_world(db_url: str, sales: Mailbox, smtp: RecordingSmtp, smtp_port: int,
                      now: datetime | None = None, start_channels: bool = True,
                      sections: dict[str, Any] | None = None, **overrides: Any) -> MailWorld:
    """`sections`: other config sections ([files], ...); `overrides`: keys of [email]."""
    config = make_config(db_url, email=email_section(sales, smtp_port, **overrides), **(sections or {}))
    config.sections["bot"]["default_team"] = "华东一组"
    config.sections["users"] = [*config.sections["users"], *USERS_WITH_MAIL]
    out = io.StringIO()
    clock = Clock(now or datetime.now(UTC))
    console = ConsoleConnector("zhangwei", stdin=io.StringIO(), stdout=out, clock=clock)
    app = await bootstrap(config, {"console": console}, clock=clock)
    world = MailWorld(app, Console(app, console, out, clock), sales, smtp)
    if start_channels:
        await app.bot.process_pending()
        await app.start_channels()
    return world


class SmtpServer:
    def __init__(self, handler: RecordingSmtp) -> None:
        self.handler = handler
        self.port = free_port()
        self.controller = Controller(handler, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


def later(world: MailWorld, seconds: float) -> None:
    world.clock.now += timedelta(seconds=seconds)
