"""Customer health (0..100): seven components, each with points, a maximum and a reason in words (zh, en).

`assess(facts, now)` -> `Health`. A component without any signal gets its neutral points (about half) and
says so. The score is the sum of the points (the maxima add up to 100); `Band` names the range.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Protocol

from domain.complaints import count_complaints
from domain.health_words import day_words, num, years_words

WINDOW_DAYS = 90  # frequency, complaints and mail replies look this far back
HEALTHY_MIN = 70  # score >= this: healthy
AT_RISK_BELOW = 40  # score < this: at risk; in between: fair

RECENCY_MAX, FRESH_DAYS, STALE_DAYS = 20, 14, 120  # full points up to FRESH_DAYS, none from STALE_DAYS
FREQUENCY_MAX, BUSY_CONTACTS = 15, 6  # contacts in the window; BUSY_CONTACTS or more: full points
RESPONSE_MAX, QUICK_REPLY_DAYS, SLOW_REPLY_DAYS = 15, 1, 7  # average days to the customer's answer
COMPLAINTS_MAX, COMPLAINT_PENALTY = 15, 5  # per note or mail mentioning a complaint
PAYMENTS_MAX, OVERDUE_PENALTY, LONG_OVERDUE_DAYS = 15, 5, 30  # per overdue milestone; more if long overdue
DELIVERY_MAX, CHANGE_REQUEST_PENALTY = 10, 2  # latest rating 1..5 mapped to 0..10, minus per open request
RENEWAL_MAX, SILENT_WON_DAYS = 10, 180  # won customers silent this long with nothing new: none


class Band(StrEnum):
    HEALTHY = "healthy"
    FAIR = "fair"
    AT_RISK = "at_risk"

    @classmethod
    def of(cls, score: int) -> Band:
        if score >= HEALTHY_MIN:
            return cls.HEALTHY
        return cls.FAIR if score >= AT_RISK_BELOW else cls.AT_RISK

    def label(self, locale: str) -> str:
        zh, en = {"healthy": ("健康", "healthy"), "fair": ("一般", "fair"), "at_risk": ("有风险", "at risk")}[self]
        return zh if locale == "zh" else en


@dataclass(frozen=True, slots=True)
class SentMail:
    """One of our mails to the customer and the customer's first answer after it (None: none yet)."""

    sent_at: datetime
    answered_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class HealthFacts:
    """What storage gathers for one customer (storage.repositories.health).

    last_contact: newest follow-up (calls, visits, notes, captured mails); contacts: follow-ups in the window.
    sent_mails: our mails of the window. notes: texts of the window that may mention a complaint.
    payments_due: current payment milestones due in the last 365 days; overdue: due dates of the unpaid ones.
    ratings: delivery ratings 1..5, newest first. first_won_at / last_won_at: wins; newest_deal_at: creation
    of the newest open or won deal; open_deals: deals not closed.
    """

    customer_id: int
    last_contact: datetime | None = None
    contacts: int = 0
    sent_mails: tuple[SentMail, ...] = ()
    notes: tuple[str, ...] = ()
    payments_due: int = 0
    overdue: tuple[date, ...] = ()
    open_change_requests: int = 0
    ratings: tuple[int, ...] = ()
    first_won_at: datetime | None = None
    last_won_at: datetime | None = None
    newest_deal_at: datetime | None = None
    open_deals: int = 0
    created_at: datetime | None = None  # when the customer was added: a new one is not judged on silence yet


@dataclass(frozen=True, slots=True)
class Component:
    key: str
    points: int
    max_points: int
    zh: str
    en: str
    neutral: bool = False  # no signal: neutral points

    def text(self, locale: str) -> str:
        return self.zh if locale == "zh" else self.en


@dataclass(frozen=True, slots=True)
class Health:
    customer_id: int
    components: tuple[Component, ...]

    @property
    def score(self) -> int:
        return max(0, min(100, sum(c.points for c in self.components)))

    @property
    def band(self) -> Band:
        return Band.of(self.score)

    def reasons(self, locale: str, limit: int = 3) -> list[str]:
        """The components that explain the score best: the biggest losses, or for a healthy customer the
        strongest parts; neutral ones only when nothing else is known."""
        told = [c for c in self.components if not c.neutral] or list(self.components)
        if self.band is Band.HEALTHY:
            ranked = sorted(told, key=lambda c: -c.points)
        else:
            ranked = sorted(told, key=lambda c: c.points - c.max_points)
        return [c.text(locale) for c in ranked[:limit]]


class HealthReader(Protocol):
    """What health needs from storage (storage.repositories.health)."""

    async def facts(self, customer_id: int, now: datetime) -> HealthFacts: ...

    async def facts_many(self, customer_ids: Iterable[int], now: datetime) -> Mapping[int, HealthFacts]: ...

    async def candidates(self, now: datetime, team_ids: Iterable[int] = (), owner_ids: Iterable[int] = (),
                         limit: int = 5000) -> list[int]:
        """Customers with an open deal, or one won in the last year, of these teams or owners."""
        ...

    async def names(self, customer_ids: Iterable[int]) -> Mapping[int, str]:
        """Customer id -> name, for the ids that exist."""
        ...


def at_risk(healths: Iterable[Health], limit: int) -> list[Health]:
    """The `limit` lowest scores below AT_RISK_BELOW, lowest first (then by customer id)."""
    return sorted((h for h in healths if h.band is Band.AT_RISK), key=lambda h: (h.score, h.customer_id))[:limit]


def assess(facts: HealthFacts, now: datetime) -> Health:
    """The customer's health at `now` (aware)."""
    return Health(facts.customer_id, (
        recency(facts, now), frequency(facts, now), response(facts, now), complaints(facts), payments(facts, now),
        delivery(facts), renewal(facts, now)))


def _scaled(maximum: int, value: float, full_at: float, zero_at: float) -> int:
    """`maximum` at or beyond `full_at`, 0 at or beyond `zero_at`, linear in between (rounded)."""
    share = (value - zero_at) / (full_at - zero_at)
    return round(maximum * min(max(share, 0.0), 1.0))


def is_new(f: HealthFacts, now: datetime) -> bool:
    """Added within FRESH_DAYS: silence says nothing yet."""
    return f.created_at is not None and now - f.created_at <= timedelta(days=FRESH_DAYS)


def recency(f: HealthFacts, now: datetime) -> Component:
    if f.last_contact is None:
        if is_new(f, now):
            return Component("recency", RECENCY_MAX // 2, RECENCY_MAX, "新客户，还没有跟进（按中性计）",
                             "New customer, no contact yet (neutral)")
        return Component("recency", 0, RECENCY_MAX, "还没有任何跟进或来信", "No follow-up or mail yet")
    days = max((now - f.last_contact).days, 0)
    points = _scaled(RECENCY_MAX, days, FRESH_DAYS, STALE_DAYS)
    when_zh, when_en = day_words(f.last_contact.astimezone(now.tzinfo).date())
    if days <= FRESH_DAYS:
        return Component("recency", points, RECENCY_MAX, f"{days} 天前刚跟进过（{when_zh}）",
                         f"Last contact {days} days ago ({when_en})")
    return Component("recency", points, RECENCY_MAX, f"已 {days} 天没有跟进（上次 {when_zh}）",
                     f"No contact for {days} days (last {when_en})")


def frequency(f: HealthFacts, now: datetime) -> Component:
    points = _scaled(FREQUENCY_MAX, f.contacts, BUSY_CONTACTS, 0)
    if f.contacts == 0 and is_new(f, now):
        return Component("frequency", FREQUENCY_MAX // 2, FREQUENCY_MAX, "新客户（按中性计）",
                         "New customer (neutral)")
    if f.contacts == 0:
        return Component("frequency", 0, FREQUENCY_MAX, f"近 {WINDOW_DAYS} 天没有任何跟进",
                         f"No contact in the last {WINDOW_DAYS} days")
    return Component("frequency", points, FREQUENCY_MAX, f"近 {WINDOW_DAYS} 天跟进 {f.contacts} 次",
                     f"{f.contacts} contacts in the last {WINDOW_DAYS} days")


def response(f: HealthFacts, now: datetime) -> Component:
    """Average days to the customer's answer, each capped at SLOW_REPLY_DAYS; a mail left unanswered for
    SLOW_REPLY_DAYS counts as that slow; younger unanswered mails are not judged yet."""
    answered = [(m.answered_at - m.sent_at).total_seconds() / 86400 for m in f.sent_mails if m.answered_at]
    unanswered = sum(1 for m in f.sent_mails if m.answered_at is None and (now - m.sent_at).days >= SLOW_REPLY_DAYS)
    judged = [min(d, SLOW_REPLY_DAYS) for d in answered] + [float(SLOW_REPLY_DAYS)] * unanswered
    if not judged:
        return Component("response", RESPONSE_MAX // 2, RESPONSE_MAX,
                         f"近 {WINDOW_DAYS} 天没有可判断的往来邮件（按中性计）",
                         f"No mail exchange in the last {WINDOW_DAYS} days to judge (neutral)", neutral=True)
    points = _scaled(RESPONSE_MAX, sum(judged) / len(judged), QUICK_REPLY_DAYS, SLOW_REPLY_DAYS)
    zh, en = [], []
    if answered:
        average = sum(answered) / len(answered)
        zh.append(f"我们的邮件平均 {num(average)} 天才得到回复")
        en.append(f"Our mails get an answer after {num(average)} days on average")
    if unanswered and answered:
        zh.append(f"另有 {unanswered} 封超过 {SLOW_REPLY_DAYS} 天没有回复")
        en.append(f"{unanswered} more unanswered for over {SLOW_REPLY_DAYS} days")
    elif unanswered:
        zh.append(f"我们的 {unanswered} 封邮件超过 {SLOW_REPLY_DAYS} 天没有回复")
        en.append(f"{unanswered} of our mails unanswered for over {SLOW_REPLY_DAYS} days")
    return Component("response", points, RESPONSE_MAX, "，".join(zh), "; ".join(en))


def complaints(f: HealthFacts) -> Component:
    found = count_complaints(f.notes)
    if found == 0 and f.contacts == 0:
        return Component("complaints", COMPLAINTS_MAX // 2, COMPLAINTS_MAX,
                         f"近 {WINDOW_DAYS} 天没有沟通记录，看不出有无投诉（按中性计）",
                         f"No notes or mails in the last {WINDOW_DAYS} days to look for complaints (neutral)",
                         neutral=True)
    points = max(0, COMPLAINTS_MAX - COMPLAINT_PENALTY * found)
    if found == 0:
        return Component("complaints", points, COMPLAINTS_MAX, f"近 {WINDOW_DAYS} 天没有投诉或不满",
                         f"No complaint in the last {WINDOW_DAYS} days")
    return Component("complaints", points, COMPLAINTS_MAX, f"近 {WINDOW_DAYS} 天 {found} 条跟进或邮件提到投诉/不满",
                     f"{found} notes or mails in the last {WINDOW_DAYS} days mention complaints or dissatisfaction")


def payments(f: HealthFacts, now: datetime) -> Component:
    today = now.date()
    if not f.overdue and f.payments_due == 0:
        return Component("payments", PAYMENTS_MAX // 2, PAYMENTS_MAX, "还没有到期的回款（按中性计）",
                         "No payment due yet (neutral)", neutral=True)
    if not f.overdue:
        return Component("payments", PAYMENTS_MAX, PAYMENTS_MAX, f"到期的 {f.payments_due} 笔回款都已收到",
                         f"All {f.payments_due} payments due were received")
    late = sum((today - due).days for due in f.overdue) / len(f.overdue)
    penalty = OVERDUE_PENALTY * len(f.overdue) + (OVERDUE_PENALTY if late > LONG_OVERDUE_DAYS else 0)
    return Component("payments", max(0, PAYMENTS_MAX - penalty), PAYMENTS_MAX,
                     f"{len(f.overdue)} 笔回款逾期，平均晚 {num(late)} 天",
                     f"{len(f.overdue)} payments overdue, {num(late)} days late on average")


def delivery(f: HealthFacts) -> Component:
    if not f.ratings and f.open_change_requests == 0:
        return Component("delivery", DELIVERY_MAX // 2, DELIVERY_MAX, "还没有交付评分或变更请求（按中性计）",
                         "No delivery rating or change request yet (neutral)", neutral=True)
    zh, en = [], []
    base = DELIVERY_MAX // 2
    if f.ratings:
        latest = min(max(f.ratings[0], 1), 5)
        base = _scaled(DELIVERY_MAX, latest, 5, 1)
        zh.append(f"最近一次里程碑评分 {latest} 分")
        en.append(f"Latest milestone rating {latest} of 5")
    if f.open_change_requests:
        zh.append(f"有 {f.open_change_requests} 个未处理的变更请求")
        en.append(f"{f.open_change_requests} open change request{'s' * (f.open_change_requests > 1)}")
    points = max(0, base - CHANGE_REQUEST_PENALTY * f.open_change_requests)
    return Component("delivery", points, DELIVERY_MAX, "，".join(zh), "; ".join(en))


def renewal(f: HealthFacts, now: datetime) -> Component:
    neutral = RENEWAL_MAX // 2
    if f.first_won_at is None:
        return Component("renewal", neutral, RENEWAL_MAX, "还没有赢单，谈不上续约（按中性计）",
                         "No deal won yet: no renewal to judge (neutral)", neutral=True)
    if f.newest_deal_at is not None and f.newest_deal_at > f.first_won_at:
        (won_zh, won_en), (new_zh, new_en) = years_words(f.first_won_at, f.newest_deal_at, now)
        return Component("renewal", RENEWAL_MAX, RENEWAL_MAX, f"{won_zh}赢单后{new_zh}有新商机（续约信号）",
                         f"Won {won_en}, a new deal {new_en} (renewal signal)")
    quiet_since = max(d for d in (f.last_contact, f.last_won_at, f.first_won_at) if d is not None)
    quiet = (now - quiet_since).days
    if f.open_deals == 0 and quiet >= SILENT_WON_DAYS:
        return Component("renewal", 0, RENEWAL_MAX, f"赢单后已 {quiet} 天没有联系，也没有新商机",
                         f"Won, but no contact for {quiet} days and no new deal")
    return Component("renewal", neutral, RENEWAL_MAX, "赢单后还没有新商机（按中性计）",
                     "No new deal since the win yet (neutral)", neutral=True)
