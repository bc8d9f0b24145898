"""SMS rows (issue #16, migration 0024): subscriptions, customer opt-outs, the sends ledger, and the scan of
payment milestones falling due whose customer can be texted."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.opportunity import Stage
from domain.sms import DuePayment, SmsSend, SmsSubscription, mobile_in
from storage.models import ContactRow, CustomerRow, OpportunityRow, PaymentMilestoneRow
from storage.models.sms import SmsOptOutRow, SmsSendRow, SmsSubscriptionRow
from storage.repositories.base import before_write


class SqlAlchemySmsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def subscription(self, rep_id: int) -> SmsSubscription | None:
        row = await self.session.get(SmsSubscriptionRow, rep_id)
        return None if row is None else SmsSubscription(row.rep_id, row.mobile, row.enabled, row.updated_at)

    async def save_subscription(self, subscription: SmsSubscription) -> None:
        await before_write(self.session)
        row = await self.session.get(SmsSubscriptionRow, subscription.rep_id)
        if row is None:
            row = SmsSubscriptionRow(rep_id=subscription.rep_id)
            self.session.add(row)
        row.mobile, row.enabled, row.updated_at = subscription.mobile, subscription.enabled, subscription.updated_at
        await self.session.flush()

    async def enabled_for(self, rep_ids: Iterable[int]) -> dict[int, str]:
        wanted = sorted(set(rep_ids))
        if not wanted:
            return {}
        stmt = select(SmsSubscriptionRow.rep_id, SmsSubscriptionRow.mobile).where(
            SmsSubscriptionRow.rep_id.in_(wanted), SmsSubscriptionRow.enabled.is_(True))
        return {row.rep_id: row.mobile for row in await self.session.execute(stmt)}

    async def opted_out(self, customer_id: int) -> bool:
        return await self.session.get(SmsOptOutRow, customer_id) is not None

    async def set_opt_out(self, customer_id: int, stopped: bool, by: int | None, at: datetime) -> bool:
        if stopped == await self.opted_out(customer_id):
            return False
        await before_write(self.session)
        if stopped:
            self.session.add(SmsOptOutRow(customer_id=customer_id, stopped_at=at, stopped_by=by))
        else:
            await self.session.execute(delete(SmsOptOutRow).where(SmsOptOutRow.customer_id == customer_id))
        await self.session.flush()
        return True

    async def record(self, send: SmsSend) -> None:
        if send.delivery_key is not None and await self.session.scalar(
                select(SmsSendRow.id).where(SmsSendRow.delivery_key == send.delivery_key)) is not None:
            return  # the same outbox row delivered again (at least once): one ledger line
        await before_write(self.session)
        row = SmsSendRow(phone=send.phone, kind=send.kind, sent_at=send.sent_at, delivery_key=send.delivery_key,
                         template_id=send.template_id, customer_id=send.customer_id,
                         milestone_id=send.milestone_id, serial_no=send.serial_no[:128])
        self.session.add(row)
        await self.session.flush()
        send.id = row.id

    async def sent_since(self, phone: str, since: datetime) -> list[datetime]:
        stmt = select(SmsSendRow.sent_at).where(SmsSendRow.phone == phone, SmsSendRow.sent_at >= since)
        return list(await self.session.scalars(stmt))

    async def for_customer(self, customer_id: int, limit: int = 10) -> Sequence[SmsSend]:
        stmt = (select(SmsSendRow).where(SmsSendRow.customer_id == customer_id)
                .order_by(SmsSendRow.sent_at.desc(), SmsSendRow.id.desc()).limit(limit))
        return [_send(row) for row in await self.session.scalars(stmt)]

    async def payments_sent(self, milestone_ids: Iterable[int]) -> dict[int, datetime]:
        wanted = sorted(set(milestone_ids))
        if not wanted:
            return {}
        stmt = (select(SmsSendRow.milestone_id, func.max(SmsSendRow.sent_at).label("last"))
                .where(SmsSendRow.kind == "payment", SmsSendRow.milestone_id.in_(wanted))
                .group_by(SmsSendRow.milestone_id))
        return {row.milestone_id: row.last for row in await self.session.execute(stmt)}

    async def due_payments(self, first: date, last: date, limit: int = 500) -> list[DuePayment]:
        m, o = PaymentMilestoneRow, OpportunityRow
        stopped = select(SmsOptOutRow.customer_id)
        stmt = (select(m.id, m.seq, m.due_on, m.amount, m.amount_currency, m.paid, o.id.label("deal"), o.owner_id,
                       CustomerRow.id.label("customer"), CustomerRow.name, CustomerRow.short_name,
                       ContactRow.name.label("contact"), ContactRow.phone)
                .join(o, o.id == m.opportunity_id).join(CustomerRow, CustomerRow.id == o.customer_id)
                .join(ContactRow, ContactRow.customer_id == CustomerRow.id)
                .where(m.due_on >= first, m.due_on <= last, m.replaced_at.is_(None),
                       or_(m.paid.is_(None), m.paid < m.amount), o.stage != Stage.LOST.value,
                       CustomerRow.id.not_in(stopped), ContactRow.phone != "")
                .order_by(m.due_on, m.id, ContactRow.id).limit(limit * 4))
        found: dict[int, DuePayment] = {}
        for row in await self.session.execute(stmt):
            if row.id not in found and (mobile := mobile_in(row.phone)) is not None:
                found[row.id] = _due(row, mobile)
        return list(found.values())[:limit]


def _due(row: Any, mobile: str) -> DuePayment:
    return DuePayment(row.id, row.seq, row.due_on, row.amount - (row.paid or 0), row.amount_currency, row.deal,
                      row.owner_id, row.customer, row.short_name or row.name, row.contact, mobile)


def _send(row: SmsSendRow) -> SmsSend:
    return SmsSend(row.phone, row.kind, row.sent_at, row.template_id, row.delivery_key, row.customer_id,
                   row.milestone_id, row.serial_no, row.id)
