"""Leads, opportunities (history, sharing, list filters) and reminders."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from storage_helpers import Factory, Parents

from domain.activity import Reminder, ReminderStatus
from domain.lead import Lead, LeadStatus
from domain.money import USD, Money
from domain.opportunity import LostReason, Opportunity, Stage
from domain.people import Rep
from storage.models import OpportunityShareRow, StageChangeRow


async def _reps(uow_factory: Factory, *names: str) -> list[int]:
    async with uow_factory() as uow:
        ids = [(await uow.reps.add(Rep(name))).id or 0 for name in names]
        await uow.commit()
    return ids


async def test_leads_are_filtered_by_owner_and_status(uow_factory: Factory, parents: Parents) -> None:
    a, b = await _reps(uow_factory, "甲", "乙")
    async with uow_factory() as uow:
        first = await uow.leads.add(Lead(parents.customer_id, "一", owner_id=a, status=LeadStatus.ASSIGNED))
        second = await uow.leads.add(Lead(parents.customer_id, "二", owner_id=b, status=LeadStatus.ASSIGNED))
        third = await uow.leads.add(Lead(parents.customer_id, "三", owner_id=a, status=LeadStatus.CONVERTED))
        unowned = await uow.leads.add(Lead(parents.customer_id, "四"))
        await uow.commit()
    async with uow_factory() as uow:
        assert list(await uow.leads.list()) == [first, second, third, unowned]
        assert list(await uow.leads.list(owner_ids=[a])) == [first, third]
        assert list(await uow.leads.list(status=LeadStatus.ASSIGNED)) == [first, second]
        assert list(await uow.leads.list(owner_ids={a, b}, status=LeadStatus.CONVERTED)) == [third]
        assert list(await uow.leads.list(owner_ids=[])) == []


async def test_stage_history_survives_a_round_trip(
        uow_factory: Factory, parents: Parents, now: datetime) -> None:
    async with uow_factory() as uow:
        deal = await uow.opportunities.get(parents.opportunity_id)
        deal.advance_to(Stage.PROPOSAL, by=parents.rep_id, at=now)
        deal.advance_to(Stage.NEGOTIATION, by=None, at=now + timedelta(days=3))
        await uow.opportunities.save(deal)
        await uow.commit()
    async with uow_factory() as uow:
        loaded = await uow.opportunities.get(parents.opportunity_id)
        assert loaded.history == deal.history
        loaded.win(by=parents.rep_id, at=now + timedelta(days=9), amount=Money(Decimal("99.99"), USD))
        await uow.opportunities.save(loaded)
        await uow.commit()
    async with uow_factory() as uow:
        won = await uow.opportunities.get(parents.opportunity_id)
    assert [(c.source, c.target) for c in won.history] == [
        (Stage.INITIAL_CONTACT, Stage.PROPOSAL), (Stage.PROPOSAL, Stage.NEGOTIATION),
        (Stage.NEGOTIATION, Stage.WON)]
    assert won.stage is Stage.WON and won.closed_at == now + timedelta(days=9)
    assert won.amount == Money(Decimal("99.99"), USD)


async def test_lost_reason_is_stored_as_an_enum(
        uow_factory: Factory, parents: Parents, now: datetime) -> None:
    async with uow_factory() as uow:
        deal = await uow.opportunities.get(parents.opportunity_id)
        deal.lose(LostReason.BUDGET, by=parents.rep_id, at=now, note="预算取消")
        await uow.opportunities.save(deal)
        await uow.commit()
    async with uow_factory() as uow:
        lost = await uow.opportunities.get(parents.opportunity_id)
    assert lost.lost_reason is LostReason.BUDGET and lost.stage is Stage.LOST
    assert lost.lost_note == "预算取消"


async def test_shared_with_is_kept_in_order_and_updated(uow_factory: Factory, parents: Parents) -> None:
    a, b, c = await _reps(uow_factory, "甲", "乙", "丙")
    async with uow_factory() as uow:
        deal = await uow.opportunities.add(Opportunity(parents.customer_id, "共享", shared_with=[c, a]))
        await uow.commit()
    async with uow_factory() as uow:
        loaded = await uow.opportunities.get(deal.id or 0)
        assert loaded.shared_with == [c, a]
        loaded.shared_with = [a, b, b]
        await uow.opportunities.save(loaded)
        await uow.commit()
    async with uow_factory() as uow:
        assert (await uow.opportunities.get(deal.id or 0)).shared_with == [a, b]


async def test_listing_by_owner_includes_deals_shared_with_them(
        uow_factory: Factory, parents: Parents) -> None:
    a, b, c = await _reps(uow_factory, "甲", "乙", "丙")
    customer = parents.customer_id
    async with uow_factory() as uow:
        own = await uow.opportunities.add(Opportunity(customer, "甲的", owner_id=a))
        shared = await uow.opportunities.add(Opportunity(customer, "乙的", owner_id=b, shared_with=[a]))
        other = await uow.opportunities.add(Opportunity(customer, "丙的", owner_id=c, shared_with=[b]))
        await uow.commit()
    async with uow_factory() as uow:
        assert [d.name for d in await uow.opportunities.list(owner_ids=[a])] == [own.name, shared.name]
        assert [d.name for d in await uow.opportunities.list(owner_ids=[b])] == [shared.name, other.name]
        assert [d.name for d in await uow.opportunities.list(owner_ids=iter([c]))] == [other.name]
        assert list(await uow.opportunities.list(owner_ids=[])) == []
        assert len(await uow.opportunities.list()) == 4  # with the parents' deal


async def test_listing_filters_by_stage_customer_and_limit(
        uow_factory: Factory, parents: Parents, now: datetime) -> None:
    customer = parents.customer_id
    async with uow_factory() as uow:
        proposal = await uow.opportunities.add(Opportunity(customer, "方案中", stage=Stage.PROPOSAL))
        won = await uow.opportunities.add(Opportunity(customer, "已赢", stage=Stage.WON, closed_at=now))
        await uow.commit()
    async with uow_factory() as uow:
        open_deals = await uow.opportunities.list(stages=[Stage.INITIAL_CONTACT, Stage.PROPOSAL])
        assert [d.id for d in open_deals] == [parents.opportunity_id, proposal.id]
        assert [d.id for d in await uow.opportunities.list(stages={Stage.WON})] == [won.id]
        assert len(await uow.opportunities.list(customer_id=customer)) == 3
        assert await uow.opportunities.list(customer_id=999_999) == []
        assert [d.id for d in await uow.opportunities.list(limit=2)] == [parents.opportunity_id, proposal.id]


async def test_deleting_a_deal_deletes_its_history_and_shares(
        uow_factory: Factory, parents: Parents, now: datetime) -> None:
    async with uow_factory() as uow:
        deal = await uow.opportunities.get(parents.opportunity_id)
        deal.advance_to(Stage.PROPOSAL, by=None, at=now)
        deal.shared_with = [parents.rep_id]
        await uow.opportunities.save(deal)
        await uow.projects.delete(await uow.projects.get(parents.project_id))
        await uow.commit()
    async with uow_factory() as uow:
        await uow.opportunities.delete(deal)
        await uow.commit()
    async with uow_factory() as uow:
        for table in (StageChangeRow, OpportunityShareRow):
            assert await uow.session.scalar(select(func.count()).select_from(table)) == 0


async def test_due_reminders_are_pending_ones_up_to_now_earliest_first(
        uow_factory: Factory, parents: Parents, now: datetime) -> None:
    rep = parents.rep_id
    async with uow_factory() as uow:
        later = await uow.reminders.add(Reminder(rep, now - timedelta(minutes=5), "稍晚"))
        earlier = await uow.reminders.add(Reminder(rep, now - timedelta(hours=2), "较早"))
        exactly_now = await uow.reminders.add(Reminder(rep, now, "正好"))
        await uow.reminders.add(Reminder(rep, now + timedelta(seconds=1), "未到"))
        await uow.reminders.add(Reminder(rep, now - timedelta(days=1), "已发", status=ReminderStatus.SENT))
        await uow.commit()
    async with uow_factory() as uow:
        assert list(await uow.reminders.due(now)) == [earlier, later, exactly_now]
        assert list(await uow.reminders.due(now, limit=1)) == [earlier]


async def test_pending_reminders_for_a_rep(uow_factory: Factory, parents: Parents, now: datetime) -> None:
    [other] = await _reps(uow_factory, "别人")
    async with uow_factory() as uow:
        second = await uow.reminders.add(Reminder(parents.rep_id, now + timedelta(days=2), "二"))
        first = await uow.reminders.add(Reminder(parents.rep_id, now + timedelta(days=1), "一"))
        await uow.reminders.add(Reminder(parents.rep_id, now, "取消了", status=ReminderStatus.CANCELLED))
        await uow.reminders.add(Reminder(other, now, "别人的"))
        await uow.commit()
    async with uow_factory() as uow:
        assert list(await uow.reminders.pending_for(parents.rep_id)) == [first, second]


async def test_open_reminders_of_a_rep_are_pending_and_sent_ones(
        uow_factory: Factory, parents: Parents, now: datetime) -> None:
    [other] = await _reps(uow_factory, "别人")
    rep = parents.rep_id
    async with uow_factory() as uow:
        later = await uow.reminders.add(Reminder(rep, now + timedelta(days=1), "待发"))
        sent = await uow.reminders.add(Reminder(rep, now - timedelta(hours=1), "已发", status=ReminderStatus.SENT))
        for status in (ReminderStatus.DONE, ReminderStatus.CANCELLED):
            await uow.reminders.add(Reminder(rep, now, status.value, status=status))
        await uow.reminders.add(Reminder(other, now, "别人的"))
        theirs = await uow.reminders.add(Reminder(other, now, "别人的商机提醒", opportunity_id=parents.opportunity_id,
                                                  status=ReminderStatus.SENT))
        await uow.reminders.add(Reminder(rep, now, "完成的商机提醒", opportunity_id=parents.opportunity_id,
                                         status=ReminderStatus.DONE))
        await uow.commit()
    async with uow_factory() as uow:
        assert list(await uow.reminders.open_for(rep)) == [sent, later]
        assert list(await uow.reminders.open_for(rep, limit=1)) == [sent]
        assert list(await uow.reminders.open_for_deal(parents.opportunity_id)) == [theirs]


async def test_overdue_reminders_are_sent_long_enough_ago_and_not_escalated(
        uow_factory: Factory, parents: Parents, now: datetime) -> None:
    rep, day = parents.rep_id, timedelta(days=1)

    def sent(text: str, at: datetime, **more: object) -> Reminder:
        return Reminder(rep, at, text, status=ReminderStatus.SENT, sent_at=at, **more)  # type: ignore[arg-type]

    async with uow_factory() as uow:
        old = await uow.reminders.add(sent("久", now - 3 * day))
        edge = await uow.reminders.add(sent("刚好", now - day))
        await uow.reminders.add(sent("太新", now - day + timedelta(minutes=1)))
        await uow.reminders.add(sent("已上报", now - 3 * day, escalated_at=now - day))
        await uow.reminders.add(Reminder(rep, now - 3 * day, "完成", status=ReminderStatus.DONE, sent_at=now - 3 * day))
        await uow.reminders.add(Reminder(rep, now - 3 * day, "待发"))
        await uow.commit()
    async with uow_factory() as uow:
        assert list(await uow.reminders.overdue(now - day)) == [old, edge]
        assert list(await uow.reminders.overdue(now - day, limit=1)) == [old]
