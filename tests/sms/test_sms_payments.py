"""Customers' payment reminder SMS end to end: one SMS per milestone falling due to the customer's contact with
a mobile, never twice (also from two processes at once), recorded for the owner, held through quiet hours,
stopped per customer."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from scheduler.sms_jobs import send_payment_sms
from tests.sms.world import SHANGHAI, SmsWorld


async def test_due_milestone_texts_the_customer_once_and_tells_the_owner(world: SmsWorld) -> None:
    await world.deal_with_plan()
    assert await world.run_job("sms-payments") == 1
    [request] = world.fake.received
    assert request.error == "" and request.body["TemplateId"] == "1002"
    assert request.body["PhoneNumberSet"] == ["+8613800138001"]
    assert request.body["TemplateParamSet"] == ["明途", "第1期", "30万", "11月24日"]
    [row] = await world.sms_outbox()
    assert row.status == "sent" and row.dedupe_key.startswith("sms:payment:")
    [send] = await world.sends()
    assert (send.kind, send.customer_id, send.phone) == ("payment", 1, "+8613800138001")
    assert send.milestone_id is not None
    told = world.console.read()
    assert "已安排回款提醒短信" in told and "王总 138****8001" in told and "第1期" in told
    assert "商机 #1 第1期 30万，2026-11-24 到期" in told  # money as everywhere in chat, not "300000.00 CNY"
    world.clock.now += timedelta(hours=3)
    assert await world.run_job("sms-payments") == 0  # the same day again: nothing new
    assert len(world.fake.received) == 1
    log = await world.console.say("短信 记录 客户 明途")
    assert "138****8001" in log and "回款提醒" in log


async def test_two_processes_scanning_at_once_queue_one_sms(world: SmsWorld) -> None:
    await world.deal_with_plan()
    settings = world.console.app.bot.settings.sms
    counts = await asyncio.gather(*(send_payment_sms(world.console.app.uow_factory, world.clock.now, settings)
                                    for _ in range(3)))
    assert sum(counts) == 1
    await world.console.app.dispatcher.drain()
    assert len(await world.sms_outbox()) == 1 and len(world.fake.delivered) == 1


async def test_payment_sms_waits_for_the_end_of_quiet_hours(world: SmsWorld) -> None:
    await world.deal_with_plan()
    world.clock.now = datetime(2026, 11, 24, 22, 30, tzinfo=SHANGHAI)
    assert await world.run_job("sms-payments") == 1
    [row] = await world.sms_outbox()
    assert row.status == "pending" and row.not_before == datetime(2026, 11, 25, 8, 0, tzinfo=SHANGHAI)
    assert world.fake.received == []
    world.clock.now = datetime(2026, 11, 25, 8, 1, tzinfo=SHANGHAI)
    await world.console.app.dispatcher.drain()
    assert len(world.fake.delivered) == 1


async def test_a_customer_who_said_stop_gets_no_sms_and_only_its_owner_resumes(world: SmsWorld) -> None:
    await world.deal_with_plan()
    reply = await world.console.say("短信 停止 客户 明途", as_user="lina")
    assert "已停止" in reply
    [optout] = await world.optouts()
    assert optout.customer_id == 1
    assert await world.run_job("sms-payments") == 0
    assert world.fake.received == [] and await world.sms_outbox() == []
    refused = await world.console.say("短信 恢复 客户 明途", as_user="lina")
    assert "没有权限" in refused and len(await world.optouts()) == 1
    assert "已恢复" in await world.console.say("sms resume customer 明途", as_user="zhangwei")
    assert await world.optouts() == []
    assert await world.run_job("sms-payments") == 1
    assert "No more SMS" in await world.console.say("customer sms stop 明途", as_user="chen")
    assert [o.customer_id for o in await world.optouts()] == [1]


async def test_bad_customer_commands_say_how_and_change_nothing(world: SmsWorld) -> None:
    await world.deal_with_plan()
    for text in ("短信 停止", "短信 停止 客户", "短信 停止 客户 不存在的公司", "短信 取消 客户 明途"):
        reply = await world.console.say(text)
        assert "客户" in reply, reply
    reply = await world.console.say("customer sms stop", as_user="chen")
    assert "write the customer's name" in reply
    assert await world.optouts() == []


async def test_a_sentence_starting_with_the_word_sms_stays_free_text(world: SmsWorld) -> None:
    await world.deal_with_plan()
    reply = await world.console.say("短信联系了王总 明天再电话确认")
    assert "停止" not in reply and "不认识" not in reply and "用法" not in reply  # the free-text route asked back
    assert await world.optouts() == [] and await world.subscriptions() == []
