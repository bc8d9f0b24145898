"""Writes through /api/v1 raise the same webhook events as chat (issue #16): the API calls the chat's use cases, and
events are raised by the unit of work from their audit entries, in the same transaction. A real receiver checks
every signature with README's recipe; what it accepted and the outbox rows are asserted, on every engine."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.api.conftest import Api, open_api
from tests.e2e.webhook_world import Receiver, receiver, subscribe, webhook_rows

__all__ = ["receiver"]  # the fixture, used by name below


@pytest.fixture
async def hooked(db_url: str) -> AsyncIterator[Api]:
    console, client = await open_api(db_url, webhooks={"retry_base_seconds": 1, "max_attempts": 3, "timeout": 5})
    yield Api(client, console)
    await client.close()
    await console.app.close()


async def test_an_api_customer_deal_and_win_reach_the_receiver_signed(hooked: Api, receiver: Receiver) -> None:
    await subscribe(hooked.console, receiver, "/erp", "customer.created,deal.created,deal.won")
    secret = await hooked.token("ERP 读写")
    async with hooked.console.app.uow_factory() as uow:
        zhang = next(r.id for r in await uow.reps.list() if r.name == "张伟")
    status, customer, _ = await hooked.call("POST", "/customers", secret,
                                            {"name": "杭州明途信息技术有限公司", "owner_id": zhang})
    assert status == 201, customer
    status, deal, _ = await hooked.call("POST", "/opportunities", secret, {
        "customer_id": customer["id"], "name": "MES", "amount": "800000.00", "owner_id": zhang})
    assert status == 201, deal
    for stage in ("proposal", "negotiation", "won"):
        status, body, _ = await hooked.call("POST", f"/opportunities/{deal['id']}/stage", secret, {"stage": stage})
        assert status == 200, body
    await hooked.console.app.dispatcher.drain()

    events = receiver.accepted("/erp")
    assert [e["type"] for e in events] == ["customer.created", "deal.created", "deal.won"]
    assert events[0]["data"]["id"] == customer["id"] and events[0]["data"]["name"] == "杭州明途信息技术有限公司"
    assert (events[1]["data"]["id"], events[1]["data"]["customer_id"]) == (deal["id"], customer["id"])
    assert (events[2]["data"]["id"], events[2]["data"]["stage"]) == (deal["id"], "won")
    rows = await webhook_rows(hooked.console)
    assert [(r.status, r.attempts) for r in rows] == [("sent", 1)] * 3


async def test_a_refused_api_write_raises_nothing(hooked: Api, receiver: Receiver) -> None:
    await subscribe(hooked.console, receiver, "/erp")
    secret = await hooked.token("ERP 读写")
    status, body, _ = await hooked.call("POST", "/customers", secret, {"name": "", "region": 3})
    assert status == 422, body
    status, body, _ = await hooked.call("POST", "/opportunities/999/stage", secret, {"stage": "won"})
    assert status == 404, body
    await hooked.console.app.dispatcher.drain()
    assert receiver.arrivals == [] and await webhook_rows(hooked.console) == []
