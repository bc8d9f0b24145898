"""Datetimes stay timezone-aware, money stays exact, enums and JSON come back as they went in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError, StatementError
from storage_helpers import SHANGHAI, Factory, Parents

from domain.activity import Reminder, ReminderStatus
from domain.customer import Customer, Lifecycle
from domain.money import USD, Money
from domain.opportunity import Opportunity
from storage.models import CustomerRow, OpportunityRow


async def test_datetimes_come_back_aware_in_utc_and_equal_to_what_was_stored(
        uow_factory: Factory, parents: Parents) -> None:
    shanghai = datetime(2025, 3, 3, 9, 30, 15, 123456, tzinfo=SHANGHAI)
    new_york = datetime(2025, 3, 2, 20, 30, 15, 123456, tzinfo=timezone(timedelta(hours=-5)))
    async with uow_factory() as uow:
        deal = await uow.opportunities.add(Opportunity(
            parents.customer_id, "时区", created_at=shanghai, next_at=new_york, expected_close=None))
        await uow.commit()
    async with uow_factory() as uow:
        loaded = await uow.opportunities.get(deal.id or 0)
    assert loaded.created_at == shanghai and loaded.next_at == new_york and loaded.expected_close is None
    for value in (loaded.created_at, loaded.next_at):
        assert value is not None and value.utcoffset() == timedelta(0)
    assert loaded.created_at.hour == 1  # 09:30 in Shanghai is 01:30 UTC


async def test_datetimes_are_stored_as_utc_so_comparisons_across_zones_work(
        uow_factory: Factory, parents: Parents) -> None:
    at_nine_shanghai = datetime(2025, 3, 3, 9, 0, tzinfo=SHANGHAI)  # 01:00 UTC
    async with uow_factory() as uow:
        await uow.reminders.add(Reminder(parents.rep_id, at_nine_shanghai, "九点"))
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.reminders.due(datetime(2025, 3, 3, 0, 59, tzinfo=UTC)) == []
        assert len(await uow.reminders.due(datetime(2025, 3, 3, 1, 0, tzinfo=UTC))) == 1
        stored = await uow.session.scalar(text("SELECT due_at FROM reminders"))
    assert "01:00:00" in str(stored)


@pytest.mark.parametrize(("written", "read"), [
    ("2025-03-03 01:00:00", datetime(2025, 3, 3, 1, 0, tzinfo=UTC)),
    ("2025-03-03 01:00:00.25", datetime(2025, 3, 3, 1, 0, 0, 250000, tzinfo=UTC)),
    ("2025-03-03 09:00:00+08:00", datetime(2025, 3, 3, 1, 0, tzinfo=UTC)),
    ("2025-03-03", datetime(2025, 3, 3, 0, 0, tzinfo=UTC)),
])
async def test_timestamps_written_by_hand_in_other_shapes_read_back_aware_in_utc(
        uow_factory: Factory, parents: Parents, written: str, read: datetime) -> None:
    """Raw SQL (an import, an admin's fix) may store a timestamp as other text than ours: each still reads
    back aware, in UTC, as the engine understood it (on PostgreSQL a bare time of day is the server's UTC).
    MySQL's DATETIME knows no offsets: text with one is refused there (strict mode)."""
    async with uow_factory() as uow:
        value = ":at"
        dialect = uow.session.get_bind().dialect.name
        if dialect == "mysql" and "+" in written:
            with pytest.raises(DBAPIError, match="Incorrect datetime value"):
                await uow.session.execute(text("UPDATE opportunities SET created_at = :at WHERE id = :id"),
                                          {"at": written, "id": parents.opportunity_id})
            return
        if dialect == "postgresql":
            await uow.session.execute(text("SET TIME ZONE 'UTC'"))
            value = "CAST(CAST(:at AS TEXT) AS TIMESTAMPTZ)"
        await uow.session.execute(text(f"UPDATE opportunities SET created_at = {value} WHERE id = :id"),
                                  {"at": written, "id": parents.opportunity_id})
        await uow.commit()
    async with uow_factory() as uow:
        loaded = await uow.opportunities.get(parents.opportunity_id)
    assert loaded.created_at == read and loaded.created_at is not None and loaded.created_at.tzinfo is UTC


async def test_naive_datetimes_are_refused(uow_factory: Factory, parents: Parents) -> None:
    async with uow_factory() as uow:
        with pytest.raises(StatementError, match="naive datetime"):
            await uow.reminders.add(Reminder(parents.rep_id, datetime(2025, 3, 3, 9, 0), "无时区"))


@pytest.mark.parametrize("amount", ["0.01", "528000.00", "1234567890123.45", "-42.10", "7"])
async def test_money_round_trips_exactly_with_its_currency(
        uow_factory: Factory, parents: Parents, amount: str) -> None:
    async with uow_factory() as uow:
        deal = await uow.opportunities.add(
            Opportunity(parents.customer_id, "金额", amount=Money(Decimal(amount), USD)))
        await uow.commit()
    async with uow_factory() as uow:
        loaded = await uow.opportunities.get(deal.id or 0)
        currency = await uow.session.scalar(
            select(OpportunityRow.amount_currency).where(OpportunityRow.id == deal.id))
    assert loaded.amount == Money(Decimal(amount), USD)
    assert loaded.amount is not None and loaded.amount.amount.as_tuple().exponent == -2
    assert currency == "USD"


async def test_amounts_are_rounded_to_cents(uow_factory: Factory, parents: Parents) -> None:
    async with uow_factory() as uow:
        half_cent = Money(Decimal("10.005"))
        deal = await uow.opportunities.add(Opportunity(parents.customer_id, "分", amount=half_cent))
        await uow.commit()
    async with uow_factory() as uow:
        assert (await uow.opportunities.get(deal.id or 0)).amount == Money(Decimal("10.01"))


async def test_enums_are_stored_as_their_values_and_loaded_as_enums(
        uow_factory: Factory, parents: Parents) -> None:
    async with uow_factory() as uow:
        customer = await uow.customers.add(Customer("枚举", lifecycle=Lifecycle.CHURNED))
        reminder = await uow.reminders.add(Reminder(parents.rep_id, datetime(2025, 1, 1, tzinfo=UTC), "x",
                                                    status=ReminderStatus.CANCELLED))
        await uow.commit()
    async with uow_factory() as uow:
        raw = await uow.session.scalar(select(CustomerRow.lifecycle).where(CustomerRow.id == customer.id))
        assert raw == "churned"
        assert (await uow.customers.get(customer.id or 0)).lifecycle is Lifecycle.CHURNED
        assert (await uow.reminders.get(reminder.id or 0)).status is ReminderStatus.CANCELLED


async def test_json_lists_keep_chinese_text_and_are_not_shared_with_the_row(uow_factory: Factory) -> None:
    async with uow_factory() as uow:
        customer = await uow.customers.add(Customer("标签", tags=["重点客户", "华东"]))
        customer.tags.append("改了但没保存")
        await uow.commit()
    async with uow_factory() as uow:
        loaded = await uow.customers.get(customer.id or 0)
        assert loaded.tags == ["重点客户", "华东"]
        loaded.tags.append("新增")
        await uow.customers.save(loaded)
        await uow.commit()
    async with uow_factory() as uow:
        assert (await uow.customers.get(customer.id or 0)).tags == ["重点客户", "华东", "新增"]
