"""Customers' payment reminder SMS after a day the bot was down: a milestone still owed that fell due up to
`[sms] payment_catch_up_days` ago (default 3) gets its SMS late, once, saying its real due date; older ones,
paid ones and ones already texted get none (also when the outbox row was pruned: the sends ledger)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import delete

from storage.models import OutboxRow
from tests.sms.world import NOW, SHANGHAI, SmsWorld, sms_world


async def test_a_milestone_due_two_days_ago_and_unpaid_gets_one_late_sms_with_its_date(world: SmsWorld) -> None:
    await world.deal_with_plan("2026-11-22")  # NOW is 2026-11-24: the bot was down on the 22nd
    assert await world.run_job("sms-payments") == 1
    [request] = world.fake.received
    assert request.body["TemplateParamSet"] == ["明途", "第1期", "30万", "11月22日"]  # the real due date
    [row] = await world.sms_outbox()
    assert row.status == "sent" and row.dedupe_key.endswith(":2026-11-22")
    assert row.text == "回款提醒短信：明途 第1期 300000.00 CNY 2026-11-22 到期（已逾期 2 天）（#1）"
    [send] = await world.sends()
    assert (send.kind, send.customer_id, send.phone) == ("payment", 1, "+8613800138001")
    told = world.console.read()
    assert "商机 #1 第1期 30万，2026-11-22 到期（已逾期 2 天，补发提醒）。" in told
    assert told.count("已安排回款提醒短信") == 1
    for later in (timedelta(hours=2), timedelta(days=1)):  # run again the same day and the next: still one
        world.clock.now += later
        assert await world.run_job("sms-payments") == 0
    assert len(world.fake.received) == 1 and len(await world.sms_outbox()) == 1 and len(await world.sends()) == 1
    assert "回款提醒短信" not in world.console.read()


async def test_the_owner_reading_english_is_told_how_late_it_is(world: SmsWorld) -> None:
    await world.deal_with_plan("2026-11-23", as_user="chen")
    assert await world.run_job("sms-payments") == 1
    told = world.console.read()
    assert "Payment reminder SMS queued for 明途 (王总 138****8001): payment 1 of deal #1, " in told
    assert " was due 2026-11-23 (1 day ago; a late reminder). " in told


async def test_a_milestone_due_five_days_ago_is_past_the_default_three_days(world: SmsWorld) -> None:
    await world.deal_with_plan("2026-11-19")
    assert await world.run_job("sms-payments") == 0
    assert world.fake.received == [] and await world.sms_outbox() == [] and await world.sends() == []
    assert "回款提醒短信" not in world.console.read()


async def test_a_paid_milestone_gets_no_late_sms(world: SmsWorld) -> None:
    await world.deal_with_plan("2026-11-22")
    assert "30万" in await world.console.say("回款 #1 30万")  # the first milestone now fully received
    assert await world.run_job("sms-payments") == 0
    assert world.fake.received == [] and await world.sms_outbox() == [] and await world.sends() == []


async def test_a_partly_paid_milestone_is_reminded_of_what_is_still_owed(world: SmsWorld) -> None:
    await world.deal_with_plan("2026-11-22")
    await world.console.say("回款 #1 10万")
    assert await world.run_job("sms-payments") == 1
    [request] = world.fake.received
    assert request.body["TemplateParamSet"] == ["明途", "第1期", "20万", "11月22日"]


async def test_back_during_quiet_hours_the_late_sms_waits_for_the_morning(world: SmsWorld) -> None:
    await world.deal_with_plan("2026-11-22")
    world.clock.now = datetime(2026, 11, 24, 22, 30, tzinfo=SHANGHAI)  # the bot is back late in the evening
    assert await world.run_job("sms-payments") == 1
    [row] = await world.sms_outbox()
    assert row.status == "pending" and row.not_before == datetime(2026, 11, 25, 8, 0, tzinfo=SHANGHAI)
    assert world.fake.received == []
    world.clock.now = datetime(2026, 11, 25, 8, 1, tzinfo=SHANGHAI)
    assert await world.run_job("sms-payments") == 0  # the waiting row is the one for that due date
    assert [r.body["TemplateParamSet"][3] for r in world.fake.delivered] == ["11月22日"]
    assert len(await world.sms_outbox()) == 1


async def test_a_pruned_outbox_row_does_not_send_it_again(world: SmsWorld) -> None:
    await world.deal_with_plan("2026-11-23")
    assert await world.run_job("sms-payments") == 1
    async with world.console.app.uow_factory() as uow:  # housekeeping with `[retention] outbox_days = 1`
        await uow.session.execute(delete(OutboxRow).where(OutboxRow.channel == "sms"))
        await uow.commit()
    world.clock.now += timedelta(days=1)
    assert await world.run_job("sms-payments") == 0  # the sends ledger has it for that due date
    assert len(world.fake.received) == 1 and await world.sms_outbox() == []


async def test_a_moved_due_date_still_gets_its_own_sms(world: SmsWorld) -> None:
    await world.deal_with_plan("2026-11-22")
    assert await world.run_job("sms-payments") == 1
    await world.console.say("回款计划 #1 30% 2026-11-25 70% 2027-03-01")  # a new plan in force: due tomorrow
    world.clock.now = NOW + timedelta(days=1)
    assert await world.run_job("sms-payments") == 1
    assert [r.body["TemplateParamSet"][3] for r in world.fake.received] == ["11月22日", "11月25日"]


@pytest.fixture
async def on_the_day_only(db_url: str) -> AsyncIterator[SmsWorld]:
    async with sms_world(db_url, payment_catch_up_days=0) as session:
        yield session


async def test_zero_catch_up_days_texts_only_on_the_due_date(on_the_day_only: SmsWorld) -> None:
    world = on_the_day_only
    assert world.console.app.bot.settings.sms is not None
    assert world.console.app.bot.settings.sms.payment_catch_up_days == 0
    await world.deal_with_plan("2026-11-23")
    assert await world.run_job("sms-payments") == 0
    assert world.fake.received == [] and await world.sms_outbox() == []
    world.clock.now = NOW - timedelta(days=1)  # on its due date: texted, catch-up or not
    assert await world.run_job("sms-payments") == 1
    assert [r.body["TemplateParamSet"][3] for r in world.fake.received] == ["11月23日"]
