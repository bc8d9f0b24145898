"""EmailConnector: IMAP capture in, SMTP out (connectors.base.Connector)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from connectors.base import DeliveryError, Dispatch, OutboundMessage

from .bookmarks import BookmarkStore
from .capture_settings import CaptureSettings, ImapAccount
from .imap import MailboxCapture, mailbox_captures
from .inbound import CHANNEL
from .quarantine import QuarantineStore
from .smtp import SmtpConfig, SmtpSender

log = logging.getLogger(__name__)


class EmailConnector:
    """`start()` launches one capture task per account folder and returns; `stop()` ends them."""

    channel = CHANNEL

    def __init__(self, accounts: Sequence[ImapAccount], bookmarks: BookmarkStore,
                 smtp: SmtpConfig | None = None, settings: CaptureSettings | None = None,
                 clock: Callable[[], datetime] | None = None, stop_timeout: float = 10.0,
                 quarantine: QuarantineStore | None = None) -> None:
        self.accounts = tuple(accounts)
        self.quarantine = quarantine
        self.bookmarks = bookmarks
        self.settings = settings or CaptureSettings()
        self.clock = clock or (lambda: datetime.now(UTC))
        self.sender = SmtpSender(smtp, clock=self.clock) if smtp is not None else None
        self.stop_timeout = stop_timeout
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self.mailboxes: list[MailboxCapture] = []  # the running captures; their `state` suits health checks

    def captures(self, dispatch: Dispatch) -> list[MailboxCapture]:
        return mailbox_captures(self.accounts, self.bookmarks, dispatch, self.settings, self.clock, self.quarantine)

    async def start(self, dispatch: Dispatch) -> None:
        if self._tasks:
            raise RuntimeError("email connector already started")
        self._stop.clear()
        self.mailboxes = self.captures(dispatch)
        self._tasks = [asyncio.create_task(capture.run(self._stop), name=f"email {capture.key}")
                       for capture in self.mailboxes]

    async def stop(self) -> None:
        self._stop.set()
        tasks, self._tasks = self._tasks, []
        if not tasks:
            return
        _, pending = await asyncio.wait(tasks, timeout=self.stop_timeout)
        for task in pending:
            task.cancel()
        for task in pending:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def send(self, message: OutboundMessage) -> None:
        if message.channel != self.channel:
            raise DeliveryError(f"email connector cannot send {message.channel!r} messages", retry_after=None)
        if self.sender is None:
            raise DeliveryError("email sending is not configured (no SMTP server)", retry_after=None)
        message_id = await self.sender.send(message)
        log.info("email sent to %s as %s", message.recipient, message_id)
