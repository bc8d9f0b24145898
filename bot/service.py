"""The bot: accept inbound messages into the inbox, process each exactly once, reply via the outbox."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.args import normalize
from bot.context import Context, Directory, Settings
from bot.delivery.chat_files import MediaFetcher, receive_upload, wants_upload, with_media
from bot.directory_cache import DirectoryCache
from bot.errors import InactiveSender, UnknownSender
from bot.i18n import Text
from bot.message_records import from_record, reply_item, to_record
from bot.processing import BatchProcessor
from bot.reply import Reply
from bot.router import Router
from bot.service_ports import BatchChannelHandler, ChannelHandler, InboxWriter
from bot.settle import NOT_YOUR_CARD, foreign_tap, settle_item
from bot.understanding.known import names_ready
from bot.usage.events import UsageLog, outcome_of, usage_event
from bot.work_queue import InboxQueue, Key, QueueSettings
from connectors.base import InboundMessage
from domain.errors import DomainError
from domain.messaging import InboxRecord, OutboxItem
from domain.people import Rep
from domain.ports import UnitOfWork
from domain.usage import UsageEvent
from storage.errors import is_transient
from storage.uow import default_worker_id

log = logging.getLogger(__name__)

APOLOGY = Reply.text("抱歉，处理这条消息时出了问题，已记录下来，请稍后再试。",
                     "Sorry, something went wrong with that message. It has been logged; please try again later.",
                     error=True)

MIN_WINDOW, MAX_WINDOW = 16, 1024  # rows locked at the start of a batch
MIN_PER_BATCH = 8  # messages a batch processes before it gives way to waiting acknowledgements

ONLY_TEXT = Text("目前只支持文字消息。", "Only text messages are supported for now.")
UNREADABLE_PLACE = Text("没能读出这个位置。请用文字签到，例如：签到 明途",
                        "Could not read that location. Check in by text, e.g. check in Mingtu")


class Bot:
    """`worker` names this process in inbox claims (the inbox writer must claim with the same name)."""

    def __init__(self, uow_factory: Callable[[], UnitOfWork], router: Router, settings: Settings | None = None,
                 clock: Callable[[], datetime] | None = None, inbox: InboxWriter | None = None,
                 max_batch: int = 64, batch_budget: float = 0.02, queue: QueueSettings | None = None,
                 worker: str | None = None, usage: UsageLog | None = None) -> None:
        self.uow_factory = uow_factory
        self.usage = usage  # writes a batch's usage events in its transaction (bot.usage.events); None: off
        self.router = router
        self.settings = settings or Settings()
        self.clock = clock or (lambda: datetime.now(UTC))
        self.inbox = inbox
        self.batch_budget = batch_budget
        self.queue = InboxQueue(uow_factory, queue or QueueSettings(), worker or default_worker_id())
        self.processor = BatchProcessor(self.handle_batch, max_batch, give_way=self._webhook_busy,
                                        on_failure=self._failed)
        self._queued: dict[Key, asyncio.Future[None]] = {}  # what waits in the processor (claimed by us)
        self._accepting = True
        self._window = MAX_WINDOW  # messages locked at the start of the next batch
        self._last_ingest = float("-inf")
        self._ingesting = 0  # webhook callbacks waiting for their row to be stored
        self.channel_handlers: dict[str, ChannelHandler] = {}  # channel -> handler for non-rep senders
        self.batch_handlers: dict[str, BatchChannelHandler] = {}  # channel -> handler of all its messages
        self.media_fetchers: dict[str, MediaFetcher] = {}  # channel -> fetch of a sent file (issue #15)
        self.directory = DirectoryCache()  # reread only when reps, identities or teams changed

    async def accept(self, msg: InboundMessage) -> bool:
        """Store the message (born claimed by this process) before the platform is acknowledged.

        True: the caller queues it (a new message, or a redelivery of one nobody holds: pending, or its
        claimer's lease ran out). False: stored and held or finished already. Raises once closing.
        """
        if not self._accepting:
            raise RuntimeError("the bot is stopping and accepts no more messages")
        if self.inbox is not None:
            return await self.inbox.put(to_record(msg))
        async with self.uow_factory() as uow:
            added = await self.queue.accept(uow, to_record(msg))
            await uow.commit()
        return added

    async def receive(self, msg: InboundMessage) -> None:
        """Accept, then wait until the message is processed and its reply is queued (console, tests)."""
        if await self.accept(msg):
            await self._submit(msg)

    async def ingest(self, msg: InboundMessage) -> None:
        """The dispatch for webhook/polling channels: store (so the platform can be answered), process later."""
        self._last_ingest = time.monotonic()
        self._ingesting += 1
        try:
            accepted = await self.accept(msg)
        finally:
            self._ingesting -= 1
            self._last_ingest = time.monotonic()
        if accepted:
            self.submit(msg)

    def submit(self, msg: InboundMessage) -> None:
        """Process an accepted (claimed) message in the background (webhooks answer the platform first)."""
        self._submit(msg)

    def _submit(self, msg: InboundMessage) -> asyncio.Future[None]:
        key = (msg.channel, msg.external_id)
        if (queued := self._queued.get(key)) is not None:
            return queued
        future = self._queued[key] = self.processor.submit(msg)
        future.add_done_callback(lambda _: self._queued.pop(key, None))
        return future

    async def warm_up(self) -> None:
        """Read what every batch needs (the directory) now rather than on the first message."""
        async with self.uow_factory() as uow:
            await self.directory.get(uow)

    def start(self) -> None:
        """Sweep the inbox in the background (`[queue] sweep_interval`) until `close`."""
        self.queue.start(self._feed, lambda: self._queued.keys(), lambda: self.processor.backlog)

    def _feed(self, records: list[InboxRecord]) -> None:
        for record in records:
            self._submit(from_record(record))
        if self._queued:
            self.processor.wake()

    async def process_pending(self, limit: int = 500) -> int:
        """Claim and process, now, what nobody is working on: rows this process accepted but never queued,
        pending rows that are due and rows whose claimer's lease ran out (e.g. before a crash)."""
        found = await self.queue.orphans(self._queued.keys(), limit)
        found += await self.queue.sweep(self._queued.keys(), self.processor.backlog)
        messages = list({(r.channel, r.external_id): from_record(r) for r in found}.values())[:limit]
        # one future per message: a failing message is isolated and does not stop the others
        await asyncio.gather(*(self._submit(msg) for msg in messages), return_exceptions=True)
        return len(messages)

    async def close(self, grace: float = 0.0) -> None:
        """Graceful stop: accept nothing more, let the batch in progress finish (within `grace` seconds),
        give back the claims of everything still queued in memory or accepted and never queued."""
        self._accepting = False
        await self.queue.stop()
        left = await self.processor.close(grace)
        keys = {*self._queued, *((m.channel, m.external_id) for m in left)}
        self._queued.clear()
        try:
            keys |= {(r.channel, r.external_id) for r in await self.queue.orphans((), 10_000)}
            await self.queue.release(keys)
        except Exception:  # the leases run out and other processes take the rows over
            log.exception("could not release %d inbox claims", len(keys))

    async def _failed(self, msg: InboundMessage, error: BaseException) -> None:
        await self.queue.fail((msg.channel, msg.external_id), f"{type(error).__name__}: {error}")

    def _webhook_busy(self) -> bool:
        """Webhook callbacks are arriving (one in the last 50 ms): a batch waits (at most the processor's
        max_wait) before it starts, so that under load messages are processed in full batches instead of
        one short transaction each, which on SQLite's single connection would starve the acknowledgements."""
        return self._ingesting > 0 or time.monotonic() - self._last_ingest < 0.05

    def _acks_waiting(self) -> bool:
        """A platform is waiting for acknowledgements (webhook callbacks waiting for the inbox, or webhook
        traffic in the last 50 ms, and the inbox is busy).

        Senders through `receive` (the console) wait for the processed reply anyway: no reason to give way.
        """
        recent = self._ingesting > 0 or time.monotonic() - self._last_ingest < 0.05
        return recent and self.inbox is not None and self.inbox.waiting

    async def handle_batch(self, messages: list[InboundMessage]) -> int:
        """One transaction for the front of `messages`, each message's changes in its own (lazy) savepoint.

        Stops after `batch_budget` seconds so that acknowledgements are not held up behind a long batch
        (on SQLite the batch holds the only connection); returns how many messages it processed.
        """
        started = time.perf_counter()
        window = await self._prepared(messages[:self._window])  # about what the budget allows: locked up front
        async with self.uow_factory() as uow:
            # still ours? (row-locked until the commit: no sweep takes them meanwhile; the sweep renews leases)
            held = await uow.inbox.lock([(m.channel, m.external_id) for m in window], self.queue.worker)
            directory = await self.directory.get(uow)
            outbox: list[OutboxItem] = []
            events: list[UsageEvent] = []
            done: list[InboundMessage] = []
            consumed = 0
            for msg in window:
                consumed += 1
                if (msg.channel, msg.external_id) not in held:  # taken over, or done, elsewhere: skip
                    continue
                done.append(msg)
                if msg.channel in self.batch_handlers:  # handled below, all at once
                    continue
                outbox += await self._handle(uow, directory, msg, events)
                if time.perf_counter() - started > self.batch_budget or (
                        self._acks_waiting() and len(done) >= MIN_PER_BATCH):  # under load: progress all the same
                    break
            for channel, handler in self.batch_handlers.items():
                if mine := [msg for msg in done if msg.channel == channel]:
                    outbox += await handler(uow, directory, mine, self.clock())
            await uow.outbox.add_many(outbox)
            if self.usage is not None and events:  # same transaction as the replies: no commit of its own
                await self.usage(uow, events)
            await uow.inbox.mark_done([(m.channel, m.external_id) for m in done], self.queue.worker, self.clock())
            await uow.commit()
        self._window = min(MAX_WINDOW, max(MIN_WINDOW, 2 * consumed))  # what fitted, doubled
        return consumed

    async def _prepared(self, window: list[InboundMessage]) -> list[InboundMessage]:
        """What a batch needs before its transaction: files sent to an armed project fetched
        (bot.delivery.chat_files), the names its texts mention loaded."""
        if self.media_fetchers:
            window = await with_media(self.uow_factory, self.media_fetchers, window, self.clock(),
                                      self.settings.files.max_bytes)
        await names_ready(self.settings.known, [m.text for m in window if m.text],
                          lambda text: self.router.resolve(normalize(text)) is not None)
        return window

    async def _handle(self, uow: UnitOfWork, directory: Directory, msg: InboundMessage,
                      events: list[UsageEvent] | None = None) -> list[OutboxItem]:
        """The changes a message makes are written here; the messages to send are returned (and the usage
        event of a routed message appended to `events`)."""
        kind = msg.extra.get("msgtype")
        if kind == "event":  # platform events (WeCom subscribe, enter_agent): kept in the inbox, no reply
            return []
        rep = directory.identify(msg.channel, msg.sender_id)
        if rep is None and (handler := self.channel_handlers.get(msg.channel)) is not None:
            async with uow.savepoint():
                return await handler(uow, directory, msg, self.clock())
        if rep is None or not rep.active:
            err = (UnknownSender(identity=f"{msg.channel}:{msg.sender_id}") if rep is None
                   else InactiveSender(name=rep.name))
            log.info("%s message %s from an unknown sender %s", msg.channel, msg.external_id, msg.sender_id)
            locale = rep.locale if rep is not None else "zh"
            return [self._reply(msg, Reply.text(err.message("zh"), err.message("en"), error=True), locale)]
        if kind == "location" and msg.location is None:  # coordinates that are no place on earth
            return [self._reply(msg, Reply.text(UNREADABLE_PLACE.get(rep.locale), error=True), rep.locale)]
        if kind not in (None, "text", "location") and not wants_upload(msg):  # the router reads text only
            return [self._reply(msg, Reply.text(ONLY_TEXT.get(rep.locale), error=True), rep.locale)]
        if foreign_tap(msg):
            return [self._reply(msg, Reply.text(NOT_YOUR_CARD.get(rep.locale), error=True), rep.locale)]
        ctx = self._context(uow, rep, directory, msg)
        reply, items, failed = await self._routed(uow, ctx, msg)
        if events is not None and self.usage is not None:
            events.append(usage_event(msg, ctx, outcome_of(ctx, reply.is_error, failed), self.clock()))
        return items

    async def _routed(self, uow: UnitOfWork, ctx: Context, msg: InboundMessage) -> tuple[Reply, list[OutboxItem], bool]:
        """The reply, every message to send, and whether handling failed (the apology)."""
        locale = ctx.rep.locale
        try:
            async with uow.savepoint():
                reply = await (self.router.locate(ctx, msg.location) if msg.location is not None
                               else receive_upload(ctx, msg) if wants_upload(msg) else self.router.route(ctx, msg.text))
                await uow.audit.add_many(ctx.audit_log)
            return reply, [*settle_item(msg, reply, locale, self.clock()), self._reply(msg, reply, locale),
                           *ctx.outbox], False
        except DomainError as err:
            log.info("%s message %s answered with an error: %s", msg.channel, msg.external_id, err.message("en"))
            reply = Reply.text(err.message(locale), error=True)
        except Exception as exc:
            if is_transient(exc):  # a deadlock with another process: the batch rolls back and is retried
                log.warning("%s message %s: %s; its batch is retried", msg.channel, msg.external_id, exc)
                raise
            log.exception("handler failed for %s message %s", msg.channel, msg.external_id)
            return APOLOGY, [self._reply(msg, APOLOGY, locale)], True
        return reply, [self._reply(msg, reply, locale)], False

    def _context(self, uow: UnitOfWork, rep: Rep, directory: Directory, msg: InboundMessage) -> Context:
        now = msg.received_at.astimezone(ZoneInfo(rep.timezone))
        rep = replace(rep, identities=dict(rep.identities), regions=list(rep.regions))  # the cache's stays as read
        return Context(uow=uow, rep=rep, now=now, channel=msg.channel, conversation_id=msg.conversation_id,
                       batch=uuid.uuid4().hex, settings=self.settings, directory=directory,
                       in_group=msg.extra.get("conversation_type") == "group")

    def _reply(self, msg: InboundMessage, reply: Reply, locale: str) -> OutboxItem:
        return reply_item(msg, reply, locale, self.clock())

