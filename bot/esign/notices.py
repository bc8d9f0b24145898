"""Who hears about a contract's e-signature: the person who asked for it and the deal's owner, each once, in
their language, on their first reachable channel (queued in the caller's unit of work)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.i18n import Text
from bot.portal.voice import tell
from domain.esign import ContractSignature
from domain.ports import UnitOfWork


async def tell_people(uow: UnitOfWork, request: ContractSignature, text: Text, now: datetime,
                      order: Sequence[str], owner: bool = True) -> int:
    """Queue `text` to the requester and (with `owner`) the deal's owner; how many messages were queued."""
    people: list[int] = [request.requested_by] if request.requested_by is not None else []
    if owner:
        contract = await uow.contracts.find(request.contract_id)
        deal = await uow.opportunities.find(contract.opportunity_id) if contract is not None else None
        if deal is not None and deal.owner_id is not None:
            people.insert(0, deal.owner_id)
    queued = 0
    for rep_id in dict.fromkeys(people):
        rep = await uow.reps.find(rep_id)
        for item in tell(rep if rep is not None and rep.active else None, text, now, order):
            await uow.outbox.add(item)
            queued += 1
    return queued
