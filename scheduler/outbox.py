"""Deliver outbox rows through the connectors: retries with backoff, nothing lost, nothing sent twice."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, timedelta

from connectors.base import Connector, DeliveryError, OutboundMessage
from domain.messaging import OutboxItem
from domain.ports import UnitOfWork

log = logging.getLogger(__name__)


class OutboxDispatcher:
    """Delivery is at least once: a row claimed `sending` by a process that died is released after
    `lease_seconds` (`release_stale`, a scheduler job) and sent again; the channels' own duplicate
    guards (WeCom `enable_duplicate_check`, our Message-ID on mail) catch most repeats.

    A failing item is retried when the channel says (`retry_after`); after `max_attempts` it is a dead
    letter (status failed, `dealbot outbox --dead`), unless it was queued less than `give_up_after` ago:
    then it keeps waiting, tried every `patient_delay` seconds at least, so a channel down for an hour
    delivers its backlog afterwards. The claim keeps each recipient's items in order (one at a time)."""

    def __init__(self, uow_factory: Callable[[], UnitOfWork], connectors: Mapping[str, Connector],
                 clock: Callable[[], datetime] | None = None, max_attempts: int = 10,
                 base_delay: float = 5.0, max_delay: float = 3600.0, lease_seconds: float = 60.0,
                 give_up_after: float = 0.0, patient_delay: float = 60.0, own_lane: Iterable[str] = ()) -> None:
        """`own_lane`: channels sent alongside the others, not in turn with them (webhooks, issue #16: a receiver
        timing out must not hold back the chat replies of the same round)."""
        self.uow_factory = uow_factory
        self.own_lane = frozenset(own_lane)
        self.connectors = connectors
        self.clock = clock or (lambda: datetime.now(UTC))
        self.max_attempts = max_attempts
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.lease = timedelta(seconds=lease_seconds)
        self.give_up_after = timedelta(seconds=give_up_after)
        self.patient_delay = patient_delay
        self._stopping = False
        self._inflight: set[int] = set()  # claimed by this process, outcome not recorded yet
        self._idle = asyncio.Event()
        self._idle.set()

    async def run_once(self, limit: int = 50) -> int:
        """Claim due rows, send them, record the outcome. Returns how many were sent.

        Once stopping, claims nothing; the claimed rows not tried yet are given back. While the round runs,
        a heartbeat renews its claims every third of the lease (also during one slow send), and so does each
        step once half the lease has passed, so no other process takes over rows still queued or sent here.
        """
        if self._stopping:
            return 0
        async with self.uow_factory() as uow:
            items = list(await uow.outbox.claim(self.clock(), limit, channels=list(self.connectors)))
            await uow.commit()
        ids = {item.id for item in items if item.id is not None}
        self._inflight |= ids
        self._idle.clear()
        heartbeat = asyncio.create_task(self._heartbeat(), name="outbox-claims") if ids else None
        try:
            lanes = ([i for i in items if i.channel not in self.own_lane],
                     [i for i in items if i.channel in self.own_lane])
            return sum(await asyncio.gather(*(self._send_all(lane) for lane in lanes if lane)))
        finally:
            if heartbeat is not None:
                heartbeat.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await heartbeat
            left, self._inflight = self._inflight & ids, self._inflight - ids
            await self._release(left)
            if not self._inflight:  # only once released: stop() may dispose of the engine right after
                self._idle.set()

    async def _send_all(self, items: list[OutboxItem]) -> int:
        """In claim order; once an item to a recipient fails, the later ones to them are given back (they
        wait behind it: the claim keeps each recipient's items in order)."""
        sent, renewed = 0, self.clock()
        failed: set[tuple[str, str]] = set()
        for item in items:
            if self._stopping:
                break
            if self.clock() - renewed > self.lease / 2:  # as the heartbeat, by our clock (a loop that lagged)
                renewed = self.clock()
                await self._renew(renewed)
            if item.id not in self._inflight or (item.channel, item.recipient) in failed:
                continue  # taken over by another process after our claim ran out, or held back: released
            delivered = await self._deliver(item)
            if not delivered:
                failed.add((item.channel, item.recipient))
            sent += delivered
            self._inflight.discard(item.id or 0)
        return sent

    async def _heartbeat(self) -> None:
        while True:
            await asyncio.sleep(self.lease.total_seconds() / 3)
            try:
                await self._renew(self.clock())
            except Exception:  # the database is away a moment: the next beat tries again
                log.exception("could not renew outbox claims")

    async def _renew(self, at: datetime) -> None:
        mine = set(self._inflight)
        async with self.uow_factory() as uow:
            held = await uow.outbox.renew(mine, at)
            await uow.commit()
        self._inflight -= mine - held  # released by a sweep (we stalled) and maybe sent elsewhere: skip them

    async def release_stale(self) -> int:
        """Rows left `sending` longer than the lease (their sender died) go back to pending."""
        async with self.uow_factory() as uow:
            count = await uow.outbox.release_stale(self.clock() - self.lease)
            await uow.commit()
        if count:
            log.warning("released %d outbox items left sending by a stopped process", count)
        return count

    async def stop(self, grace: float = 10.0) -> None:
        """Claim nothing more; wait up to `grace` seconds for the sends in flight, give back the rest."""
        self._stopping = True
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), grace)
        await self._release(set(self._inflight))

    async def _release(self, ids: set[int]) -> None:
        if not ids:
            return
        try:
            async with self.uow_factory() as uow:
                await uow.outbox.release(ids)
                await uow.commit()
        except Exception:  # the lease runs out and release_stale gives them back
            log.exception("could not release outbox items %s", sorted(ids))

    async def drain(self, rounds: int = 20) -> int:
        total = 0
        for _ in range(rounds):
            count = await self.run_once()
            total += count
            if count == 0:
                break
        return total

    async def _deliver(self, item: OutboxItem) -> int:
        assert item.id is not None
        message = OutboundMessage(channel=item.channel, recipient=item.recipient, text=item.text,
                                  markdown=item.markdown, subject=item.subject,
                                  extra={**item.extra, "delivery_key": delivery_key(item), "outbox_id": item.id,
                                         "attempt": item.attempts})
        try:
            await self.connectors[item.channel].send(message)
        except DeliveryError as err:
            await self._retry(item, str(err), err.retry_after, counts=not err.deferred)
            return 0
        except Exception as err:  # a connector bug must not lose the message
            log.exception("sending outbox item %s on %s failed", item.id, item.channel)
            await self._retry(item, f"{type(err).__name__}: {err}", self._backoff(item))
            return 0
        async with self.uow_factory() as uow:
            await uow.outbox.mark_sent(item.id, self.clock())
            await uow.commit()
        return 1

    def _backoff(self, item: OutboxItem) -> float:
        return float(min(self.max_delay, self.base_delay * 2 ** item.attempts))

    async def _retry(self, item: OutboxItem, error: str, retry_after: float | None, counts: bool = True) -> None:
        """Try again later, unless the failure is permanent or the attempts are used up.

        `item.attempts` already counts this attempt (claim adds one); a deferral (`counts=False`) gives it back.
        """
        assert item.id is not None
        async with self.uow_factory() as uow:
            worn = counts and item.attempts >= self.max_attempts
            if retry_after is None or (worn and self.clock() - item.created_at >= self.give_up_after):
                log.error("giving up on outbox item %s: %s", item.id, error)
                await uow.outbox.mark_failed(item.id, error)
            else:
                delay = max(retry_after, self.patient_delay if worn else 0.0, 0.0)
                await uow.outbox.mark_retry(item.id, self.clock() + timedelta(seconds=delay), error, attempted=counts)
            await uow.commit()


def delivery_key(item: OutboxItem) -> str:
    """The same on every attempt to send `item` (and different for any other item): connectors hand it to
    the platform where it can drop a repeat (email: the Message-ID)."""
    return f"dealbot-outbox-{item.id}-{int(item.created_at.timestamp())}"
