"""One demo deal drawn in full: a stage history walked through the real stage machine, follow-ups over
the past 90 days, numbered quotes, and for won deals a contract, payment plan, payments and invoices.

Each deal has its own random stream (seed + deal number), so a deal looks the same whenever it is drawn.
Times are spread over working hours (09:00–18:00 China time) by a mapping that keeps their order.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from bot import demo_data as data
from bot.demo_plan import DealOutline
from domain.activity import FollowUp, Reminder
from domain.billing import Contract, Invoice, InvoiceStatus, Payment, PaymentMilestone
from domain.money import Money
from domain.opportunity import Opportunity, Stage
from domain.payments import apply_payment, check_invoice, plan_milestones, remaining
from domain.quote import Quote
from domain.quoting import new_quote

CHINA = timezone(timedelta(hours=8))
DAY = timedelta(days=1)
FOLLOWUPS = {Stage.INITIAL_CONTACT: (1, 3), Stage.PROPOSAL: (2, 4), Stage.NEGOTIATION: (3, 6),
             Stage.WON: (3, 7), Stage.LOST: (1, 5)}
MIN_AMOUNT, MAX_AMOUNT = 50_000, 5_000_000
_I, _P, _N = Stage.INITIAL_CONTACT, Stage.PROPOSAL, Stage.NEGOTIATION


@dataclass(frozen=True, slots=True)
class DealRefs:
    """Database ids the deal points at."""

    customer_id: int
    short_name: str
    owner_id: int
    team_id: int | None
    contacts: tuple[tuple[int, str], ...]  # (contact id, how the rep addresses them)


@dataclass(slots=True)
class DealBundle:
    """Everything one deal writes; children carry opportunity_id 0 until `attach`."""

    opportunity: Opportunity
    followups: list[FollowUp] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    contract: Contract | None = None
    milestones: list[PaymentMilestone] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    invoices: list[Invoice] = field(default_factory=list)
    reminder: Reminder | None = None

    def attach(self, opportunity_id: int) -> None:
        children: list[FollowUp | Quote | Contract | PaymentMilestone | Payment | Invoice | Reminder] = [
            *self.followups, *self.quotes, *self.milestones, *self.payments, *self.invoices]
        children += [c for c in (self.contract, self.reminder) if c is not None]
        for child in children:
            child.opportunity_id = opportunity_id
        if self.reminder is not None:  # "#259 苏州卫健委 · 约客户开会", as the bot writes them (bot.reminders)
            self.reminder.text = f"#{opportunity_id} {self.reminder.text}"


def work_time(moment: datetime) -> datetime:
    """Squeeze the time of day into 09:00–18:00 China time, keeping the date and the order of moments."""
    local = moment.astimezone(CHINA) if moment.tzinfo else moment
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    squeezed = midnight + timedelta(hours=9) + (local - midnight) * 9 / 24
    squeezed = squeezed.replace(microsecond=0)
    return squeezed.astimezone(moment.tzinfo) if moment.tzinfo else squeezed


def local_date(moment: datetime) -> date:
    return (moment.astimezone(CHINA) if moment.tzinfo else moment).date()


@dataclass(slots=True)
class _Words:
    call: str
    short: str
    topic: str

    def fill(self, template: str, **extra: str) -> str:
        return template.format(call=self.call, short=self.short, topic=self.topic, **extra)


def build_deal(seed: int, outline: DealOutline, refs: DealRefs, now: datetime) -> DealBundle:
    rng = random.Random(f"dealbot-demo:{seed}:{outline.index}")
    contact_id, call = rng.choice(refs.contacts) if refs.contacts else (None, "客户")
    words = _Words(call, refs.short_name, outline.topic)
    path = _path(rng, outline.stage)
    created, end = _span(rng, outline.stage, now)
    moments = sorted(rng.uniform(0.02, 0.98) for _ in path)
    raw_moments = [created + (end - created) * f for f in moments]
    if outline.stage.is_closed:
        raw_moments[-1] = end
    base = _round(math.exp(rng.uniform(math.log(MIN_AMOUNT), math.log(MAX_AMOUNT))))
    opp = Opportunity(customer_id=refs.customer_id, name=outline.name, owner_id=refs.owner_id,
                      team_id=refs.team_id, amount=Money(base), contact_id=contact_id,
                      created_at=work_time(created), updated_at=work_time(created))
    bundle = DealBundle(opp)
    proposal = next((at for stage, at in zip(path, raw_moments, strict=True) if stage is _P), None)
    if proposal is not None:
        bundle.quotes = _quotes(rng, base, proposal, end, refs.owner_id)
        opp.amount = bundle.quotes[-1].amount
    _walk(rng, opp, path, raw_moments)
    history = list(zip(raw_moments, path, strict=True))
    bundle.followups = _followups(rng, opp, history, max(created, now - 89 * DAY), end, words)
    opp.last_contact_at = bundle.followups[-1].at
    opp.updated_at = max(opp.updated_at or opp.last_contact_at, opp.last_contact_at)
    if not opp.stage.is_closed:
        _next_step(rng, bundle, now, words)
    if opp.stage is Stage.WON:
        _billing(rng, bundle, outline.index, now)
    return bundle


def _path(rng: random.Random, stage: Stage) -> list[Stage]:
    """Stage changes that lead to `stage`, sometimes with a step back."""
    if stage is _I:
        return [_P, _I] if rng.random() < 0.05 else []
    if stage is _P:
        return [_P, _N, _P] if rng.random() < 0.08 else [_P]
    if stage is _N:
        return [_P, _N]
    if stage is Stage.WON:
        return [_P, _N, _P, _N, Stage.WON] if rng.random() < 0.1 else [_P, _N, Stage.WON]
    reached = rng.choices((_I, _P, _N), (35, 35, 30))[0]
    return {_I: [], _P: [_P], _N: [_P, _N]}[reached] + [Stage.LOST]


def _span(rng: random.Random, stage: Stage, now: datetime) -> tuple[datetime, datetime]:
    """When the deal was created and its last moment (the close, or yesterday for open deals)."""
    if stage.is_closed:
        end = now - DAY * rng.uniform(1, 85)
        return end - DAY * rng.uniform(15, 150), end
    young = stage is _I
    return now - DAY * rng.uniform(2 if young else 10, 60 if young else 150), now - DAY


def _round(amount: float) -> Decimal:
    """To the thousand (ten thousand above 1M), kept within 50,000–5,000,000."""
    step = 1000 if amount < 1_000_000 else 10_000
    return Decimal(min(max(round(amount / step) * step, MIN_AMOUNT), MAX_AMOUNT))


def _quotes(rng: random.Random, base: Decimal, start: datetime, end: datetime, owner_id: int) -> list[Quote]:
    """1–3 versions, each a little lower, between the move to proposal and the deal's last moment."""
    count = rng.choices((1, 2, 3), (5, 3, 2))[0]
    moments = sorted(start + (end - start) * rng.uniform(0, 0.9) for _ in range(count))
    amount = _round(float(base) * rng.uniform(1.0, 1.15))
    quotes: list[Quote] = []
    for number, moment in enumerate(moments):
        note = data.QUOTE_NOTES[0] if number == 0 else rng.choice(data.QUOTE_NOTES[1:])
        quotes.append(new_quote(0, Money(amount), quotes, note=note, created_by=owner_id,
                                at=work_time(moment)))
        amount = _round(float(amount) * rng.uniform(0.88, 0.97))
    return quotes


def _walk(rng: random.Random, opp: Opportunity, path: list[Stage], moments: list[datetime]) -> None:
    """Move the deal through the stage machine, so its history is legal by construction."""
    for target, moment in zip(path, moments, strict=True):
        at = work_time(moment)
        if target is Stage.WON:
            opp.win(by=opp.owner_id, at=at, amount=opp.amount)
        elif target is Stage.LOST:
            reasons = list(data.LOST_REASONS)
            reason = rng.choices(reasons, [data.LOST_REASONS[r][0] for r in reasons])[0]
            note = data.LOST_REASONS[reason][1].format(competitor=rng.choice(data.COMPETITORS))
            opp.lose(reason, by=opp.owner_id, at=at, note=note)
        else:
            opp.advance_to(target, by=opp.owner_id, at=at)


def _followups(rng: random.Random, opp: Opportunity, history: list[tuple[datetime, Stage]],
               start: datetime, end: datetime, words: _Words) -> list[FollowUp]:
    low, high = FOLLOWUPS[opp.stage]
    moments = sorted(start + (end - start) * rng.uniform(0, 0.98) for _ in range(rng.randint(low, high)))
    kinds = list(data.KIND_WEIGHTS)

    def followup(moment: datetime, stage: Stage, **extra: str) -> FollowUp:
        assert opp.owner_id is not None
        return FollowUp(rep_id=opp.owner_id, note=words.fill(rng.choice(data.NOTES[stage]), **extra),
                        at=work_time(moment), opportunity_id=0, customer_id=opp.customer_id,
                        contact_id=opp.contact_id,
                        kind=rng.choices(kinds, [data.KIND_WEIGHTS[k] for k in kinds])[0])

    notes = [followup(m, _stage_at(history, m)) for m in moments]
    if opp.stage.is_closed:
        notes.append(followup(end, opp.stage, reason=opp.lost_note))
    return notes


def _stage_at(history: list[tuple[datetime, Stage]], moment: datetime) -> Stage:
    """The open stage the deal was in at `moment`."""
    stage = _I
    for at, target in history:
        if at <= moment and not target.is_closed:
            stage = target
    return stage


def _next_step(rng: random.Random, bundle: DealBundle, now: datetime, words: _Words) -> None:
    opp = bundle.opportunity
    step = words.fill(rng.choice(data.NEXT_STEPS[opp.stage]))
    next_at = work_time(now + DAY * rng.uniform(-3, 14))
    horizon = {_I: (45, 150), _P: (20, 90), _N: (5, 45)}[opp.stage]
    close_in = -rng.uniform(1, 10) if rng.random() < 0.08 else rng.uniform(*horizon)
    opp.next_step, opp.next_at, opp.expected_close = step, next_at, work_time(now + DAY * close_in)
    last = bundle.followups[-1]
    last.next_step, last.next_at = step, next_at
    if next_at - timedelta(hours=1) > now:
        assert opp.owner_id is not None
        bundle.reminder = Reminder(rep_id=opp.owner_id, due_at=next_at - timedelta(hours=1),
                                   text=f"{words.short} · {step}", opportunity_id=0)


def _billing(rng: random.Random, bundle: DealBundle, index: int, now: datetime) -> None:
    """Contract at the close, a payment plan, payments for what fell due (in order), and invoices."""
    opp = bundle.opportunity
    assert opp.amount is not None and opp.closed_at is not None
    signed, today = local_date(opp.closed_at), local_date(now)
    opp.expected_close = opp.closed_at
    bundle.contract = Contract(0, f"HT{signed:%Y%m%d}{index:03d}", opp.amount, signed_on=signed,
                               created_by=opp.owner_id, created_at=opp.closed_at)
    scheme = rng.choice(data.PAYMENT_PLANS)
    milestones = plan_milestones(0, opp.amount, [
        (Decimal(percent), signed + timedelta(days=days), note) for percent, note, days in scheme])
    for milestone in list(milestones):
        roll = rng.random()
        if milestone.due_on > today or roll >= 0.9:
            break  # not due yet, or overdue from here on
        amount = remaining(milestone) if roll < 0.8 else milestone.amount.scaled(Decimal("0.5"))
        received = min(today, max(signed, milestone.due_on + timedelta(days=rng.randint(-5, 10))))
        payment = Payment(0, amount, received, note=f"{milestone.note}到账", recorded_by=opp.owner_id)
        paid = {m.seq: m for m in apply_payment(milestones, payment)}
        milestones = [paid.get(m.seq, m) for m in milestones]
        bundle.payments.append(payment)
        if roll >= 0.8:
            break  # paid in part; the rest is outstanding
    bundle.milestones = milestones
    bundle.invoices = _invoices(rng, milestones, opp.amount, signed, today)


def _invoices(rng: random.Random, milestones: list[PaymentMilestone], total: Money, signed: date,
              today: date) -> list[Invoice]:
    """An issued invoice per milestone that received money; the next one due within 30 days is requested."""
    invoices: list[Invoice] = []
    for milestone in milestones:
        if milestone.paid is not None and milestone.paid.amount > 0:
            issued = max(signed, min(today, milestone.due_on - timedelta(days=rng.randint(0, 5))))
            invoice = Invoice(0, milestone.amount, InvoiceStatus.ISSUED, f"{rng.randint(10**7, 10**8 - 1)}",
                              issued, note=milestone.note)
        elif milestone.due_on <= today + timedelta(days=30):
            invoice = Invoice(0, milestone.amount, InvoiceStatus.REQUESTED, note=milestone.note)
        else:
            break
        check_invoice(invoice.amount, total, invoices)
        invoices.append(invoice)
        if invoice.status is InvoiceStatus.REQUESTED:
            break
    return invoices

