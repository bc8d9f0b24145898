"""Fake inbox and outbox: deduplication, claiming, retries."""

from datetime import datetime, timedelta, timezone

import pytest

from domain.messaging import InboxRecord, OutboxItem, OutboxStatus
from tests.fakes import FakeIntegrityError, FakeStore

NOW = datetime(2024, 5, 20, 10, 0, tzinfo=timezone(timedelta(hours=8)))


def inbound(external_id: str, minute: int = 0) -> InboxRecord:
    return InboxRecord("wecom", external_id, "conv", "zhangsan", "hi", NOW + timedelta(minutes=minute))


async def test_inbox_dedupes_on_channel_and_external_id(store: FakeStore) -> None:
    async with store.uow() as uow:
        assert await uow.inbox.add(inbound("m1"))
        assert not await uow.inbox.add(inbound("m1"))
        await uow.commit()
    async with store.uow() as uow:
        assert not await uow.inbox.add(inbound("m1"))
        assert await uow.inbox.add(InboxRecord("dingtalk", "m1", "c", "s", "t", NOW))


async def test_inbox_duplicate_from_a_concurrent_unit_fails_on_commit(store: FakeStore) -> None:
    async with store.uow() as first, store.uow() as second:
        assert await first.inbox.add(inbound("m1"))
        assert await second.inbox.add(inbound("m1"))
        await first.commit()
        with pytest.raises(FakeIntegrityError):
            await second.commit()


async def test_inbox_unprocessed_until_marked(store: FakeStore) -> None:
    async with store.uow() as uow:
        await uow.inbox.add(inbound("m2", minute=2))
        await uow.inbox.add(inbound("m1", minute=1))
        assert [r.external_id for r in await uow.inbox.unprocessed()] == ["m2", "m1"], "in arrival order"
        await uow.inbox.mark_processed("wecom", "m2", NOW)
        await uow.inbox.mark_processed("wecom", "unknown", NOW)
        assert [r.external_id for r in await uow.inbox.unprocessed()] == ["m1"]


def outgoing(text: str, *, key: str | None = None, not_before: datetime | None = None,
             channel: str = "wecom") -> OutboxItem:
    return OutboxItem(channel, "zhangsan", text, NOW, dedupe_key=key, not_before=not_before)


async def test_outbox_dedupe_key_allows_one_row(store: FakeStore) -> None:
    async with store.uow() as uow:
        assert await uow.outbox.add(outgoing("digest", key="digest:7:2024-05-20")) is not None
        assert await uow.outbox.add(outgoing("digest again", key="digest:7:2024-05-20")) is None
        assert await uow.outbox.add(outgoing("no key")) is not None
        assert await uow.outbox.add(outgoing("no key either")) is not None
        await uow.commit()
    async with store.uow() as uow:
        assert await uow.outbox.add(outgoing("later", key="digest:7:2024-05-20")) is None


async def test_outbox_claim_takes_due_pending_items_and_marks_them_sending(store: FakeStore) -> None:
    async with store.uow() as uow:
        await uow.outbox.add(outgoing("now"))
        await uow.outbox.add(outgoing("later", not_before=NOW + timedelta(hours=1)))
        await uow.outbox.add(outgoing("mail", channel="email"))
        claimed = await uow.outbox.claim(NOW, channels=["wecom"])
        assert [(i.text, i.status, i.attempts) for i in claimed] == [("now", OutboxStatus.SENDING, 1)]
        assert await uow.outbox.claim(NOW, channels=["wecom"]) == []
        assert [i.text for i in await uow.outbox.pending_for("wecom", "zhangsan")] == ["later"]


async def test_claim_takes_items_in_the_order_they_were_queued(store: FakeStore) -> None:
    async with store.uow() as uow:
        await uow.outbox.add(outgoing("first", not_before=NOW))
        await uow.outbox.add(outgoing("second", not_before=NOW - timedelta(hours=1)))
        await uow.outbox.add(outgoing("third"))
        assert [i.text for i in await uow.outbox.claim(NOW, limit=2)] == ["first", "second"]


async def test_claimed_items_are_skipped_by_other_units(store: FakeStore) -> None:
    async with store.uow() as uow:
        await uow.outbox.add(outgoing("hello"))
        await uow.commit()
    async with store.uow() as first, store.uow() as second:
        assert len(await first.outbox.claim(NOW)) == 1
        assert await second.outbox.claim(NOW) == []
        await first.commit()
        assert await second.outbox.claim(NOW) == [], "committed as sending"


async def test_rolled_back_claim_releases_the_items(store: FakeStore) -> None:
    async with store.uow() as uow:
        await uow.outbox.add(outgoing("hello"))
        await uow.commit()
    async with store.uow() as first:
        assert len(await first.outbox.claim(NOW)) == 1
    async with store.uow() as second:
        assert len(await second.outbox.claim(NOW)) == 1


async def test_outbox_retry_sent_and_failed(store: FakeStore) -> None:
    async with store.uow() as uow:
        a = await uow.outbox.add(outgoing("a"))
        b = await uow.outbox.add(outgoing("b"))
        c = await uow.outbox.add(outgoing("c"))
        assert a and b and c and a.id and b.id and c.id
        await uow.outbox.claim(NOW)
        await uow.outbox.mark_sent(a.id, NOW)
        await uow.outbox.mark_retry(b.id, NOW + timedelta(minutes=5), "timeout")
        await uow.outbox.mark_failed(c.id, "blocked")
        assert await uow.outbox.claim(NOW) == []
        retried = await uow.outbox.claim(NOW + timedelta(minutes=5))
        assert [(i.text, i.attempts, i.last_error) for i in retried] == [("b", 2, "timeout")]
        await uow.commit()
    async with store.uow() as uow:
        assert await uow.outbox.pending_for("wecom", "zhangsan") == []
        await uow.outbox.mark_sent(99, NOW)  # unknown ids change nothing, like an UPDATE by id
