"""A console session with [sms] turned on against the local fake Tencent Cloud SMS, on the test clock."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp.test_utils import TestServer
from sqlalchemy import select

from bot.bootstrap import bootstrap
from bot.channels import sms as sms_channel
from connectors.console import ConsoleConnector
from domain.customer import Contact
from scheduler.proactive import ProactiveSettings, proactive_jobs
from storage.models import OutboxRow
from storage.models.sms import SmsOptOutRow, SmsSendRow, SmsSubscriptionRow
from tests.e2e.harness import Clock, Console, make_config
from tests.sms.fake_tencent import FakeTencentSms

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI)  # a Tuesday, outside quiet hours


def sms_section(fake: FakeTencentSms, endpoint: str, **overrides: Any) -> dict[str, Any]:
    return {"enabled": True, "endpoint": endpoint, "secret_id": fake.secret_id, "secret_key": fake.secret_key,
            "sdk_app_id": fake.sdk_app_id, "sign_name": fake.sign_name, "customer_payment_reminders": True,
            "templates": {"reminder": "1001", "payment": "1002"}, **overrides}


@dataclass
class SmsWorld:
    console: Console
    fake: FakeTencentSms
    clock: Clock
    config: Any

    async def run_job(self, name: str) -> int:
        """Run one proactive job (as `dealbot serve` would) at the clock's time, then deliver the outbox."""
        jobs = {job.id: job for job in proactive_jobs(self.console.app.uow_factory, ProactiveSettings(),
                                                      config=self.config)}
        count = int(await jobs[name].run(self.clock.now))
        await self.console.app.dispatcher.drain()
        return count

    async def later(self, delta: timedelta) -> None:
        self.clock.now += delta
        await self.console.app.dispatcher.drain()

    async def rows(self, model: Any, *where: Any) -> list[Any]:
        async with self.console.app.uow_factory() as uow:
            found = list(await uow.session.scalars(select(model).where(*where)))
            uow.session.expunge_all()  # read as stored, kept after the unit of work ends
            return found

    async def sms_outbox(self) -> list[OutboxRow]:
        return sorted(await self.rows(OutboxRow, OutboxRow.channel == "sms"), key=lambda r: r.id)

    async def sends(self) -> list[SmsSendRow]:
        return sorted(await self.rows(SmsSendRow), key=lambda r: r.id)

    async def subscriptions(self) -> list[SmsSubscriptionRow]:
        return await self.rows(SmsSubscriptionRow)

    async def optouts(self) -> list[SmsOptOutRow]:
        return await self.rows(SmsOptOutRow)

    async def deal_with_plan(self, first_due: str = "2026-11-24", as_user: str | None = None) -> None:
        """明途's deal #1 (100万, 30% due `first_due`, 70% 2027-03-01) owned by `as_user`; a landline contact and
        王总 with a mobile."""
        for line in ("新客户 杭州明途信息技术有限公司 区域 华东", "新商机 明途 MES 100万", "合同 #1 HT-001 100万",
                     f"回款计划 #1 30% {first_due} 70% 2027-03-01"):
            await self.console.say(line, as_user=as_user)
        async with self.console.app.uow_factory() as uow:
            await uow.contacts.add(Contact(1, "钱会计", phone="0571-88886666"))  # a landline: not texted
            await uow.contacts.add(Contact(1, "王总", title="总经理", phone="138 0013 8001"))
            await uow.commit()
        self.console.read()


@asynccontextmanager
async def sms_world(db_url: str, user: str = "zhangwei", **overrides: Any) -> AsyncIterator[SmsWorld]:
    clock = Clock(NOW)
    fake = FakeTencentSms(clock)
    server = TestServer(fake.app())
    await server.start_server()
    out = io.StringIO()
    connector = ConsoleConnector(user, stdin=io.StringIO(), stdout=out, clock=clock)
    config = make_config(db_url, sms=sms_section(fake, str(server.make_url("/")).rstrip("/"), **overrides))
    app = await bootstrap(config, {"console": connector}, clock=clock)
    channel = sms_channel.build(config, app.uow_factory, clock)  # the configured channel, on the test clock
    assert channel is not None
    await app.connectors["sms"].stop()
    app.connectors["sms"] = channel
    try:
        yield SmsWorld(Console(app, connector, out, clock), fake, clock, config)
    finally:
        await app.close()
        await server.close()
