"""An undo's events at commit (storage.events), on every engine: change.undone carries the record as the undo
left it or null, goes to whoever got what it takes back, and a stage change ending where it began is none."""

from __future__ import annotations

import json
from datetime import datetime

from storage_helpers import Factory, Parents

from domain.messaging import OutboxStatus
from domain.webhook_events import UNDONE
from domain.webhooks import Candidate, Subscription


async def subscribe(uow_factory: Factory, now: datetime, events: list[str]) -> str:
    async with uow_factory() as uow:
        found = await uow.webhooks.add(Subscription("https://erp.example.cn/hook", "whsec_x", events, created_at=now))
        await uow.commit()
    return f"W{found.id}"


async def queued(uow_factory: Factory) -> list[tuple[str, dict[str, object]]]:
    async with uow_factory() as uow:
        items = await uow.outbox.listing([OutboxStatus.PENDING])
    return [(item.recipient, json.loads(item.text)) for item in items if item.channel == "webhook"]


def undone(entity: str, entity_id: int, now: datetime, *types: str) -> Candidate:
    return Candidate(UNDONE, entity, entity_id, now, {"entity": "deal" if entity == "opportunity" else entity,
                                                      "id": entity_id, "undone": list(types), "undone_by": 1})


async def test_change_undone_carries_the_record_or_null_and_reaches_who_got_the_event(
        uow_factory: Factory, parents: Parents, now: datetime) -> None:
    payments, won, everything = (await subscribe(uow_factory, now, ["payment.received"]),
                                 await subscribe(uow_factory, now, ["deal.won"]), await subscribe(uow_factory, now, []))
    async with uow_factory() as uow:
        uow.events.emit(undone("payment", 404, now, "payment.received"))  # the payment is gone
        uow.events.emit(undone("opportunity", parents.opportunity_id, now, "deal.stage_changed", "deal.won"))
        await uow.commit()
    found = await queued(uow_factory)
    assert [(recipient, body["type"]) for recipient, body in found] == [
        (payments, UNDONE), (everything, UNDONE), (won, UNDONE), (everything, UNDONE)]
    assert found[0][1]["data"] == {"entity": "payment", "id": 404, "undone": ["payment.received"], "undone_by": 1,
                                   "record": None}
    deal = found[2][1]["data"]
    assert isinstance(deal, dict) and (deal["entity"], deal["id"], deal["undone"]) == (
        "deal", parents.opportunity_id, ["deal.stage_changed", "deal.won"])
    assert (deal["record"]["id"], deal["record"]["stage"], deal["record"]["name"]) == (
        parents.opportunity_id, "initial_contact", "ERP 项目")


async def test_a_stage_change_back_to_where_the_deal_already_is_is_not_sent(
        uow_factory: Factory, parents: Parents, now: datetime) -> None:
    await subscribe(uow_factory, now, [])
    async with uow_factory() as uow:  # a correction: the undo's stage back, then the redo moved it on again
        uow.events.emit(Candidate("deal.stage_changed", "opportunity", parents.opportunity_id, now,
                                  {"previous_stage": "initial_contact"}))
        uow.events.emit(Candidate("deal.stage_changed", "opportunity", parents.opportunity_id, now,
                                  {"previous_stage": "proposal"}))
        await uow.commit()
    [(_, body)] = await queued(uow_factory)
    assert body["data"]["previous_stage"] == "proposal"  # type: ignore[index]


async def test_a_rolled_back_undo_queues_nothing(uow_factory: Factory, parents: Parents, now: datetime) -> None:
    await subscribe(uow_factory, now, [])
    async with uow_factory() as uow:
        uow.events.emit(undone("payment", 404, now, "payment.received"))
        await uow.rollback()
        await uow.commit()
    assert await queued(uow_factory) == []
