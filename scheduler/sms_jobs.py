"""What goes by SMS (issue #16): a copy of each due reminder for people who opted in (queued with the chat
card, in the same transaction, at the same time: a reminder arrives when asked, quiet hours or not), and,
where the company turned it on, one SMS per payment milestone falling due to the customer's contact (held
through the company's quiet hours; the deal's owner is told in chat).

Both are outbox rows of the "sms" channel with a dedupe key, so two processes or a rerun never queue one
twice: `sms:reminder:<reminder>:<due>`, `sms:payment:<milestone>:<due date>`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import cast
from zoneinfo import ZoneInfo

from bot.sms_config import SmsSettings
from domain.activity import Reminder
from domain.messaging import OutboxItem
from domain.money import Money
from domain.people import Rep
from domain.ports import UnitOfWork
from domain.quiet import DEFAULT_QUIET, quiet_hours_of
from domain.sms import DuePayment, amount_param, day_param, fit, masked
from domain.sms_ports import SmsUnitOfWork
from scheduler.jobs import Pushed
from scheduler.push import Push, push
from scheduler.sms_channel import CHANNEL


def reminder_key(reminder: Reminder) -> str:
    return f"sms:reminder:{reminder.id}:{reminder.due_at.isoformat()}"


def payment_key(due: DuePayment) -> str:
    return f"sms:payment:{due.milestone_id}:{due.due_on.isoformat()}"


class ReminderSms:
    """Called by deliver_due_reminders with the reminders it pushed: queue an SMS copy of those whose recipient
    opted in (one query for the opt-ins and one for the customers, whatever their number)."""

    def __init__(self, settings: SmsSettings) -> None:
        self.settings = settings

    async def __call__(self, uow: UnitOfWork, pushed: Sequence[Pushed], now: datetime) -> int:
        template = self.settings.reminder_template
        if not template:
            return 0
        mobiles = await cast(SmsUnitOfWork, uow).sms.enabled_for(rep.id for rep, _, _ in pushed if rep.id)
        wanted = [(rep, r, deal) for rep, r, deal in pushed if rep.id in mobiles]
        customers = await uow.customers.many(d.customer_id for _, _, d in wanted if d and d.customer_id is not None)
        queued = 0
        for rep, reminder, deal in wanted:
            customer = customers.get(deal.customer_id) if deal is not None and deal.customer_id else None
            who = (customer.short_name or customer.name) if customer is not None else ""
            params = self.params(rep, reminder, who)
            queued += await uow.outbox.add(OutboxItem(
                channel=CHANNEL, recipient=mobiles[rep.id or 0], text=reminder.text, created_at=now,
                dedupe_key=reminder_key(reminder),
                extra={"sms": {"template_id": template, "params": params, "kind": "reminder"}})) is not None
        return queued

    def params(self, rep: Rep, reminder: Reminder, who: str) -> list[str]:
        """[customer, what, date, time]: each within the provider's limit per variable."""
        limit = self.settings.param_chars
        what = _bare(reminder.text)  # the reminder's own words (a deal's next step may have moved on since)
        local = reminder.due_at.astimezone(ZoneInfo(rep.timezone))
        return [fit(who, limit), fit(what, limit), fit(day_param(local), limit), fit(f"{local:%H:%M}", limit)]


def _bare(text: str) -> str:
    """"#259 苏州卫健委 · 约客户开会" -> "约客户开会": what a reminder about a deal asks for."""
    return text.rsplit(" · ", 1)[-1].strip()


async def send_payment_sms(uow_factory: Callable[[], UnitOfWork], now: datetime, settings: SmsSettings,
                           default_quiet: str = DEFAULT_QUIET) -> int:
    """Queue one SMS per milestone due today (company time zone) to its customer's contact; tell the owner.
    Returns how many were queued now."""
    template = settings.payment_template
    if not template:
        return 0
    zone = settings.timezone
    queued = 0
    async with uow_factory() as uow:
        due = await cast(SmsUnitOfWork, uow).sms.due_payments(now.astimezone(ZoneInfo(zone)).date())
        done = await uow.outbox.existing_keys(payment_key(d) for d in due)
        not_before = quiet_hours_of("", default_quiet).release(now, zone)
        for item in (d for d in due if payment_key(d) not in done):
            added = await uow.outbox.add(OutboxItem(
                channel=CHANNEL, recipient=item.mobile, text=_payment_text(item), created_at=now,
                not_before=not_before, dedupe_key=payment_key(item),
                extra={"sms": {"template_id": template, "params": payment_params(item, settings.param_chars),
                               "kind": "payment", "customer_id": item.customer_id,
                               "milestone_id": item.milestone_id}}))
            if added is not None:
                queued += 1
                await _tell_owner(uow, item, now, default_quiet)
        await uow.commit()
    return queued


def payment_params(due: DuePayment, limit: int) -> list[str]:
    """[customer, which payment, amount still owed, due date]."""
    return [fit(due.customer_name, limit), fit(f"第{due.seq}期", limit), amount_param(due.amount, due.currency, limit),
            fit(day_param(due.due_on), limit)]


def _payment_text(due: DuePayment) -> str:
    return (f"回款提醒短信：{due.customer_name} 第{due.seq}期 {due.amount:f} {due.currency} "
            f"{due.due_on.isoformat()} 到期（#{due.opportunity_id}）")


async def _tell_owner(uow: UnitOfWork, due: DuePayment, now: datetime, default_quiet: str) -> None:
    owner = await uow.reps.find(due.owner_id) if due.owner_id is not None else None
    if owner is None:
        return
    who = f"{due.contact_name} {masked(due.mobile)}"
    owed = Money(due.amount, due.currency).format(owner.locale)
    if owner.locale == "en":
        text = (f"📱 Payment reminder SMS queued for {due.customer_name} ({who}): payment {due.seq} of deal "
                f"#{due.opportunity_id}, {owed} due {due.due_on.isoformat()}. "
                f"To stop SMS to this customer: sms stop customer {due.customer_name}")
    else:
        text = (f"📱 已安排回款提醒短信：{due.customer_name}（{who}），商机 #{due.opportunity_id} 第{due.seq}期 "
                f"{owed}，{due.due_on.isoformat()} 到期。"
                f"如客户不希望收到短信：短信 停止 客户 {due.customer_name}")
    await push(uow, owner, Push(kind="sms_payment", period=f"{due.milestone_id}:{due.due_on.isoformat()}",
                                text=text), now, default_quiet=default_quiet)
