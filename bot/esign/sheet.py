"""What the contract PDF says, read from storage: parties, amount, the current payment plan, dates."""

from __future__ import annotations

from bot.esign.pdf import ContractSheet
from bot.handlers.common import money
from domain.esign import ContractSignature
from domain.ports import UnitOfWork


async def contract_sheet(uow: UnitOfWork, request: ContractSignature, company: str) -> ContractSheet:
    contract = await uow.contracts.get(request.contract_id)
    deal = await uow.opportunities.get(contract.opportunity_id)
    customer = await uow.customers.find(deal.customer_id)
    milestones = [m for m in await uow.milestones.for_opportunity(deal.id or 0) if m.replaced_at is None]
    plan = tuple((str(m.seq), m.due_on.isoformat(), money(m.amount, "zh"))
                 for m in sorted(milestones, key=lambda m: m.seq))
    dated = (contract.signed_on or (contract.created_at.date() if contract.created_at else None))
    return ContractSheet(number=contract.number, title=deal.name, buyer=customer.name if customer else "",
                         seller=company, amount=money(contract.amount, "zh"),
                         dated=dated.isoformat() if dated else "", signer=request.signer_name, plan=plan,
                         note=contract.note)
