"""SMS as a reminder channel (issue #16), as plain rules: mainland mobile numbers, template parameters that
fit the provider's length limit, the sliding-window limits per number, and what storage keeps.

Provider templates take short parameters (Tencent Cloud: at most 6 characters per variable of a notification
template), so a reminder is mapped to a few short fields rather than sent as its text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from domain.errors import InvalidValue

MOBILE_HOWTO_ZH = "请写中国大陆11位手机号，如 13800138000 或 +8613800138000"
MOBILE_HOWTO_EN = "write a mainland China mobile number of 11 digits, like 13800138000 or +8613800138000"
_MOBILE = re.compile(r"1[3-9]\d{9}")
_SEPARATORS = re.compile(r"[\s\-()（）]")
EMPTY_PARAM = "-"  # a template variable may not be empty


def mobile_of(text: str) -> str:
    """`text` as an E.164 mainland mobile ("+8613800138000"): 11 digits starting 13–19, with or without +86,
    86 or 0086, spaces and dashes allowed. Anything else: InvalidValue saying how to write it."""
    raw = _SEPARATORS.sub("", unicodedata.normalize("NFKC", text))
    for prefix in ("+86", "0086", "86"):
        if raw.startswith(prefix) and len(raw) == len(prefix) + 11:
            raw = raw[len(prefix):]
            break
    if not _MOBILE.fullmatch(raw):
        shown = text.strip()[:30]
        raise InvalidValue("手机号", f"「{shown}」不是中国大陆手机号；{MOBILE_HOWTO_ZH}", field_en="mobile number",
                           reason_en=f"'{shown}' is not a mainland China mobile number; {MOBILE_HOWTO_EN}")
    return f"+86{raw}"


def mobile_in(text: str) -> str | None:
    """The mobile number in a free-form contact phone field ("138-0013-8000 / 0571-88886666"), or None."""
    for part in re.split(r"[,，;；/、|]", text):
        try:
            return mobile_of(part)
        except InvalidValue:
            continue
    return None


def masked(mobile: str) -> str:
    """"+8613800138000" -> "138****8000": how a number is shown back in chat and logs."""
    digits = mobile[-11:]
    return f"{digits[:3]}****{digits[-4:]}"


def fit(value: str, limit: int) -> str:
    """`value` cut to `limit` characters (the last one "…" when cut); empty -> "-" (variables cannot be empty)."""
    value = " ".join(value.split())
    if not value:
        return EMPTY_PARAM
    return value if len(value) <= limit else value[:max(limit - 1, 1)] + ("…" if limit > 1 else "")


def day_param(day: date | datetime) -> str:
    """"12月8日": a date in at most 6 characters."""
    return f"{day.month}月{day.day}日"


def amount_param(amount: Decimal, currency: str, limit: int) -> str:
    """An amount in at most `limit` characters: yuan as "8000元" or "12.5万"; others with their code."""
    unit = "" if currency == "CNY" else currency
    if abs(amount) < 10000:
        plain = f"{amount.normalize():f}" + ("元" if not unit else "")
        if len(unit + plain) <= limit:
            return unit + plain
    wan = amount / Decimal(10000)
    for places in (2, 1, 0):
        text = f"{wan:.{places}f}".rstrip("0").rstrip(".") if places else f"{wan:.0f}"
        if len(unit + text + "万") <= limit:
            return unit + text + "万"
    return fit(unit + f"{wan:.0f}万", limit)


@dataclass(frozen=True, slots=True)
class RateLimit:
    count: int
    window: timedelta


@dataclass(frozen=True, slots=True)
class SmsLimits:
    """Per number. Defaults: Tencent Cloud's default frequency policy for one number (one per 30 s, 5 an hour,
    10 a day), kept as one a minute, 5 in any hour, 10 in any 24 h (rolling windows are stricter than its
    natural day)."""

    per_minute: int = 1
    per_hour: int = 5
    per_day: int = 10

    def windows(self) -> tuple[RateLimit, ...]:
        return (RateLimit(self.per_minute, timedelta(minutes=1)), RateLimit(self.per_hour, timedelta(hours=1)),
                RateLimit(self.per_day, timedelta(days=1)))

    def wait(self, sent: Sequence[datetime], now: datetime) -> timedelta:
        """How long until one more SMS may go to a number that had these sends (any order); 0: now."""
        times = sorted(sent)
        wait = timedelta(0)
        for limit in self.windows():
            recent = [t for t in times if now - t < limit.window]
            excess = len(recent) + 1 - limit.count
            if excess > 0:
                wait = max(wait, recent[excess - 1] + limit.window - now)
        return wait


@dataclass(slots=True)
class SmsSubscription:
    rep_id: int
    mobile: str  # E.164
    enabled: bool
    updated_at: datetime


@dataclass(slots=True)
class SmsSend:
    """An SMS the provider accepted."""

    phone: str
    kind: str  # "reminder" | "payment"
    sent_at: datetime
    template_id: str
    delivery_key: str | None = None
    customer_id: int | None = None
    milestone_id: int | None = None
    serial_no: str = ""
    id: int | None = None


@dataclass(frozen=True, slots=True)
class DuePayment:
    """A payment milestone of the plan in force falling due, with who to text about it and who owns the deal."""

    milestone_id: int
    seq: int
    due_on: date
    amount: Decimal
    currency: str
    opportunity_id: int
    owner_id: int | None
    customer_id: int
    customer_name: str
    contact_name: str
    mobile: str  # E.164
