"""The lead pool (公海) rules (issue #14, first slice): when a customer someone holds goes back to the pool, when its
owner is warned first, and whether a rep may claim one. Pure; standard library only.

A held customer returns to the pool at the earliest deadline its team's rules give: no follow-up for
`no_followup_days`, no open deal for `no_open_deal_days`, no win within `no_win_days` of claiming (a rule set to 0
is off); a held lead by `lead_no_followup_days` alone. `warn_days` before that deadline the owner is warned (跟进 /
放弃). Protected customers (key accounts, signed contracts) are never reclaimed, nor a customer while its owner has
an open deal on it (the customer's owner and its deals' owner never part: a neglected open deal is a risk-warning
matter, not a reclaim one; the owner may not release it either until those deals are handed over or closed).
A rep claims at most `daily_claims` a day, and not one taken from them less than `cooldown_days` ago.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum


class Reason(StrEnum):
    NO_FOLLOWUP = "no_followup"
    NO_OPEN_DEAL = "no_open_deal"
    NO_WIN = "no_win"

    def words(self, days: int, locale: str = "zh") -> str:
        zh, en = {
            Reason.NO_FOLLOWUP: (f"{days} 天没有跟进", f"no follow-up for {days} days"),
            Reason.NO_OPEN_DEAL: (f"{days} 天没有进行中的商机", f"no open deal for {days} days"),
            Reason.NO_WIN: (f"{days} 天没有赢单（自领取或建档起）",
                            f"no win within {days} days (of claiming or creating it)"),
        }[self]
        return en if locale == "en" else zh


@dataclass(frozen=True, slots=True)
class ReclaimRules:
    """One team's rules (config); days, 0 = that rule is off."""

    no_followup_days: int = 30
    no_open_deal_days: int = 90
    no_win_days: int = 180
    warn_days: int = 3
    daily_claims: int = 10
    cooldown_days: int = 30
    lead_no_followup_days: int = 30  # an owned lead with no follow-up for this long goes back too

    def for_leads(self) -> ReclaimRules:
        """The rules a held lead is judged by: only its own no-follow-up rule (leads have no deals)."""
        return replace(self, no_followup_days=self.lead_no_followup_days, no_open_deal_days=0, no_win_days=0)

    def days_of(self, reason: Reason, lead: bool = False) -> int:
        """The number of days of the rule behind `reason`."""
        rules = self.for_leads() if lead else self
        return {Reason.NO_FOLLOWUP: rules.no_followup_days, Reason.NO_OPEN_DEAL: rules.no_open_deal_days,
                Reason.NO_WIN: rules.no_win_days}[reason]


@dataclass(frozen=True, slots=True)
class Holding:
    """A customer someone holds, with the times the rules read. `last_open_deal`: when it last had an open deal
    (None: never); `has_open_deal`: it has one now."""

    customer_id: int
    owner_id: int
    claimed_at: datetime
    last_followup: datetime | None = None
    last_open_deal: datetime | None = None
    has_open_deal: bool = False
    won_since_claim: bool = False
    protected: bool = False
    owner_open_deals: int = 0  # open deals on it that its owner owns: while any, it is never reclaimed


@dataclass(frozen=True, slots=True)
class Deadline:
    reason: Reason
    days: int  # the rule's number of days
    at: datetime  # when the customer returns to the pool


class Verdict(StrEnum):
    KEEP = "keep"
    WARN = "warn"  # the deadline is within warn_days: tell the owner (跟进 / 放弃)
    RECLAIM = "reclaim"  # the deadline has passed: back to the pool


def deadline(holding: Holding, rules: ReclaimRules) -> Deadline | None:
    """The earliest rule deadline of a held customer (None: protected, its owner works an open deal on it, or
    every rule off or met)."""
    if holding.protected or holding.owner_open_deals:
        return None
    found: list[Deadline] = []
    if rules.no_followup_days:
        since = max(holding.last_followup or holding.claimed_at, holding.claimed_at)
        found.append(Deadline(Reason.NO_FOLLOWUP, rules.no_followup_days,
                              since + timedelta(days=rules.no_followup_days)))
    if rules.no_open_deal_days and not holding.has_open_deal:
        since = max(holding.last_open_deal or holding.claimed_at, holding.claimed_at)
        found.append(Deadline(Reason.NO_OPEN_DEAL, rules.no_open_deal_days,
                              since + timedelta(days=rules.no_open_deal_days)))
    if rules.no_win_days and not holding.won_since_claim:
        found.append(Deadline(Reason.NO_WIN, rules.no_win_days, holding.claimed_at + timedelta(days=rules.no_win_days)))
    return min(found, key=lambda d: d.at) if found else None


def judge(holding: Holding, rules: ReclaimRules, now: datetime) -> tuple[Verdict, Deadline | None]:
    """Keep, warn the owner, or reclaim — with the deadline that decided it."""
    due = deadline(holding, rules)
    if due is None or now < due.at - timedelta(days=rules.warn_days):
        return Verdict.KEEP, due
    return (Verdict.RECLAIM if now >= due.at else Verdict.WARN), due


@dataclass(frozen=True, slots=True)
class ClaimRefused:
    zh: str
    en: str


def may_claim(claims_today: int, taken_from_me_at: datetime | None, rules: ReclaimRules,
              now: datetime) -> ClaimRefused | None:
    """Why a rep may not claim this customer now (None: they may)."""
    if rules.daily_claims and claims_today >= rules.daily_claims:
        return ClaimRefused(f"今天已经领取了 {claims_today} 个客户/线索（每天最多 {rules.daily_claims} 个），明天再来",
                            f"you claimed {claims_today} customers/leads today (at most {rules.daily_claims} a "
                            "day): try again tomorrow")
    if taken_from_me_at is not None and rules.cooldown_days:
        free = taken_from_me_at + timedelta(days=rules.cooldown_days)
        if now < free:
            return ClaimRefused(f"这个客户 {taken_from_me_at:%Y-%m-%d} 从你名下回到公海，"
                                f"{free:%Y-%m-%d} 之后才能再领取",
                                f"this customer went back to the pool from you on {taken_from_me_at:%Y-%m-%d}; "
                                f"you may claim it again from {free:%Y-%m-%d}")
    return None


class Scope(StrEnum):
    TEAM = "team"  # a customer goes back to the pool of its last owner's team
    COMPANY = "company"  # one pool for everyone


DEFAULT_PROTECTED_TAGS = ("重点客户", "key account")


@dataclass(frozen=True, slots=True)
class PoolSettings:
    """`[pool]`: the company's rules, `scope`, the tags that protect a customer; `[[teams]] pool = {...}`:
    a team's own rules (by team name), each key falling back to the company's."""

    rules: ReclaimRules = ReclaimRules()
    scope: Scope = Scope.TEAM
    protected_tags: tuple[str, ...] = DEFAULT_PROTECTED_TAGS
    teams: Mapping[str, ReclaimRules] = field(default_factory=dict)

    def rules_for(self, team_name: str | None) -> ReclaimRules:
        return self.teams.get(team_name or "", self.rules)

    def pool_of(self, team_id: int | None) -> int | None:
        """The pool a customer of a team's rep goes back to (None: the company's)."""
        return team_id if self.scope is Scope.TEAM else None

    def tag_protects(self, tags: Iterable[str]) -> bool:
        wanted = {t.casefold() for t in self.protected_tags}
        return any(t.casefold() in wanted for t in tags)
