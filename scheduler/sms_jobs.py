"""What goes by SMS (issue #16): a copy of each due reminder for people who opted in (queued with the chat
card, in the same transaction, at the same time: a reminder arrives when asked, quiet hours or not), and,
where the company turned it on, one SMS per payment milestone falling due to the customer's contact (held
through the company's quiet hours; the deal's owner is told in chat), caught up for `payment_catch_up_days`
after a day the bot was down.

Both are outbox rows of the "sms" channel with a dedupe key, so two processes or a rerun never queue one
twice: `sms:reminder:<reminder>:<due>`, `sms:payment:<milestone>:<due date>` (and, for payments, the sends
ledger, which outlives a pruned outbox row)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
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
    """Queue one SMS per milestone falling due to its customer's contact; tell the owner. Due today (company
    time zone) or, missed while the bot was down, up to `payment_catch_up_days` before and still owed: once per
    milestone and due date. Returns how many were queued now."""
    template = settings.payment_template
    if not template:
        return 0
    zone = ZoneInfo(settings.timezone)
    today = now.astimezone(zone).date()
    queued = 0
    async with uow_factory() as uow:
        not_before = quiet_hours_of("", default_quiet).release(now, settings.timezone)
        for item in await _not_yet_sent(cast(SmsUnitOfWork, uow), today, settings.payment_catch_up_days, zone):
            added = await uow.outbox.add(OutboxItem(
                channel=CHANNEL, recipient=item.mobile, text=_payment_text(item, today), created_at=now,
                not_before=not_before, dedupe_key=payment_key(item),
                extra={"sms": {"template_id": template, "params": payment_params(item, settings.param_chars),
                               "kind": "payment", "customer_id": item.customer_id,
                               "milestone_id": item.milestone_id}}))
            if added is not None:
                queued += 1
                await _tell_owner(uow, item, today, now, default_quiet)
        await uow.commit()
    return queued


async def _not_yet_sent(uow: SmsUnitOfWork, today: date, catch_up_days: int, zone: ZoneInfo) -> list[DuePayment]:
    """Milestones due from `catch_up_days` ago to today with no SMS for that due date: none queued (the outbox
    dedupe key) and none in the sends ledger on or after the due date (the outbox row may have been pruned)."""
    due = await uow.sms.due_payments(today - timedelta(days=catch_up_days), today)
    queued = await uow.outbox.existing_keys(payment_key(d) for d in due)
    due = [d for d in due if payment_key(d) not in queued]
    sent = await uow.sms.payments_sent(d.milestone_id for d in due)  # only those: mostly none after the first run

    def sent_for_due_date(item: DuePayment) -> bool:
        last = sent.get(item.milestone_id)
        return last is not None and last.astimezone(zone).date() >= item.due_on

    return [d for d in due if not sent_for_due_date(d)]


def payment_params(due: DuePayment, limit: int) -> list[str]:
    """[customer, which payment, amount still owed, due date] (the real due date, also in a late reminder)."""
    return [fit(due.customer_name, limit), fit(f"第{due.seq}期", limit), amount_param(due.amount, due.currency, limit),
            fit(day_param(due.due_on), limit)]


def _payment_text(due: DuePayment, today: date) -> str:
    late = (today - due.due_on).days
    return (f"回款提醒短信：{due.customer_name} 第{due.seq}期 {due.amount:f} {due.currency} "
            f"{due.due_on.isoformat()} 到期{f'（已逾期 {late} 天）' if late > 0 else ''}（#{due.opportunity_id}）")


def _due_words(due: DuePayment, today: date, owed: str, locale: str) -> str:
    """"30万，2026-11-24 到期" / "¥300,000.00 due 2026-11-24", saying how late a catch-up reminder is."""
    late, day = (today - due.due_on).days, due.due_on.isoformat()
    if locale == "en":
        return f"{owed} was due {day} ({late} day{'s' if late > 1 else ''} ago; a late reminder)" if late > 0 \
            else f"{owed} due {day}"
    return f"{owed}，{day} 到期（已逾期 {late} 天，补发提醒）" if late > 0 else f"{owed}，{day} 到期"


async def _tell_owner(uow: UnitOfWork, due: DuePayment, today: date, now: datetime, default_quiet: str) -> None:
    owner = await uow.reps.find(due.owner_id) if due.owner_id is not None else None
    if owner is None:
        return
    who = f"{due.contact_name} {masked(due.mobile)}"
    owed = _due_words(due, today, Money(due.amount, due.currency).format(owner.locale), owner.locale)
    if owner.locale == "en":
        text = (f"📱 Payment reminder SMS queued for {due.customer_name} ({who}): payment {due.seq} of deal "
                f"#{due.opportunity_id}, {owed}. "
                f"To stop SMS to this customer: sms stop customer {due.customer_name}")
    else:
        text = (f"📱 已安排回款提醒短信：{due.customer_name}（{who}），商机 #{due.opportunity_id} 第{due.seq}期 "
                f"{owed}。"
                f"如客户不希望收到短信：短信 停止 客户 {due.customer_name}")
    await push(uow, owner, Push(kind="sms_payment", period=f"{due.milestone_id}:{due.due_on.isoformat()}",
                                text=text), now, default_quiet=default_quiet)
