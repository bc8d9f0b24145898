"""Plan history, invoice red records and a deal's pending reminders: the real repositories (SQLite and
PostgreSQL) and the fakes answer the same way (one contract, run against both)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal

from storage_helpers import SHANGHAI, Factory, Parents

from domain.activity import Reminder, ReminderStatus
from domain.billing import Invoice, InvoiceStatus, PaymentMilestone
from domain.money import Money
from domain.ports import UnitOfWork
from tests.fakes import FakeStore

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI)


def milestone(deal: int, plan: int, seq: int, replaced: bool = False) -> PaymentMilestone:
    return PaymentMilestone(deal, seq, Money(Decimal(100 * seq)), date(2026, 12, seq), plan=plan,
                            replaced_at=NOW if replaced else None)


async def plan_history_contract(uow_factory: Callable[[], UnitOfWork], deal: int) -> None:
    async with uow_factory() as uow:
        for m in (milestone(deal, 2, 2), milestone(deal, 1, 1, True), milestone(deal, 2, 1),
                  milestone(deal, 1, 2, True)):
            await uow.milestones.add(m)
        await uow.commit()
    async with uow_factory() as uow:
        current = await uow.milestones.for_opportunity(deal)
        history = await uow.milestones.history(deal)
    assert [(m.plan, m.seq) for m in current] == [(2, 1), (2, 2)]
    assert [(m.plan, m.seq, m.replaced_at) for m in history] == [(1, 1, NOW), (1, 2, NOW), (2, 1, None),
                                                                 (2, 2, None)]


async def red_invoice_contract(uow_factory: Callable[[], UnitOfWork], deal: int) -> None:
    async with uow_factory() as uow:
        original = await uow.invoices.add(Invoice(deal, Money(Decimal(300)), InvoiceStatus.REVERSED, "123"))
        await uow.invoices.add(Invoice(deal, Money(Decimal(-300)), InvoiceStatus.RED, "123",
                                       reverses_id=original.id))
        await uow.commit()
    async with uow_factory() as uow:
        stored = [(i.amount.amount, i.status, i.reverses_id) for i in await uow.invoices.for_opportunity(deal)]
    assert stored == [(Decimal(300), InvoiceStatus.REVERSED, None), (Decimal(-300), InvoiceStatus.RED, original.id)]


async def pending_for_deal_contract(uow_factory: Callable[[], UnitOfWork], deal: int, rep: int) -> None:
    async with uow_factory() as uow:
        later = await uow.reminders.add(Reminder(rep, NOW + timedelta(days=2), "b", opportunity_id=deal))
        sooner = await uow.reminders.add(Reminder(rep, NOW + timedelta(days=1), "a", opportunity_id=deal))
        await uow.reminders.add(Reminder(rep, NOW, "sent", opportunity_id=deal, status=ReminderStatus.SENT))
        await uow.reminders.add(Reminder(rep, NOW, "no deal"))
        await uow.commit()
    async with uow_factory() as uow:
        assert [r.id for r in await uow.reminders.pending_for_deal(deal)] == [sooner.id, later.id]
        assert await uow.reminders.pending_for_deal(deal + 1000) == []


async def test_plan_history_keeps_replaced_milestones_apart(uow_factory: Factory, parents: Parents) -> None:
    await plan_history_contract(uow_factory, parents.opportunity_id)
    await plan_history_contract(FakeStore().uow, 1)


async def test_a_red_record_is_stored_with_the_invoice_it_reverses(uow_factory: Factory, parents: Parents) -> None:
    await red_invoice_contract(uow_factory, parents.opportunity_id)
    await red_invoice_contract(FakeStore().uow, 1)


async def test_pending_reminders_of_a_deal_come_earliest_first(uow_factory: Factory, parents: Parents) -> None:
    await pending_for_deal_contract(uow_factory, parents.opportunity_id, parents.rep_id)
    await pending_for_deal_contract(FakeStore().uow, 1, 1)
