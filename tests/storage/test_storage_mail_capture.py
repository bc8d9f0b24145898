"""Quarantined mails and over-long values at the storage layer, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from storage_helpers import Factory

from domain.customer import Contact, Customer
from domain.mail import MailKey, MailLink, MailThread, QuarantineEntry
from storage.limits import ValueTooLong


def entry(uid: int, at: datetime) -> QuarantineEntry:
    return QuarantineEntry(mailbox="imap://sales@mx/INBOX", uidvalidity=4_000_000_000, uid=uid,
                           message_id=f"<m{uid}@x.test>", sender="a@x.test", subject="询价", size=1234,
                           reason="DataError: value too long", at=at)


async def test_a_quarantined_mail_is_recorded_once_and_listed_newest_first(uow_factory: Factory,
                                                                         now: datetime) -> None:
    async with uow_factory() as uow:
        assert await uow.mail_quarantine.add(entry(7, now))
        assert not await uow.mail_quarantine.add(entry(7, now))  # the same mail failing again
        assert await uow.mail_quarantine.add(entry(9, now + timedelta(minutes=1)))
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.mail_quarantine.count() == 2
        latest = await uow.mail_quarantine.latest()
    assert [(e.uid, e.uidvalidity, e.size) for e in latest] == [(9, 4_000_000_000, 1234), (7, 4_000_000_000, 1234)]


async def test_values_longer_than_their_column_are_refused_before_the_database_sees_them(
        uow_factory: Factory, now: datetime) -> None:
    async with uow_factory() as uow:
        with pytest.raises(ValueTooLong) as refused:
            await uow.customers.add(Customer("明" * 256, created_at=now))
        customer = await uow.customers.add(Customer("明途", created_at=now))  # the transaction is still usable
        assert customer.id is not None
        with pytest.raises(ValueTooLong):
            await uow.contacts.add(Contact(customer_id=customer.id, name="何" * 300))
        await uow.commit()
    assert "客户名称太长：最多 255 个字符，收到 256 个" in refused.value.message("zh")
    assert "customer name is too long: at most 255 characters, got 256" in refused.value.message("en")
    async with uow_factory() as uow:
        assert [c.name for c in await uow.customers.search("明")] == ["明途"]


async def test_thread_lookups_with_thousands_of_keys_are_split_into_bounded_queries(
        uow_factory: Factory, now: datetime) -> None:
    long_key = "<" + "k" * 400 + "@x.test>"
    async with uow_factory() as uow:
        await uow.mail_threads.add_many([MailThread.of(MailKey.MESSAGE, long_key, now, MailLink(1)),
                                         MailThread.of(MailKey.MESSAGE, "<last@x.test>", now, MailLink(2))])
        await uow.commit()
    keys = [f"<k{n}@x.test>" for n in range(40_000)] + [long_key, "<last@x.test>"]
    async with uow_factory() as uow:
        found = {t.key: t.customer_id for t in await uow.mail_threads.find(keys)}
    assert found == {long_key: 1, "<last@x.test>": 2}
