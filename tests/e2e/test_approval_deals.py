"""Approvals of contracts, payment plans and handovers end to end on SQLite and PostgreSQL (issue #14): a big
contract is pending and not signed until approved; a plan with a small first payment waits for a yes; a deal
handed to another team stays with its owner until approved; undo takes a decision back."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import cast

from domain.approval_state import ApprovalState
from domain.approvals import ApprovalKind, ApprovalStatus
from domain.risk_ports import RiskUnitOfWork
from domain.risks import DealFacts
from tests.e2e.approvals_world import audit, outbox, requests
from tests.e2e.harness import Console


async def signed(console: Console) -> bool:
    """Whether deal #1 counts as signed where the risk rules read it (a won deal without a contract)."""
    async with cast(Callable[[], RiskUnitOfWork], console.app.uow_factory)() as uow:
        [facts] = await uow.risks.facts([("deal", 1)])
    assert isinstance(facts, DealFacts)
    return facts.has_contract


async def deal_state(console: Console) -> tuple[Decimal | None, str]:
    async with console.app.uow_factory() as uow:
        deal = await uow.opportunities.get(1)
        return (deal.amount.amount if deal.amount else None), deal.stage.value


async def owner(console: Console) -> tuple[int | None, int | None]:
    async with console.app.uow_factory() as uow:
        deal = await uow.opportunities.get(1)
        return deal.owner_id, deal.team_id


async def test_a_big_contract_is_not_signed_until_approved(approvals_console: Console) -> None:
    console = approvals_console
    out = await console.say("合同 #1 120万 编号 HT-001")
    assert "已提交审批 A1，等待 王经理 审批（合同金额 120万，超过 100万）" in out and "不计为已签约" in out
    async with console.app.uow_factory() as uow:
        [contract] = await uow.contracts.for_opportunity(1)
    assert contract.approval is ApprovalState.PENDING
    assert await signed(console) is False
    assert "审批通过前不计为已签约" in out and "不能发给客户" not in out
    assert await deal_state(console) == (Decimal(800000), "initial_contact")  # a held contract changes no deal
    assert "HT-001 120万 · 待审批" in await console.say("回款明细 #1")
    assert "A1 已同意" in await console.say("同意 A1", as_user="wang")
    assert await signed(console) is True
    assert await deal_state(console) == (Decimal(800000), "initial_contact")
    assert "HT-001 120万 · 11月24日签订" in await console.say("回款明细 #1", as_user="zhangwei")
    async with console.app.uow_factory() as uow:
        assert (await uow.contracts.get(contract.id or 0)).approval is ApprovalState.APPROVED


async def test_a_rejected_contract_stays_unsigned_and_a_small_one_needs_nothing(approvals_console: Console) -> None:
    console = approvals_console
    await console.say("合同 #1 120万")
    assert "A1 已驳回" in await console.say("驳回 A1 金额超出预算", as_user="wang")
    assert await signed(console) is False
    assert "审批" not in await console.say("合同 #1 90万", as_user="zhangwei")
    assert await signed(console) is True and len(await requests(console)) == 1


async def test_a_plan_with_a_small_first_payment_waits_for_a_yes(approvals_console: Console) -> None:
    console = approvals_console
    out = await console.say("回款计划 #1 10% 2026-12-15 90% 2027-03-01")
    assert "已提交审批 A1" in out and "首付款 8万（10%），低于 30%" in out and "计划已保存" in out
    [request] = await requests(console)
    assert (request.kind, request.subject_id) == (ApprovalKind.PLAN, 1)
    assert "回款计划 1" in (await outbox(console, "approval:"))[0][1]
    assert "A1 已驳回" in await console.say("驳回 A1 首付太低", as_user="wang")
    assert "❌ 审批 A1 被驳回" in console.out.getvalue()
    assert "审批" not in await console.say("回款计划 #1 30% 2026-12-15 70% 2027-03-01", as_user="zhangwei")
    assert len(await requests(console)) == 1


async def test_a_handover_to_another_team_waits_and_is_applied_on_approval(approvals_console: Console) -> None:
    console = approvals_console
    out = await console.say("转给 #1 陈晨")
    assert "已提交审批 A1" in out and "转给其他团队：华东一组 → 华南一组（陈晨）" in out and "审批通过后才会转交" in out
    assert await owner(console) == (2, 1)  # not handed over yet
    assert "已有待审批的转交 A1" in await console.say("转给 #1 陈晨")
    assert len(await requests(console)) == 1
    out = await console.say("审批 同意 A1", as_user="wang")
    assert "A1 已同意" in out and "[→ chen] 张伟 handed deal #1 MES over to you (王经理 approved A1)" in out
    assert await owner(console) == (4, 2)
    [request] = await requests(console)
    assert request.status is ApprovalStatus.APPROVED and request.asked["to"] == 4
    assert [a[2] for a in await audit(console, "opportunity")][-1] == "update"


async def test_a_rejected_or_outdated_handover_changes_no_owner(approvals_console: Console) -> None:
    console = approvals_console
    assert "审批" not in await console.say("转给 #1 李娜") and await owner(console) == (3, 1)  # same team: at once
    await console.say("转给 #1 陈晨", as_user="lina")
    assert "A1 已驳回" in await console.say("驳回 A1 客户在华东", as_user="wang")
    assert await owner(console) == (3, 1)
    await console.say("转给 #1 陈晨", as_user="lina")
    assert "已有待审批的转交 A2" in await console.say("转给 #1 张伟", as_user="wang")  # one handover at a time
    async with console.app.uow_factory() as uow:  # meanwhile moved by another path (离职交接, the pool)
        deal = await uow.opportunities.get(1)
        deal.owner_id = 2
        await uow.opportunities.save(deal)
        await uow.commit()
    out = await console.say("同意 A2", as_user="wang")
    assert "A2 已撤回：商机的负责人已变更" in out and await owner(console) == (2, 1)
    assert [r.status for r in await requests(console)] == [ApprovalStatus.REJECTED, ApprovalStatus.CANCELLED]


async def test_undo_takes_a_decision_back(approvals_console: Console) -> None:
    console = approvals_console
    await console.say("转给 #1 陈晨")
    await console.say("同意 A1", as_user="wang")
    assert await owner(console) == (4, 2)
    out = await console.say("撤销", as_user="wang")
    assert out.startswith("已撤销对 A1 的同意：#1 MES 转给 陈晨，重新等待审批。")
    assert await owner(console) == (2, 1)
    [request] = await requests(console)
    assert (request.status, request.decided_by) == (ApprovalStatus.PENDING, None)
    told = [(r, t) for r, t, _ in await outbox(console) if "撤回了" in t or "withdrew" in t]
    assert told == [("zhangwei", "↩️ 王经理 撤回了对审批 A1 的同意：#1 MES 转给 陈晨；A1 重新等待审批，"
                                 "商机 #1 仍由 张伟 负责。"),
                    ("chen", "↩️ 王经理 withdrew the approval of A1: #1 MES to 陈晨; A1 waits for a decision again; "
                             "deal #1 stays with 张伟.")]
    assert "No deal #1 found" in await console.say("followup #1 call", as_user="chen")  # as told: not theirs
    assert "A1 已驳回" in await console.say("驳回 A1 先别转", as_user="wang")


async def test_the_lists_show_what_waits_for_whom(approvals_console: Console) -> None:
    console = approvals_console
    assert "没有待审批的事项" in await console.say("待审批")
    await console.say("报价 #1 60万 原价 80万")
    await console.say("合同 #1 120万")
    mine = await console.say("待审批")
    assert "我提交的、等待审批（2）" in mine and "A1 报价折扣：#1 MES 报价 v1 60万 · 等待 王经理" in mine
    theirs = await console.say("待审批", as_user="wang")
    assert "待我审批（2）" in theirs and "A2 张伟 提交的合同金额审批" in theirs and "我提交的" not in theirs
    assert "同意：审批 同意 A1 · 驳回：审批 驳回 A1 原因" in theirs  # a real id of the list
    assert "待我审批（2）" in await console.say("approvals", as_user="admin")
    assert "没有待审批的事项" in await console.say("待审批", as_user="lina")
