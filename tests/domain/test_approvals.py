"""Approval rules (issue #14), pure: what each rule catches, who approves, who may decide, a decision once."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from domain.approvals import (
    ApprovalKind,
    ApprovalRequest,
    ApprovalRules,
    ApprovalStatus,
    ReasonNeeded,
    approver_for,
    contract_findings,
    decide,
    needs_approval,
    plan_findings,
    quote_findings,
    transfer_findings,
)
from domain.billing import PaymentMilestone
from domain.errors import NotFound
from domain.money import Money
from domain.people import Rep, Role, Team
from domain.permissions import NotYourApproval, Right, approval_right, require_decide

ON = ApprovalRules(enabled=True)
NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
BOSS = Rep("王经理", Role.MANAGER, team_id=1, id=1)
REP = Rep("张伟", team_id=1, id=2)
COLLEAGUE = Rep("李娜", team_id=1, id=3)
OTHER = Rep("陈晨", team_id=2, id=4)
ADMIN = Rep("管理员", Role.ADMIN, id=5)
TEAMS = [Team("华东一组", manager_id=1, id=1), Team("华南一组", id=2)]


def yuan(amount: int) -> Money:
    return Money(Decimal(amount))


def test_a_discount_beyond_the_threshold_is_caught_and_one_within_is_not() -> None:
    [found] = quote_findings(ON, yuan(600000), yuan(800000), None)
    assert found.kind is ApprovalKind.DISCOUNT and "25%" in found.zh and "15%" in found.en
    assert quote_findings(ON, yuan(680000), yuan(800000), None) == []  # exactly 15% off
    assert quote_findings(ON, yuan(600000), None, None) == []  # no list price: nothing to measure
    assert quote_findings(ApprovalRules(enabled=True, max_discount=None), yuan(1), yuan(800000), None) == []


def test_a_margin_under_the_minimum_is_caught() -> None:
    [found] = quote_findings(ON, yuan(500000), None, yuan(450000))
    assert found.kind is ApprovalKind.MARGIN and "毛利 10%" in found.zh
    assert quote_findings(ON, yuan(500000), None, yuan(400000)) == []  # 20%: not under
    both = quote_findings(ON, yuan(500000), yuan(800000), yuan(450000))
    assert [f.kind for f in both] == [ApprovalKind.DISCOUNT, ApprovalKind.MARGIN]


def test_a_contract_above_the_amount_is_caught() -> None:
    assert [f.kind for f in contract_findings(ON, yuan(1000001))] == [ApprovalKind.CONTRACT]
    assert contract_findings(ON, yuan(1000000)) == []


def test_a_plan_is_judged_by_its_earliest_payment() -> None:
    late_big = PaymentMilestone(1, 1, yuan(700000), date(2027, 3, 1))
    early_small = PaymentMilestone(1, 2, yuan(100000), date(2026, 12, 1))
    [found] = plan_findings(ON, yuan(800000), [late_big, early_small])
    assert found.kind is ApprovalKind.PLAN and "12.5%" in found.zh
    assert plan_findings(ON, yuan(800000), [PaymentMilestone(1, 1, yuan(240000), date(2026, 12, 1))]) == []


def test_a_handover_is_caught_only_across_teams_and_when_the_rule_is_on() -> None:
    [found] = transfer_findings(ON, 1, OTHER, {1: "华东一组", 2: "华南一组"})
    assert found.kind is ApprovalKind.TRANSFER and "华东一组 → 华南一组（陈晨）" in found.zh
    assert transfer_findings(ON, 1, COLLEAGUE, {}) == []
    assert transfer_findings(ApprovalRules(enabled=True, team_transfer=False), 1, OTHER, {}) == []


def test_the_approver_is_the_team_manager_else_an_admin() -> None:
    people = [BOSS, REP, COLLEAGUE, OTHER, ADMIN]
    assert approver_for(ON, REP, people, TEAMS) is BOSS
    assert approver_for(ON, BOSS, people, TEAMS) is ADMIN  # never oneself
    assert approver_for(ON, OTHER, people, TEAMS) is ADMIN  # a team without a manager
    assert approver_for(ApprovalRules(enabled=True, approver="admin"), REP, people, TEAMS) is ADMIN
    assert approver_for(ON, OTHER, [OTHER], TEAMS) is None
    assert needs_approval(ON, REP) and not needs_approval(ON, ADMIN) and not needs_approval(ApprovalRules(), REP)


def request() -> ApprovalRequest:
    return ApprovalRequest(1, ApprovalKind.DISCOUNT, requester_id=2, approver_id=1, created_at=NOW, id=7)


def test_only_the_approver_or_an_admin_decides_and_others_do_not_see_it() -> None:
    asked = request()
    assert approval_right(BOSS, asked) is Right.CONTROL and approval_right(ADMIN, asked) is Right.CONTROL
    assert approval_right(REP, asked) is Right.VIEW and approval_right(COLLEAGUE, asked) is None
    with pytest.raises(NotFound):
        require_decide(COLLEAGUE, asked, "王经理")
    with pytest.raises(NotYourApproval, match="A7"):
        require_decide(REP, asked, "王经理")
    require_decide(ADMIN, asked, "王经理")
    assert approval_right(Rep("王经理", Role.MANAGER, team_id=1, active=False, id=1), asked) is None


def test_a_rejection_needs_a_reason_and_a_decision_is_final() -> None:
    asked = request()
    with pytest.raises(ReasonNeeded):
        decide(asked, BOSS, False, "  ", NOW)
    assert asked.status is ApprovalStatus.PENDING
    decide(asked, BOSS, False, "太便宜", NOW)
    assert (asked.status, asked.reason, asked.decided_by) == (ApprovalStatus.REJECTED, "太便宜", 1)
    with pytest.raises(ValueError):
        decide(asked, BOSS, True, "", NOW)
    assert request().is_stale(NOW + timedelta(hours=24), 24) and not request().is_stale(NOW + timedelta(hours=23), 24)
