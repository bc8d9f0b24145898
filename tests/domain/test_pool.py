"""The lead pool's rules (issue #14, first slice) on an injected clock: each reclaim rule's deadline, the
warning before it, the earliest of several, protected customers, the daily claim limit and the cool-down."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.pool import Holding, Reason, ReclaimRules, Verdict, deadline, judge, may_claim

CLAIMED = datetime(2026, 1, 1, 9, tzinfo=UTC)
RULES = ReclaimRules(no_followup_days=30, no_open_deal_days=90, no_win_days=180, warn_days=3,
                     daily_claims=2, cooldown_days=30)


def day(n: float) -> datetime:
    return CLAIMED + timedelta(days=n)


def test_no_follow_up_warns_three_days_before_then_reclaims() -> None:
    held = Holding(1, 7, CLAIMED, last_followup=day(10), has_open_deal=True)
    assert judge(held, RULES, day(36)) == (Verdict.KEEP, deadline(held, RULES))
    verdict, due = judge(held, RULES, day(37))
    assert verdict is Verdict.WARN and due is not None and (due.reason, due.at) == (Reason.NO_FOLLOWUP, day(40))
    assert judge(held, RULES, day(40))[0] is Verdict.RECLAIM
    assert due.reason.words(due.days) == "30 天没有跟进"
    assert due.reason.words(due.days, "en") == "no follow-up for 30 days"


def test_the_earliest_rule_decides_and_a_met_rule_does_not_count() -> None:
    quiet = Holding(1, 7, CLAIMED, last_followup=day(80), last_open_deal=day(5))  # the deal closed on day 5
    due = deadline(quiet, RULES)
    assert due is not None and (due.reason, due.at) == (Reason.NO_OPEN_DEAL, day(95))
    won = Holding(1, 7, CLAIMED, last_followup=day(170), has_open_deal=True, won_since_claim=True)
    due = deadline(won, RULES)
    assert due is not None and (due.reason, due.at) == (Reason.NO_FOLLOWUP, day(200))
    busy = Holding(1, 7, CLAIMED, last_followup=day(170), has_open_deal=True)
    due = deadline(busy, RULES)
    assert due is not None and (due.reason, due.at) == (Reason.NO_WIN, day(180))


def test_activity_before_the_claim_does_not_extend_it_and_off_rules_are_off() -> None:
    old = Holding(1, 7, CLAIMED, last_followup=day(-100), has_open_deal=True)
    due = deadline(old, RULES)
    assert due is not None and due.at == day(30)
    off = ReclaimRules(no_followup_days=0, no_open_deal_days=0, no_win_days=0)
    assert deadline(old, off) is None and judge(old, off, day(1000)) == (Verdict.KEEP, None)


def test_protected_customers_are_never_reclaimed() -> None:
    key_account = Holding(1, 7, CLAIMED, protected=True)
    assert judge(key_account, RULES, day(5000)) == (Verdict.KEEP, None)


def test_a_customer_whose_owner_works_an_open_deal_on_it_is_never_reclaimed() -> None:
    working = Holding(1, 7, CLAIMED, has_open_deal=True, owner_open_deals=2)
    assert deadline(working, RULES) is None and judge(working, RULES, day(5000)) == (Verdict.KEEP, None)
    others = Holding(1, 7, CLAIMED, has_open_deal=True)  # only a colleague's deal on it: the rules apply
    assert judge(others, RULES, day(40))[0] is Verdict.RECLAIM


def test_claims_are_limited_per_day_and_cool_down_after_being_taken_back() -> None:
    assert may_claim(1, None, RULES, day(0)) is None
    limit = may_claim(2, None, RULES, day(0))
    assert limit is not None and "每天最多 2 个" in limit.zh and "at most 2 a day" in limit.en
    cooling = may_claim(0, day(0), RULES, day(29))
    assert cooling is not None and "2026-01-31 之后才能再领取" in cooling.zh
    assert may_claim(0, day(0), RULES, day(30)) is None
    assert may_claim(99, day(0), ReclaimRules(daily_claims=0, cooldown_days=0), day(1)) is None
