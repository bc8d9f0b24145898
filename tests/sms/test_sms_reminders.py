"""Reminders by SMS end to end: opt in via chat, a reminder falls due, the scheduler and the outbox send a
signed SendSms to the fake Tencent Cloud SMS; its answers (rate limit, bad number) and our throttle."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from itertools import pairwise

from bot.channels import sms as sms_channel
from domain.activity import Reminder
from scheduler.outbox import OutboxDispatcher
from scheduler.proactive import ProactiveSettings, proactive_jobs
from storage.engine import make_engine, make_session_factory
from storage.uow import SqlAlchemyUnitOfWork
from tests.sms.world import NOW, SmsWorld, sms_world


async def _reminder(world: SmsWorld, due: datetime, text: str = "#1 明途 · 约客户开会", who: str = "张伟") -> int:
    async with world.console.app.uow_factory() as uow:
        rep = next(r for r in await uow.reps.list() if r.name == who)
        assert rep.id is not None
        reminder = await uow.reminders.add(Reminder(rep_id=rep.id, due_at=due, text=text))
        await uow.commit()
    assert reminder.id is not None
    return reminder.id


async def test_opted_in_reminder_goes_by_sms_with_signed_request_and_template_params(world: SmsWorld) -> None:
    reply = await world.console.say("短信提醒 开启 138-0013-8000")
    assert "138****8000" in reply
    [sub] = await world.subscriptions()
    assert (sub.mobile, sub.enabled) == ("+8613800138000", True)
    await world.console.say("新客户 杭州明途信息技术有限公司 区域 华东")
    await world.console.say("新商机 明途 MES 80万")
    await world.console.say("跟进 #1 电话沟通 下次 2026-11-26 15:00 发送技术方案书")
    world.clock.now = datetime(2026, 11, 26, 15, 1, tzinfo=NOW.tzinfo)
    await world.run_job("reminders")
    assert "提醒" in world.console.read()  # the chat card still arrives
    [request] = world.fake.received
    assert request.error == "" and request.status[0]["Code"] == "Ok"
    assert request.headers["x-tc-action"] == "SendSms" and request.headers["x-tc-version"] == "2021-01-11"
    assert request.headers["authorization"].startswith("TC3-HMAC-SHA256 Credential=AKIDfake0123456789/2026-11-26/sms/")
    body = request.body
    assert body["PhoneNumberSet"] == ["+8613800138000"] and body["TemplateId"] == "1001"
    assert (body["SmsSdkAppId"], body["SignName"]) == ("1400006666", "明途科技")
    assert body["TemplateParamSet"] == ["明途", "发送技术方…", "11月26日", "15:00"]
    [row] = await world.sms_outbox()
    assert row.status == "sent" and row.dedupe_key.startswith("sms:reminder:")
    [send] = await world.sends()
    assert (send.phone, send.kind, send.template_id) == ("+8613800138000", "reminder", "1001")
    assert send.serial_no == request.status[0]["SerialNo"] and send.delivery_key == body["SessionContext"]
    await world.run_job("reminders")  # run again: nothing new, nothing sent twice
    assert len(world.fake.received) == 1


async def test_not_opted_in_or_turned_off_gets_no_sms(world: SmsWorld) -> None:
    await world.console.say("短信提醒 开启 13800138000")
    reply = await world.console.say("短信提醒 关闭")
    assert "已关闭" in reply
    [sub] = await world.subscriptions()
    assert sub.enabled is False
    await _reminder(world, NOW + timedelta(minutes=5))
    await world.later(timedelta(minutes=6))
    await world.run_job("reminders")
    assert world.fake.received == [] and await world.sms_outbox() == []


async def test_of_several_reminders_due_together_only_the_opted_in_go_by_sms(world: SmsWorld) -> None:
    await world.console.say("短信提醒 开启 13800138000")
    await world.console.say("sms on 13900139000", as_user="chen")
    for who in ("张伟", "李娜", "陈晨"):
        await _reminder(world, NOW + timedelta(minutes=1), who=who)
    await world.later(timedelta(minutes=2))
    await world.run_job("reminders")
    assert sorted(r.body["PhoneNumberSet"][0] for r in world.fake.delivered) == ["+8613800138000", "+8613900139000"]
    assert sorted(s.phone for s in await world.sends()) == ["+8613800138000", "+8613900139000"]


async def test_bad_mobile_is_refused_with_how_to_and_nothing_stored(world: SmsWorld) -> None:
    for text in ("短信提醒 开启 12345", "短信提醒 开启 +1 415 555 0100", "短信提醒 开启 2380013800"):
        reply = await world.console.say(text)
        assert "不是中国大陆手机号" in reply and "13800138000" in reply, reply
    reply = await world.console.say("短信提醒 开启")
    assert "手机号" in reply
    reply = await world.console.say("sms on 555-0100", as_user="chen")
    assert "is not a mainland China mobile number" in reply and "13800138000" in reply
    reply = await world.console.say("短信提醒 随便", as_user="zhangwei")
    assert "不认识" in reply and "短信提醒 开启 13800138000" in reply
    assert await world.subscriptions() == []


async def test_english_opt_in_and_status(world: SmsWorld) -> None:
    reply = await world.console.say("sms on +86 139 0013 9000", as_user="chen")
    assert "SMS reminders on" in reply and "139****9000" in reply
    assert "SMS reminders are on: 139****9000" in await world.console.say("sms")
    [sub] = await world.subscriptions()
    assert sub.mobile == "+8613900139000"


async def test_with_reminder_sms_off_in_config_opting_in_says_so_and_stores_nothing(db_url: str) -> None:
    async with sms_world(db_url, reminders=False) as off:
        reply = await off.console.say("短信提醒 开启 13800138000")
        assert reply.strip() == "本公司未开通提醒短信（管理员在配置 [sms] 中设置 reminders = true）。"
        reply = await off.console.say("sms on 13900139000", as_user="chen")
        assert reply.strip() == "Reminders by SMS are not on here (an admin sets reminders = true under [sms])."
        assert await off.subscriptions() == []


async def test_a_colon_after_the_verb_is_understood(world: SmsWorld) -> None:
    assert "已开启短信提醒" in await world.console.say("短信提醒 开启：138 0013 8000")
    assert "SMS reminders on" in await world.console.say("sms on: 13900139000", as_user="chen")
    assert sorted((s.mobile, s.enabled) for s in await world.subscriptions()) == [
        ("+8613800138000", True), ("+8613900139000", True)]


async def test_rate_limit_answer_is_retried_later_and_then_delivered(world: SmsWorld) -> None:
    await world.console.say("短信提醒 开启 13800138000")
    world.fake.script["+8613800138000"] = ["LimitExceeded.PhoneNumberOneHourLimit"]
    await _reminder(world, NOW + timedelta(minutes=1))
    await world.later(timedelta(minutes=2))
    await world.run_job("reminders")
    assert world.fake.received[0].body["TemplateParamSet"] == ["-", "约客户开会", "11月24日", "10:01"]  # no deal
    [row] = await world.sms_outbox()
    assert row.status == "pending" and "LimitExceeded.PhoneNumberOneHourLimit" in row.last_error
    assert row.not_before is not None and row.not_before >= world.clock.now + timedelta(minutes=59)
    assert await world.sends() == []
    await world.later(timedelta(minutes=30))
    assert len(world.fake.received) == 1  # not tried again before the hour
    await world.later(timedelta(minutes=31))
    [row] = await world.sms_outbox()
    assert row.status == "sent" and len(world.fake.delivered) == 1
    assert len(await world.sends()) == 1


async def test_number_the_provider_rejects_is_a_dead_letter_with_the_reason(world: SmsWorld) -> None:
    await world.console.say("短信提醒 开启 13800138000")
    world.fake.script["+8613800138000"] = ["InvalidParameterValue.IncorrectPhoneNumber"]
    await _reminder(world, NOW + timedelta(minutes=1))
    await world.later(timedelta(minutes=2))
    await world.run_job("reminders")
    [row] = await world.sms_outbox()
    assert row.status == "failed" and "InvalidParameterValue.IncorrectPhoneNumber" in row.last_error
    assert row.attempts == 1 and await world.sends() == []
    await world.later(timedelta(hours=2))
    assert len(world.fake.received) == 1  # never tried again


async def test_our_throttle_holds_the_excess_and_sends_it_when_the_window_allows(world: SmsWorld) -> None:
    await world.console.say("短信提醒 开启 13800138000")
    for minute in range(3):
        await _reminder(world, NOW + timedelta(minutes=1), text=f"#1 明途 · 事项{minute}")
    await world.later(timedelta(minutes=2))
    await world.run_job("reminders")
    rows = await world.sms_outbox()
    assert [r.status for r in rows] == ["sent", "pending", "pending"]
    assert "held back by our SMS limits" in rows[1].last_error and rows[1].attempts == 0
    assert len(world.fake.received) == 1  # the provider never saw the excess
    await world.later(timedelta(seconds=61))
    await world.later(timedelta(seconds=61))
    assert [r.status for r in await world.sms_outbox()] == ["sent", "sent", "sent"]
    assert all(r.status[0]["Code"] == "Ok" for r in world.fake.received) and len(world.fake.received) == 3
    sent = [s.sent_at for s in await world.sends()]
    assert all(b - a >= timedelta(minutes=1) for a, b in pairwise(sent))


async def test_two_processes_delivering_at_once_keep_to_the_limits(world: SmsWorld, db_url: str) -> None:
    """A second `serve` on the same database (its own engine, worker id and provider client): the sends ledger
    and the per-recipient claim keep both within one SMS a minute to the number."""
    await world.console.say("短信提醒 开启 13800138000")
    for n in range(3):
        await _reminder(world, NOW + timedelta(minutes=1), text=f"#1 明途 · 事项{n}")
    world.clock.now += timedelta(minutes=2)
    jobs = {job.id: job for job in proactive_jobs(world.console.app.uow_factory, ProactiveSettings(),
                                                  config=world.config)}
    await jobs["reminders"].run(world.clock.now)  # queued, not delivered yet
    engine = make_engine(db_url)
    factory = make_session_factory(engine)
    other = sms_channel.build(world.config, lambda: SqlAlchemyUnitOfWork(factory, worker_id="process-2"), world.clock)
    assert other is not None
    second = OutboxDispatcher(lambda: SqlAlchemyUnitOfWork(factory, worker_id="process-2"), {"sms": other},
                              world.clock)
    try:
        await asyncio.gather(world.console.app.dispatcher.run_once(), second.run_once(),
                             world.console.app.dispatcher.run_once(), second.run_once())
    finally:
        await other.stop()
        await engine.dispose()
    assert len(world.fake.received) == 1 and len(await world.sends()) == 1
    assert sorted(r.status for r in await world.sms_outbox()) == ["pending", "pending", "sent"]
