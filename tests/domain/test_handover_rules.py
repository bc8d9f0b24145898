"""Who may hand over a person's book (domain.permissions.handover_refusal), the summary's words, and the
undo record's round trip."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.handover import ApprovalsMoved, BookPreview, MovedBook, PendingApproval
from domain.handover_text import HandoverOutcome, summary
from domain.people import Rep, Role, Team
from domain.permissions import handover_refusal

EAST, SOUTH = Team("华东", id=1, manager_id=10), Team("华南", id=2, manager_id=20)
ADMIN = Rep("管理员", Role.ADMIN, id=1)
EAST_MANAGER, SOUTH_MANAGER = Rep("王经理", Role.MANAGER, 1, id=10), Rep("赵经理", Role.MANAGER, 2, id=20)
ZHANG, LI, CHEN = Rep("张伟", team_id=1, id=11), Rep("李娜", team_id=1, id=12), Rep("陈晨", team_id=2, id=21)
TEAMS = (EAST, SOUTH)


@pytest.mark.parametrize(("asker", "leaver", "successor", "allowed"), [
    (ADMIN, ZHANG, CHEN, True),  # across teams: an admin
    (EAST_MANAGER, ZHANG, LI, True),
    (EAST_MANAGER, ZHANG, CHEN, False),  # the successor is in another team
    (EAST_MANAGER, CHEN, LI, False),  # the leaver is not in their team
    (SOUTH_MANAGER, ZHANG, LI, False),
    (LI, ZHANG, LI, False),  # a rep, even the successor
    (EAST_MANAGER, EAST_MANAGER, LI, False),  # one's own book
    (Rep("前管理员", Role.ADMIN, active=False, id=2), ZHANG, LI, False),
])
def test_only_an_admin_or_the_manager_of_both_may_hand_over(asker: Rep, leaver: Rep, successor: Rep,
                                                            allowed: bool) -> None:
    refusal = handover_refusal(asker, leaver, successor, TEAMS)
    assert (refusal is None) is allowed
    if refusal is not None:
        assert all(refusal) and refusal[0] != refusal[1]  # a reason in each language


def test_a_cross_team_refusal_names_the_successor_and_asks_for_an_admin() -> None:
    assert handover_refusal(EAST_MANAGER, ZHANG, CHEN, TEAMS) == (
        "陈晨 在其他团队，跨团队交接需要管理员操作", "陈晨 is in another team; a handover across teams needs an admin")


def outcome(account: str = "deactivated") -> HandoverOutcome:
    preview = BookPreview(customers=2, customer_names=("明途",), deals=2, closed_deals=1,
                          deal_amounts={"CNY": Decimal(1100000), "USD": Decimal(5000)})
    moved = MovedBook(customers=[1, 2], leads={"1": [3]}, deals={"1": [4], "": [5]}, reminders=[6, 7, 8])
    approvals = ApprovalsMoved(stuck=[PendingApproval("A12")])
    return HandoverOutcome("管理员", "张伟", "李娜", preview, moved, approvals, account, ("华东",))


def test_the_english_summary_counts_what_moved_and_lists_what_could_not() -> None:
    assert summary(outcome(), "en").splitlines() == [
        "Handover: 张伟 → 李娜 (by 管理员)", "Customers: 2 (明途, …)", "Leads: 1",
        "Open deals: 2, total ¥1,100,000 + $5,000", "Reminders: 3",
        "Closed deals: 1 stay credited to 张伟; shared with 李娜 to see their history and chase payments",
        "Could not move:", "- A12 waits for 张伟's decision: an admin decides it (approve A12)",
        "- 张伟 manages team 华东; name a new manager in the users file",
        "张伟's account is now inactive: they can no longer use the bot (undo restores it)."]


def test_the_chinese_summary_writes_amounts_in_wan_and_says_the_account_was_kept() -> None:
    text = summary(outcome("kept"), "zh")
    assert "客户 2 个（明途等）" in text and "进行中的商机 2 个，金额合计 110万 + $5,000" in text
    assert text.endswith("按要求保留了 张伟 的账号，仍可使用机器人。")


def test_the_undo_record_survives_json() -> None:
    moved = outcome().moved
    assert MovedBook.from_json(moved.to_json()) == moved
    assert moved.total == 2 + 1 + 2 + 3
