"""QA round 2 fixes of approvals end to end on SQLite and PostgreSQL (issue #14): several requests approved at
once, a note on an approval reaching the requester, the card's punctuation."""

from __future__ import annotations

from datetime import timedelta

from domain.approval_state import ApprovalState
from domain.approvals import ApprovalKind, ApprovalStatus
from tests.e2e.approvals_world import audit, outbox, requests
from tests.e2e.harness import Console
from tests.e2e.test_approval_cards import remind


async def test_approve_lists_several_requests_and_reject_takes_one(approvals_console: Console) -> None:
    console = approvals_console
    await console.say("新商机 明途 ERP 50万")
    await console.say("报价 #1 60万 原价 80万")
    await console.say("报价 #2 30万 原价 50万")
    out = await console.say("驳回 A1 A2 太低", as_user="wang")
    assert "一次驳回一项，并写明原因" in out
    assert [r.status for r in await requests(console)] == [ApprovalStatus.PENDING] * 2
    assert [a[2] for a in await audit(console)] == ["create", "create"]
    out = await console.say("同意 a1 a2", as_user="wang")
    assert "A1 已同意。已通知申请人。" in out and "A2 已同意。已通知申请人。" in out
    assert [r.status for r in await requests(console)] == [ApprovalStatus.APPROVED] * 2
    notices = [t for r, t, _ in await outbox(console) if r == "zhangwei" and t.startswith("✅")]
    assert [n.split("（")[0] for n in notices] == ["✅ 审批 A1 已同意", "✅ 审批 A2 已同意"]
    out = await console.say("同意 A2 A9", as_user="wang")  # one decided, one unknown: each says so
    assert "A2 已由 王经理" in out and "找不到审批 A9" in out
    assert [a[2] for a in await audit(console)] == ["create", "create", "update", "update"]


async def test_an_approval_note_is_labelled_and_reaches_the_requester(approvals_console: Console) -> None:
    console = approvals_console
    await console.say("报价 #1 60万 原价 80万")
    out = await console.say("同意 A1 好的没问题", as_user="wang")
    assert "A1 已同意，备注：好的没问题。已通知申请人。" in out and "原因" not in out
    [request] = await requests(console)
    assert (request.status, request.reason) == (ApprovalStatus.APPROVED, "好的没问题")
    [notice] = [t for r, t, _ in await outbox(console) if r == "zhangwei" and t.startswith("✅")]
    assert notice == "✅ 审批 A1 已同意（王经理）：#1 MES 报价 v1 60万。备注：好的没问题"
    assert "同意，备注：好的没问题，这次没有改动" in await console.say("同意 A1", as_user="wang")


async def test_the_card_joins_its_reasons_with_chinese_punctuation(approvals_console: Console) -> None:
    console = approvals_console
    await console.say("报价 #1 50万 原价 80万 成本 45万")
    [(recipient, text, _)] = await outbox(console, "approval:")
    assert recipient == "wang"
    assert "（折扣 37.5%，超过 15%（原价 80万）；毛利 10%，低于 20%（成本 45万））" in text and "; " not in text


async def test_a_request_whose_approver_left_is_reminded_to_an_admin(approvals_console: Console) -> None:
    console = approvals_console
    await console.say("报价 #1 60万 原价 80万")
    async with console.app.uow_factory() as uow:
        wang = await uow.reps.get(1)
        wang.active = False
        await uow.reps.save(wang)
        await uow.commit()
    assert await remind(console, timedelta(hours=25)) == 1
    [(recipient, text, _)] = await outbox(console, "approval_reminder:")
    assert recipient == "admin" and text.startswith("⏳ A1 已等待你审批 1天1小时\n张伟 提交的报价折扣审批")
    assert "审批人 王经理 已停用，请你代为审批。" in text
    assert await remind(console, timedelta(hours=26)) == 0  # once a day
    assert "A1 已同意" in await console.say("同意 A1", as_user="admin")
    assert (await requests(console))[0].status is ApprovalStatus.APPROVED
    assert await remind(console, timedelta(hours=50)) == 0


async def test_help_names_the_approval_commands_and_the_leaver_handover(approvals_console: Console) -> None:
    console = approvals_console
    for topic in ("帮助 approvals", "帮助 审批", "help approval"):
        out = await console.say(topic)
        assert all(word in out for word in ("审批 同意 A12", "同意 A12", "驳回 A12", "待审批")), topic
    out = await console.say("帮助 handover")
    assert "转给 #12 李娜" in out and "另见 离职交接 张伟 → 李娜" in out
    assert "另见 转给 #12 李娜" in await console.say("帮助 离职交接")
    assert await audit(console) == [] and await outbox(console, "approval") == []


async def test_held_quotes_and_plans_are_marked_on_the_deal_card_and_payment_details(
        approvals_console: Console) -> None:
    console = approvals_console
    await console.say("报价 #1 60万 原价 80万")  # A1: held
    assert "报价    v1 60万（待审批）" in await console.say("#1")
    await console.say("驳回 A1 太低", as_user="wang")
    assert "v1 60万（已驳回）" in await console.say("#1", as_user="zhangwei")
    await console.say("回款计划 #1 10% 2026-12-15 90% 2027-03-01")  # A2: held
    [_, plan] = await requests(console)
    assert (plan.kind, plan.status, plan.subject_id) == (ApprovalKind.PLAN, ApprovalStatus.PENDING, 1)
    assert "回款计划（待审批 A2）：" in await console.say("回款明细 #1")
    assert "（计划待审批 A2）" in await console.say("#1")
    await console.say("同意 A2", as_user="wang")
    out = await console.say("回款明细 #1", as_user="zhangwei")
    assert "回款计划：" in out and "待审批" not in out
    assert [a[2] for a in await audit(console)] == ["create", "update", "create", "update"]


async def test_a_newer_quote_withdraws_the_older_request(approvals_console: Console) -> None:
    console = approvals_console
    await console.say("报价 #1 60万 原价 80万")  # A1 for v1
    out = await console.say("报价 #1 62万")  # v2, still 22.5% off: A2
    assert "A1 已撤回（已被 v2 取代），并通知了审批人。" in out and "已提交审批 A2" in out
    first, second = await requests(console)
    assert (first.status, first.reason, second.status) == (ApprovalStatus.CANCELLED, "已被 v2 取代",
                                                           ApprovalStatus.PENDING)
    assert await quote_states(console) == [ApprovalState.WITHDRAWN, ApprovalState.PENDING]
    assert ("wang", "↩️ A1 已被 v2 取代：#1 MES 报价 v1 60万，无需再审批。") in [
        (r, t) for r, t, _ in await outbox(console)]
    late = await console.say("同意 A1", as_user="wang")
    assert "A1 已由 张伟 于" in late and "撤回，原因：已被 v2 取代，这次没有改动" in late
    assert (await requests(console))[0].status is ApprovalStatus.CANCELLED
    assert "v1 60万（审批已撤回） / v2 62万（待审批）" in await console.say("#1", as_user="zhangwei")
    assert "的审批已撤回，不能发给客户" in await console.say("发报价 #1 v1")
    out = await console.say("撤销")  # undoing v2 puts A1 and v1 back to waiting
    assert out.startswith("已撤销：新建 报价 1 个；恢复 报价 #1") and "已撤回审批 A2" in out
    assert [r.status for r in await requests(console)] == [ApprovalStatus.PENDING, ApprovalStatus.CANCELLED]
    assert await quote_states(console) == [ApprovalState.PENDING]


async def quote_states(console: Console) -> list[ApprovalState]:
    async with console.app.uow_factory() as uow:
        return [q.approval for q in await uow.quotes.for_opportunity(1)]


async def test_the_requester_withdraws_a_waiting_request(approvals_console: Console) -> None:
    console = approvals_console
    await console.say("报价 #1 60万 原价 80万")  # A1
    assert "找不到审批 A1" in await console.say("撤回 A1", as_user="lina")  # not theirs: as if it did not exist
    assert "找不到审批 A1" in await console.say("撤回 A1", as_user="wang")
    assert [a[2] for a in await audit(console)] == ["create"]
    out = await console.say("撤回 A1 客户改主意了", as_user="zhangwei")
    assert "已撤回 A1：#1 MES 报价 v1 60万，并通知了审批人。" in out
    [request] = await requests(console)
    assert (request.status, request.reason, request.decided_by) == (ApprovalStatus.CANCELLED, "客户改主意了", 2)
    assert await quote_states(console) == [ApprovalState.WITHDRAWN]  # still held: never mailed
    assert ("wang", "↩️ A1 已被 张伟 撤回（客户改主意了）：#1 MES 报价 v1 60万，无需再审批。") in [
        (r, t) for r, t, _ in await outbox(console)]
    assert [a[2] for a in await audit(console)] == ["create", "update"]
    assert "撤回，原因：客户改主意了，这次没有改动" in await console.say("同意 A1", as_user="wang")
    assert "这次没有改动" in await console.say("撤回 A1", as_user="zhangwei")  # twice: says so
    out = await console.say("撤销")  # the withdrawal undone: it waits again and the approver is told
    assert "已撤销对 A1 的撤回" in out
    assert (await requests(console))[0].status is ApprovalStatus.PENDING
    assert await quote_states(console) == [ApprovalState.PENDING]
    assert any(r == "wang" and t.startswith("↩️ 张伟 取消了对审批 A1 的撤回：") and "A1 重新等待审批" in t
               for r, t, _ in await outbox(console))
    assert "A1 已同意" in await console.say("同意 A1", as_user="wang")


async def test_a_decided_request_cannot_be_withdrawn_and_bare_withdraw_still_undoes(
        approvals_console: Console) -> None:
    console = approvals_console
    await console.say("报价 #1 60万 原价 80万")
    await console.say("驳回 A1 太低", as_user="wang")
    out = await console.say("撤回 A1", as_user="zhangwei")
    assert "A1 已由 王经理 于" in out and "驳回，原因：太低，这次没有改动" in out
    assert (await requests(console))[0].status is ApprovalStatus.REJECTED
    await console.say("新商机 明途 ERP 50万")
    assert (await console.say("撤回")).startswith("已撤销：新建 商机 1 个")
    async with console.app.uow_factory() as uow:
        assert await uow.opportunities.find(2) is None
