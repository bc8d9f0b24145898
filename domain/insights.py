"""Deal insights: stalled deals, risk flags and win probability. Pure; the clock is passed in."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from domain.billing import PaymentMilestone
from domain.money import Money
from domain.opportunity import Opportunity, Stage
from domain.payments import outstanding, overdue

# Days without activity after which an open deal counts as stalled.
DEFAULT_STALL_DAYS: Mapping[Stage, int] = {
    Stage.INITIAL_CONTACT: 14,
    Stage.PROPOSAL: 10,
    Stage.NEGOTIATION: 7,
}

# Probability of winning by stage, before adjustments.
STAGE_BASE_RATES: Mapping[Stage, float] = {
    Stage.INITIAL_CONTACT: 0.1,
    Stage.PROPOSAL: 0.3,
    Stage.NEGOTIATION: 0.6,
    Stage.WON: 1.0,
    Stage.LOST: 0.0,
}

# Open deals are never reported as certain either way.
MIN_OPEN_PROBABILITY = 0.02
MAX_OPEN_PROBABILITY = 0.95


def last_touch(opp: Opportunity, last_activity: datetime | None = None) -> datetime | None:
    """Latest of: the given activity (e.g. newest follow-up), last contact, last stage change, creation."""
    stage_changed = opp.history[-1].at if opp.history else None
    known = [t for t in (last_activity, opp.last_contact_at, stage_changed, opp.created_at) if t is not None]
    return max(known) if known else None


def idle_days(opp: Opportunity, now: datetime, last_activity: datetime | None = None) -> int | None:
    """Whole days since the last touch; None when nothing is known."""
    touched = last_touch(opp, last_activity)
    return None if touched is None else max((now - touched).days, 0)


def is_stalled(
    opp: Opportunity,
    now: datetime,
    last_activity: datetime | None = None,
    thresholds: Mapping[Stage, int] = DEFAULT_STALL_DAYS,
) -> bool:
    """Open, and idle for at least the stage's threshold (a stage missing from `thresholds` never stalls)."""
    if opp.stage.is_closed or opp.stage not in thresholds:
        return False
    idle = idle_days(opp, now, last_activity)
    return idle is not None and idle >= thresholds[opp.stage]


class RiskKind(StrEnum):
    STALLED = "stalled"
    NEXT_STEP_OVERDUE = "next_step_overdue"
    PAYMENT_OVERDUE = "payment_overdue"
    NO_NEXT_STEP = "no_next_step"


@dataclass(frozen=True, slots=True)
class RiskFlag:
    """`days`: idle days (stalled) or days overdue; `amount`: overdue payment total."""

    kind: RiskKind
    days: int = 0
    amount: Money | None = None

    def describe(self, locale: str = "zh") -> str:
        en = locale == "en"
        if self.kind is RiskKind.STALLED:
            return f"No activity for {self.days} days" if en else f"已 {self.days} 天没有跟进"
        if self.kind is RiskKind.NEXT_STEP_OVERDUE:
            return f"Next step overdue by {self.days} days" if en else f"下一步已逾期 {self.days} 天"
        if self.kind is RiskKind.PAYMENT_OVERDUE:
            amount = self.amount.format(locale) if self.amount is not None else ""
            if en:
                return f"Payment of {amount} overdue by {self.days} days"
            return f"回款 {amount} 已逾期 {self.days} 天"
        return "No next step planned" if en else "没有计划下一步"


def risk_flags(
    opp: Opportunity,
    now: datetime,
    milestones: Sequence[PaymentMilestone] = (),
    *,
    last_activity: datetime | None = None,
    thresholds: Mapping[Stage, int] = DEFAULT_STALL_DAYS,
    today: date | None = None,
) -> list[RiskFlag]:
    """Flags in a fixed order: stalled, next step overdue, no next step, payment overdue.

    Lost deals carry no flags; won deals only the payment flag. `today` (for due dates, in the
    user's time zone) defaults to `now.date()`.
    """
    if opp.stage is Stage.LOST:
        return []
    flags: list[RiskFlag] = []
    if not opp.stage.is_closed:
        if is_stalled(opp, now, last_activity, thresholds):
            flags.append(RiskFlag(RiskKind.STALLED, idle_days(opp, now, last_activity) or 0))
        if opp.next_at is not None and opp.next_at < now:
            flags.append(RiskFlag(RiskKind.NEXT_STEP_OVERDUE, (now - opp.next_at).days))
        if opp.next_at is None and not opp.next_step.strip():
            flags.append(RiskFlag(RiskKind.NO_NEXT_STEP))
    late = overdue(milestones, today or now.date())
    if late:
        days = ((today or now.date()) - late[0].due_on).days
        flags.append(RiskFlag(RiskKind.PAYMENT_OVERDUE, days, outstanding(late)))
    return flags


def _recency_factor(idle: int | None, threshold: int) -> float:
    if idle is None:
        return 1.0
    if idle * 2 <= threshold:
        return 1.1
    if idle <= threshold:
        return 1.0
    return 0.75 if idle <= threshold * 2 else 0.5


def _activity_factor(followups_count: int) -> float:
    if followups_count <= 0:
        return 0.8
    if followups_count <= 2:
        return 1.0
    return 1.1 if followups_count <= 5 else 1.2


def win_probability(
    opp: Opportunity,
    now: datetime,
    followups_count: int,
    last_activity: datetime | None = None,
    thresholds: Mapping[Stage, int] = DEFAULT_STALL_DAYS,
) -> float:
    """Stage base rate × recency factor × activity factor, rounded to 3 places.

    Base rates: STAGE_BASE_RATES. Recency (idle days vs the stage's stall threshold t): ≤ t/2 ×1.1,
    ≤ t ×1.0, ≤ 2t ×0.75, beyond ×0.5. Activity (follow-ups on the deal): 0 ×0.8, 1–2 ×1.0, 3–5 ×1.1,
    6+ ×1.2. Open deals are clamped to [MIN_OPEN_PROBABILITY, MAX_OPEN_PROBABILITY]; won = 1, lost = 0.
    """
    base = STAGE_BASE_RATES[opp.stage]
    if opp.stage.is_closed:
        return base
    threshold = thresholds.get(opp.stage, DEFAULT_STALL_DAYS[opp.stage])
    value = base * _recency_factor(idle_days(opp, now, last_activity), threshold)
    value *= _activity_factor(followups_count)
    return round(min(max(value, MIN_OPEN_PROBABILITY), MAX_OPEN_PROBABILITY), 3)
