"""Webhook events are queued by the commit that makes the change, and only by it (issue #16), on both engines:
a rolled-back transaction or savepoint queues nothing; records gone or not in the event's state raise nothing."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from storage_helpers import Factory, Parents

from domain.audit import AuditEntry
from domain.billing import Invoice, InvoiceStatus, Payment
from domain.messaging import OutboxStatus
from domain.money import Money
from domain.webhooks import Subscription
from storage.uow import SqlAlchemyUnitOfWork


async def subscribe(uow_factory: Factory, now: datetime, events: list[str], active: bool = True) -> int:
    async with uow_factory() as uow:
        found = await uow.webhooks.add(Subscription("https://erp.example.cn/hook", "whsec_x", events, active,
                                                    created_at=now))
        await uow.commit()
    assert found.id is not None
    return found.id


async def queued(uow_factory: Factory) -> list[tuple[str, dict[str, object]]]:
    async with uow_factory() as uow:
        items = await uow.outbox.listing([OutboxStatus.PENDING])
    return [(item.recipient, json.loads(item.text)) for item in items if item.channel == "webhook"]


async def pay(uow: SqlAlchemyUnitOfWork, parents: Parents, now: datetime) -> int:
    payment = await uow.payments.add(Payment(parents.opportunity_id, Money(300000), date(2025, 3, 1)))
    assert payment.id is not None
    await uow.audit.add_many([AuditEntry(parents.rep_id, "payment", payment.id, "create", now)])
    return payment.id


async def test_a_commit_queues_one_delivery_per_subscription_that_wants_the_event(
        uow_factory: Factory, parents: Parents, now: datetime) -> None:
    first, _, third = (await subscribe(uow_factory, now, ["payment.received"]),
                       await subscribe(uow_factory, now, ["deal.won"]), await subscribe(uow_factory, now, []))
    await subscribe(uow_factory, now, [], active=False)
    async with uow_factory() as uow:
        payment_id = await pay(uow, parents, now)
        await uow.commit()
    found = await queued(uow_factory)
    assert [recipient for recipient, _ in found] == [f"W{first}", f"W{third}"]
    assert found[0][1] == found[1][1]  # one event, the same body (and id) for each
    assert found[0][1] == {"id": found[0][1]["id"], "type": "payment.received", "occurred_at": "2025-03-03T01:30:00Z",
                           "data": {"id": payment_id, "opportunity_id": parents.opportunity_id,
                                    "amount": {"amount": "300000.00", "currency": "CNY"}, "received_on": "2025-03-01",
                                    "recorded_by": None}}


async def test_a_rolled_back_transaction_or_savepoint_queues_nothing(
        uow_factory: Factory, parents: Parents, now: datetime) -> None:
    await subscribe(uow_factory, now, [])
    async with uow_factory() as uow:
        await pay(uow, parents, now)
        await uow.rollback()
        await uow.commit()
    async with uow_factory() as uow:
        await pay(uow, parents, now)  # left without a commit: the unit of work rolls back
    async with uow_factory() as uow:
        with pytest.raises(RuntimeError):
            async with uow.savepoint():
                await pay(uow, parents, now)
                raise RuntimeError("the handler failed")
        kept = await pay(uow, parents, now)
        await uow.commit()
    found = await queued(uow_factory)
    assert [body["data"]["id"] for _, body in found] == [kept]  # type: ignore[index]


async def test_without_subscriptions_nothing_is_queued(uow_factory: Factory, parents: Parents, now: datetime) -> None:
    async with uow_factory() as uow:
        await pay(uow, parents, now)
        await uow.commit()
    assert await queued(uow_factory) == []


async def test_invoice_issued_only_for_an_issued_invoice(uow_factory: Factory, parents: Parents, now: datetime) -> None:
    await subscribe(uow_factory, now, ["invoice.issued"])
    async with uow_factory() as uow:
        deal = parents.opportunity_id
        issued = await uow.invoices.add(Invoice(deal, Money(1000), InvoiceStatus.ISSUED, "F-1", now.date()))
        asked = await uow.invoices.add(Invoice(deal, Money(500), InvoiceStatus.REQUESTED))
        assert issued.id is not None and asked.id is not None
        await uow.audit.add_many([AuditEntry(None, "invoice", issued.id, "create", now),
                                  AuditEntry(None, "invoice", asked.id, "create", now)])
        await uow.commit()
    found = await queued(uow_factory)
    assert [(body["type"], body["data"]["id"], body["data"]["status"]) for _, body in found] == [  # type: ignore[index]
        ("invoice.issued", issued.id, "issued")]


async def test_a_project_done_and_a_lost_deal_raise_their_events(uow_factory: Factory, parents: Parents,
                                                                 now: datetime) -> None:
    await subscribe(uow_factory, now, ["project.completed", "deal.lost", "deal.stage_changed"])
    async with uow_factory() as uow:
        await uow.audit.add(AuditEntry(None, "project", parents.project_id, "update", now,
                                       {"status": ["doing", "done"]}))
        await uow.audit.add_many([
            AuditEntry(None, "project", parents.project_id, "update", now, {"status": ["todo", "doing"]}),
            AuditEntry(None, "opportunity", parents.opportunity_id, "update", now, {"stage": ["proposal", "lost"]}),
            AuditEntry(None, "opportunity", parents.opportunity_id, "import", now, {"stage": ["proposal", "won"]})])
        await uow.commit()
    found = [(body["type"], body["data"].get("previous_stage")) for _, body in await queued(uow_factory)]  # type: ignore[union-attr]
    assert found == [("project.completed", None), ("deal.stage_changed", "proposal"), ("deal.lost", None)]
