"""The bot: accept inbound messages into the inbox, process each exactly once, reply via the outbox."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.context import Context, Directory, Settings
from bot.errors import UnknownSender
from bot.processing import BatchProcessor
from bot.reply import Reply, render_markdown, render_text
from bot.router import Router
from connectors.base import InboundMessage
from domain.errors import DomainError
from domain.messaging import InboxRecord, OutboxItem
from domain.people import Rep
from domain.ports import UnitOfWork

log = logging.getLogger(__name__)

APOLOGY = Reply.text("抱歉，处理这条消息时出了问题，已记录下来，请稍后再试。",
                     "Sorry, something went wrong with that message. It has been logged; please try again later.",
                     error=True)


class InboxWriter(Protocol):
    async def put(self, record: InboxRecord) -> bool: ...


def to_record(msg: InboundMessage) -> InboxRecord:
    payload = {"thread_refs": list(msg.thread_refs), "subject": msg.subject,
               "attachments": [asdict(a) for a in msg.attachments], "extra": msg.extra}
    return InboxRecord(channel=msg.channel, external_id=msg.external_id, conversation_id=msg.conversation_id,
                       sender_id=msg.sender_id, text=msg.text, received_at=msg.received_at,
                       sender_name=msg.sender_name, payload=payload)


def from_record(record: InboxRecord) -> InboundMessage:
    return InboundMessage(channel=record.channel, external_id=record.external_id,
                          conversation_id=record.conversation_id, sender_id=record.sender_id, text=record.text,
                          received_at=record.received_at, sender_name=record.sender_name,
                          subject=record.payload.get("subject", ""),
                          thread_refs=tuple(record.payload.get("thread_refs", ())),
                          extra=record.payload.get("extra", {}))


class Bot:
    def __init__(self, uow_factory: Callable[[], UnitOfWork], router: Router, settings: Settings | None = None,
                 clock: Callable[[], datetime] | None = None, inbox: InboxWriter | None = None,
                 max_batch: int = 64) -> None:
        self.uow_factory = uow_factory
        self.router = router
        self.settings = settings or Settings()
        self.clock = clock or (lambda: datetime.now(UTC))
        self.inbox = inbox
        self.processor = BatchProcessor(self.handle_batch, max_batch)

    async def accept(self, msg: InboundMessage) -> bool:
        """Store the message before the platform is acknowledged. False for a redelivery."""
        if self.inbox is not None:
            return await self.inbox.put(to_record(msg))
        async with self.uow_factory() as uow:
            added = await uow.inbox.add(to_record(msg))
            await uow.commit()
        return added

    async def receive(self, msg: InboundMessage) -> None:
        """Accept, then wait until the message is processed and its reply is queued (console, tests)."""
        if await self.accept(msg):
            await self.processor.submit(msg)

    async def ingest(self, msg: InboundMessage) -> None:
        """The dispatch for webhook/polling channels: store (so the platform can be answered), process later."""
        if await self.accept(msg):
            self.submit(msg)

    def submit(self, msg: InboundMessage) -> None:
        """Process an accepted message in the background (webhook channels answer the platform first)."""
        self.processor.submit(msg)

    async def process_pending(self, limit: int = 500) -> int:
        """Process what was accepted but not processed (e.g. before a crash)."""
        async with self.uow_factory() as uow:
            pending = [from_record(r) for r in await uow.inbox.unprocessed(limit)]
        if pending:
            await self.handle_batch(pending)
        return len(pending)

    async def close(self) -> None:
        await self.processor.close()

    async def handle_batch(self, messages: list[InboundMessage]) -> None:
        async with self.uow_factory() as uow:
            directory = await Directory.load(uow)
            for msg in messages:
                await self._handle(uow, directory, msg)
            await uow.commit()

    async def _handle(self, uow: UnitOfWork, directory: Directory, msg: InboundMessage) -> None:
        rep = directory.identify(msg.channel, msg.sender_id)
        if rep is None or not rep.active:
            err = UnknownSender(identity=f"{msg.channel}:{msg.sender_id}")
            await self._finish(uow, msg, Reply.text(err.message("zh"), err.message("en"), error=True), "zh", [])
            return
        ctx = self._context(uow, rep, directory, msg)
        try:
            async with uow.savepoint():
                reply = await self.router.route(ctx, msg.text)
                await self._finish(uow, msg, reply, rep.locale, ctx.outbox)
            return
        except DomainError as err:
            reply = Reply.text(err.message(rep.locale), error=True)
        except Exception:
            log.exception("handler failed for %s message %s", msg.channel, msg.external_id)
            reply = APOLOGY
        await self._finish(uow, msg, reply, rep.locale, [])

    def _context(self, uow: UnitOfWork, rep: Rep, directory: Directory, msg: InboundMessage) -> Context:
        now = msg.received_at.astimezone(ZoneInfo(rep.timezone))
        return Context(uow=uow, rep=rep, now=now, channel=msg.channel, conversation_id=msg.conversation_id,
                       batch=uuid.uuid4().hex, settings=self.settings, directory=directory)

    async def _finish(self, uow: UnitOfWork, msg: InboundMessage, reply: Reply, locale: str,
                      extra: list[OutboxItem]) -> None:
        """Reply, queued messages and the processed mark go into the same transaction as the changes."""
        now = self.clock()
        for item in [reply_item(msg, reply, locale, now), *extra]:
            await uow.outbox.add(item)
        await uow.inbox.mark_processed(msg.channel, msg.external_id, now)


def reply_item(msg: InboundMessage, reply: Reply, locale: str, now: datetime) -> OutboxItem:
    extra = {k: v for k, v in msg.extra.items() if k in ("session_webhook", "in_reply_to")}
    return OutboxItem(channel=msg.channel, recipient=msg.conversation_id, text=render_text(reply, locale),
                      markdown=render_markdown(reply, locale), created_at=now, extra=extra)
