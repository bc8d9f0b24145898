"""IMAP capture: new mail of one mailbox folder becomes InboundMessages, each dispatched once.

The blocking `imapclient` runs in worker threads. Each fetched batch is parsed in one worker call and
dispatched concurrently (so the inbox stores it with one group commit) while the next batch is fetched
and parsed. Progress is a (UIDVALIDITY, last UID) bookmark, moved once per batch and only past mails
whose `dispatch` returned: a restart never loses mail. When one dispatch of a batch fails, the bookmark
stops before it, and the later mails of that batch come again with it; they, like the rescan after a
changed UIDVALIDITY, are left to the Message-ID dedupe of the inbox. A mail whose dispatch keeps failing
is quarantined (connectors.email.quarantine) and the bookmark moves past it. Sizes are fetched before
mails, so a batch is bounded in bytes and a too-large mail is fetched only as a prefix (.fetching).
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from ssl import create_default_context
from typing import Any

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientAbortError, IMAPClientError

from connectors.base import Dispatch, InboundMessage

from .bookmarks import BookmarkStore
from .capture_settings import CaptureSettings, ImapAccount
from .fetching import SIZE_CHUNK, fetch_batch, fetch_sizes, internal_date, message_bytes, plan_batches
from .inbound import to_inbound
from .quarantine import QuarantinedMail, QuarantineStore

log = logging.getLogger(__name__)
MAX_FETCH_ABORTS = 3
Ready = tuple[list[int], list[tuple[int, InboundMessage]]]


class MailboxCapture:
    """One folder of one account."""

    def __init__(self, account: ImapAccount, folder: str, store: BookmarkStore, dispatch: Dispatch,
                 settings: CaptureSettings | None = None,
                 clock: Callable[[], datetime] | None = None,
                 quarantine: QuarantineStore | None = None) -> None:
        self.account = account
        self.quarantine = quarantine
        self.folder = folder
        self.store = store
        self.dispatch = dispatch
        self.settings = settings or CaptureSettings()
        self.clock = clock or (lambda: datetime.now(UTC))
        self.key = f"imap://{account.username}@{account.host}/{folder}"
        self.state = "stopped"  # connecting | capturing | idle | polling | backoff | stopped
        self._idle_usable = True
        self._careful_until = (0, 0)  # (uidvalidity, uid)
        self._aborts: dict[tuple[int, int], int] = {}
        self._failures: dict[tuple[int, int], int] = {}  # failed dispatches per (uidvalidity, uid)

    async def capture_once(self) -> int:
        """Connect, dispatch everything new, disconnect. Returns how many mails were dispatched."""
        client = await asyncio.to_thread(self._connect)
        try:
            return await self._capture(client)
        finally:
            await asyncio.to_thread(_logout, client)

    async def run(self, stop: asyncio.Event) -> None:
        """Capture until `stop` is set: IDLE (or poll) between rounds, reconnect with backoff."""
        delay = self.settings.backoff_initial
        while not stop.is_set():
            try:
                self.state = "connecting"
                client = await asyncio.to_thread(self._connect)
                try:
                    while not stop.is_set():
                        self.state = "capturing"
                        await self._capture(client)
                        delay = self.settings.backoff_initial
                        await self._wait_for_mail(client, stop)
                finally:
                    await asyncio.to_thread(_logout, client)
            except asyncio.CancelledError:
                raise
            except Exception as err:  # network, server, or dispatch failure: retry from the bookmark
                log.warning("email capture %s failed (%s: %s); retrying in %.3g s",
                            self.key, type(err).__name__, err, delay)
                self.state = "backoff"
                await _sleep_unless(stop, delay)
                delay = min(delay * 2, self.settings.backoff_max)
        self.state = "stopped"

    def _connect(self) -> IMAPClient:
        account = self.account
        client = IMAPClient(account.host, port=account.port, ssl=account.ssl, ssl_context=account.ssl_context,
                            timeout=account.timeout)
        client.normalise_times = False  # aware INTERNALDATE values
        if account.starttls:
            client.starttls(account.ssl_context or create_default_context())
        client.login(account.username, account.password)
        return client

    async def _capture(self, client: IMAPClient) -> int:
        selected = await asyncio.to_thread(client.select_folder, self.folder, True)
        uidvalidity = int(selected[b"UIDVALIDITY"])
        last_uid = await self._resume_point(uidvalidity)
        if last_uid is None:  # first run without backfill: start after the newest mail
            newest = int(selected.get(b"UIDNEXT", 1)) - 1
            await self.store.put(self.key, uidvalidity, max(newest, 0))
            return 0
        found = await asyncio.to_thread(client.search, ["UID", f"{last_uid + 1}:*"])
        uids = sorted(uid for uid in found if uid > last_uid)  # "n:*" also matches the newest UID < n
        return await self._capture_uids(client, uidvalidity, uids)

    async def _capture_uids(self, client: IMAPClient, uidvalidity: int, uids: list[int]) -> int:
        """Sizes first (per SIZE_CHUNK UIDs), then batches bounded by count and bytes; each batch is
        fetched and parsed while the previous one is dispatched."""
        dispatched, ready = 0, None
        for start in range(0, len(uids), SIZE_CHUNK):
            chunk = uids[start : start + SIZE_CHUNK]
            sizes = await asyncio.to_thread(fetch_sizes, client, chunk)
            for batch in self._batches(uidvalidity, chunk, sizes):
                if len(batch) == 1 and self._aborts.get((uidvalidity, batch[0]), 0) >= MAX_FETCH_ABORTS:
                    dispatched += await self._deliver(uidvalidity, ready) if ready else 0
                    ready = None
                    log.error("email capture %s: fetching UID %s broke the connection %s times; skipped",
                              self.key, batch[0], MAX_FETCH_ABORTS)
                    await self.store.put(self.key, uidvalidity, batch[0])
                    continue
                reading = asyncio.create_task(self._read(client, uidvalidity, batch, sizes))
                try:
                    dispatched += await self._deliver(uidvalidity, ready) if ready else 0
                except BaseException:
                    await asyncio.gather(reading, return_exceptions=True)  # the client must be idle to log out
                    raise
                ready = (batch, await reading)
        return dispatched + (await self._deliver(uidvalidity, ready) if ready else 0)

    async def _read(self, client: IMAPClient, uidvalidity: int, batch: list[int],
                    sizes: dict[int, int]) -> list[tuple[int, InboundMessage]]:
        fetched = await self._fetch_guarded(client, uidvalidity, batch, sizes)
        return await asyncio.to_thread(self._convert, batch, uidvalidity, fetched, sizes)

    def _batches(self, uidvalidity: int, uids: list[int], sizes: dict[int, int]) -> list[list[int]]:
        """Batches by count and bytes; single UIDs up to where an earlier batch made the server hang up."""
        careful = self._careful_until[1] if self._careful_until[0] == uidvalidity else 0
        return list(plan_batches(uids, sizes, self.settings.limits, self.settings.batch_size,
                                 self.settings.batch_bytes, careful))

    async def _fetch_guarded(self, client: IMAPClient, uidvalidity: int, batch: list[int],
                             sizes: dict[int, int]) -> dict[int, dict[bytes, Any]]:
        """A mail that makes the server drop the connection (Dovecot: BYE on an unreadable file) is
        narrowed down by fetching one UID at a time after reconnecting, then skipped."""
        try:
            fetched = await asyncio.to_thread(fetch_batch, client, batch, sizes, self.settings.limits, self.key)
        except IMAPClientAbortError:
            if len(batch) > 1:
                self._careful_until = (uidvalidity, batch[-1])
            else:
                key = (uidvalidity, batch[0])
                self._aborts[key] = self._aborts.get(key, 0) + 1
            raise
        if len(batch) == 1:
            self._aborts.pop((uidvalidity, batch[0]), None)
        return fetched

    async def _resume_point(self, uidvalidity: int) -> int | None:
        """The last captured UID; None on a first run that should skip existing mail."""
        bookmark = await self.store.get(self.key)
        if bookmark is None:
            return 0 if self.settings.backfill else None
        if bookmark[0] != uidvalidity:
            log.warning("email capture %s: UIDVALIDITY changed %s -> %s; rescanning the folder",
                        self.key, bookmark[0], uidvalidity)
            return 0
        return bookmark[1]

    async def _deliver(self, uidvalidity: int, ready: Ready) -> int:
        """Dispatch a parsed batch concurrently; move the bookmark to the last UID before the first failure
        that was not quarantined."""
        batch, messages = ready
        outcomes = await asyncio.gather(*(self.dispatch(message) for _, message in messages),
                                        return_exceptions=True)
        failed: tuple[int, BaseException] | None = None
        for (uid, message), outcome in zip(messages, outcomes, strict=True):
            if isinstance(outcome, BaseException) and not await self._quarantined(uidvalidity, uid, message, outcome):
                failed = failed or (uid, outcome)
            else:
                self._failures.pop((uidvalidity, uid), None)
        done = [uid for uid in batch if failed is None or uid < failed[0]]
        if done:
            await self.store.put(self.key, uidvalidity, done[-1])
        if failed is not None:
            raise failed[1]
        return len(messages)

    async def _quarantined(self, uidvalidity: int, uid: int, message: InboundMessage,
                           error: BaseException) -> bool:
        """True once this mail failed `max_dispatch_failures` times and is recorded as quarantined."""
        if not isinstance(error, Exception):  # cancellation: not the mail's fault
            return False
        count = self._failures[(uidvalidity, uid)] = self._failures.get((uidvalidity, uid), 0) + 1
        if count < self.settings.max_dispatch_failures:
            return False
        record = QuarantinedMail.of(self.key, uidvalidity, uid, message, error)
        if self.quarantine is not None:
            await self.quarantine.put(record)  # raises when the store is down: then nothing is skipped
        log.error("email capture %s: UID %s (%s) could not be stored %s times (%s); quarantined and skipped",
                  self.key, uid, record.message_id, count, record.reason)
        return True

    def _convert(self, batch: list[int], uidvalidity: int, fetched: dict[int, dict[bytes, Any]],
                 sizes: dict[int, int]) -> list[tuple[int, InboundMessage]]:
        """Parse the fetched mails (in a worker thread); a UID that could not be fetched is skipped."""
        messages: list[tuple[int, InboundMessage]] = []
        for uid in batch:
            item = fetched.get(uid) or {}
            raw = message_bytes(item)
            if raw is None:
                log.error("email capture %s: UID %s could not be fetched; skipped", self.key, uid)
                continue
            received = internal_date(item) or self.clock()
            source = {"folder": self.folder, "uid": uid, "uidvalidity": uidvalidity}
            messages.append((uid, to_inbound(raw, self.account.address, received, source,
                                             self.settings.limits, sizes.get(uid))))
        return messages

    async def _wait_for_mail(self, client: IMAPClient, stop: asyncio.Event) -> None:
        """IDLE until the server reports a change; poll when IDLE is off, missing or refused."""
        wanted = self._idle_usable and self.settings.use_idle
        if wanted and await asyncio.to_thread(client.has_capability, "IDLE"):
            try:
                await asyncio.to_thread(client.idle)
            except IMAPClientAbortError:
                raise
            except IMAPClientError as err:
                log.warning("email capture %s: IDLE refused (%s); polling instead", self.key, err)
                self._idle_usable = False
            else:
                await self._idle(client, stop)
                return
        self.state = "polling"
        await _sleep_unless(stop, self.settings.poll_interval)

    async def _idle(self, client: IMAPClient, stop: asyncio.Event) -> None:
        """Wait for a server notification, at most poll_interval: a notification that arrives while
        we are between SEARCH and IDLE can be missed, so we also look on our own now and then."""
        self.state = "idle"
        try:
            loop = asyncio.get_running_loop()
            renew_at = loop.time() + min(self.settings.idle_renew, self.settings.poll_interval)
            while not stop.is_set() and loop.time() < renew_at:
                if await asyncio.to_thread(client.idle_check, self.settings.idle_check_interval):
                    break
        finally:
            await asyncio.to_thread(client.idle_done)


def mailbox_captures(accounts: Sequence[ImapAccount], store: BookmarkStore, dispatch: Dispatch,
                     settings: CaptureSettings | None = None,
                     clock: Callable[[], datetime] | None = None,
                     quarantine: QuarantineStore | None = None) -> list[MailboxCapture]:
    return [MailboxCapture(account, folder, store, dispatch, settings, clock, quarantine)
            for account in accounts for folder in account.folders]


def _logout(client: IMAPClient) -> None:
    try:
        client.logout()
    except Exception:  # the connection may already be gone; nothing to save
        try:
            client.shutdown()
        except Exception:
            log.debug("IMAP shutdown after failed logout also failed", exc_info=True)


async def _sleep_unless(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
