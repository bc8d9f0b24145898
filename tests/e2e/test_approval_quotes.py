"""Approvals of quotes end to end on SQLite and PostgreSQL (issue #14): a quote too far below its list price
or under the margin is stored pending, its card goes to the manager, the rep is told the outcome; a decided
request never changes again; someone else's decision changes nothing; a pending quote is never mailed."""

from __future__ import annotations

from decimal import Decimal

from bot.mail.identity import MailIdentity, store_identity
from domain.approval_state import ApprovalState
from domain.approvals import ApprovalKind, ApprovalStatus
from domain.customer import Contact
from tests.e2e.approvals_world import audit, outbox, requests
from tests.e2e.harness import Console


async def quote_state(console: Console) -> list[tuple[int, ApprovalState]]:
    async with console.app.uow_factory() as uow:
        return [(q.version, q.approval) for q in await uow.quotes.for_opportunity(1)]


async def deal_amount(console: Console) -> Decimal | None:
    async with console.app.uow_factory() as uow:
        deal = await uow.opportunities.get(1)
        return deal.amount.amount if deal.amount else None


async def mails(console: Console) -> list[tuple[str, str, dict[str, object]]]:
    return [row for row in await outbox(console) if "@" in row[0]]


async def test_a_deep_discount_waits_for_the_manager_who_approves_it(approvals_console: Console) -> None:
    console = approvals_console
    out = await console.say("报价 #1 60万 原价 80万 含三年运维")
    assert "已提交审批 A1，等待 王经理 审批（折扣 25%，超过 15%（原价 80万））" in out
    assert "[→ wang] 📝 审批 A1\n张伟 提交的报价折扣审批：#1 MES 报价 v1 60万" in out
    assert "回复：审批 同意 A1 / 审批 驳回 A1 原因" in out  # the console shows no buttons: the typed commands
    [request] = await requests(console)
    assert (request.kind, request.status, request.subject_id, request.asked["version"]) == (
        ApprovalKind.DISCOUNT, ApprovalStatus.PENDING, 1, 1)
    assert await quote_state(console) == [(1, ApprovalState.PENDING)]
    assert "v1 60万 2026年11月24日(今天 周二) 含三年运维 · 待审批" in await console.say("报价历史 #1")
    assert await deal_amount(console) == Decimal(800000)  # held: the deal keeps its amount
    [(recipient, _, extra)] = await outbox(console, "approval:")
    assert recipient == "wang" and extra["card"] == "A1" and "buttons" not in extra
    out = await console.say("审批 同意 A1", as_user="wang")
    assert "A1 已同意。已通知申请人。" in out and "[→ zhangwei] ✅ 审批 A1 已同意（王经理）：#1 MES 报价 v1 60万" in out
    [request] = await requests(console)
    assert (request.status, request.reason, request.decided_by) == (ApprovalStatus.APPROVED, "", 1)
    assert await quote_state(console) == [(1, ApprovalState.APPROVED)]
    assert await deal_amount(console) == Decimal(600000)  # approved: the quote sets the deal amount
    assert "待审批" not in await console.say("报价历史 #1")
    assert [a[2] for a in await audit(console)] == ["create", "update"]
    again = await console.say("审批 同意 A1", as_user="wang")  # a double tap
    assert "A1 已由 王经理 于 2026年11月24日(今天 周二) 10:00 同意，这次没有改动。" in again
    assert "A1 已由 王经理" in await console.say("驳回 A1 太便宜", as_user="wang")  # the other button, replayed
    assert [a[2] for a in await audit(console)] == ["create", "update"]
    assert (await requests(console))[0].status is ApprovalStatus.APPROVED


async def test_a_low_margin_is_rejected_with_the_reason_asked_for(approvals_console: Console) -> None:
    console = approvals_console
    assert "毛利 10%，低于 20%" in await console.say("报价 #1 50万 成本 45万")
    out = await console.say("审批 驳回 A1", as_user="wang")  # the 驳回 button carries no reason
    assert "驳回 A1 需要写明原因" in out
    assert (await requests(console))[0].status is ApprovalStatus.PENDING and len(await audit(console)) == 1
    out = await console.say("毛利太低，成本要再核", as_user="wang")
    assert "A1 已驳回，原因：毛利太低，成本要再核" in out
    assert "[→ zhangwei] ❌ 审批 A1 被驳回（王经理）：#1 MES 报价 v1 50万。原因：毛利太低，成本要再核" in out
    [request] = await requests(console)
    assert (request.kind, request.status, request.reason) == (ApprovalKind.MARGIN, ApprovalStatus.REJECTED,
                                                               "毛利太低，成本要再核")
    assert await quote_state(console) == [(1, ApprovalState.REJECTED)]
    assert await deal_amount(console) == Decimal(800000)  # rejected: the amount is as it was
    assert "已由 王经理" in await console.say("同意 A1", as_user="wang")
    assert (await requests(console))[0].status is ApprovalStatus.REJECTED


async def test_no_one_else_may_decide_and_nothing_changes(approvals_console: Console) -> None:
    console = approvals_console
    await console.say("报价 #1 60万 原价 80万")
    assert "找不到审批 A1" in await console.say("审批 同意 A1", as_user="lina")  # a colleague: it does not exist
    assert "No approval A1 found" in await console.say("approve A1", as_user="chen")  # another team's rep
    assert "A1 等待 王经理 审批，只有 王经理 或管理员可以决定" in await console.say("同意 A1", as_user="zhangwei")
    assert "找不到审批 A9" in await console.say("同意 A9", as_user="wang")
    [request] = await requests(console)
    assert request.status is ApprovalStatus.PENDING and len(await audit(console)) == 1
    assert await quote_state(console) == [(1, ApprovalState.PENDING)]
    out = await console.say("驳回 A1 价格不合规", as_user="admin")  # an admin may decide any request
    assert "A1 已驳回" in out and (await requests(console))[0].decided_by == 5
    sent = len(await outbox(console))
    out = await console.say("reject A1 no", as_user="zhangwei")  # the requester, once decided: the decision
    assert "A1 已由 管理员 于 2026年11月24日(今天 周二) 10:00 驳回，原因：价格不合规，这次没有改动" in out
    assert "找不到审批 A1" in await console.say("驳回 A1 不行", as_user="lina")  # still nothing to a colleague
    assert len(await audit(console)) == 2
    assert [r[0] for r in (await outbox(console))[sent:]] == ["zhangwei", "lina"]  # only the two replies


async def test_a_quote_within_the_rules_or_by_an_admin_needs_no_approval(approvals_console: Console) -> None:
    console = approvals_console
    out = await console.say("报价 #1 72万 原价 80万 成本 40万")  # 10% off, 44% margin
    assert "审批" not in out and await requests(console) == []
    assert await quote_state(console) == [(1, ApprovalState.NONE)]
    await console.say("报价 #1 50万", as_user="admin")  # the list price carries over from v1: 37.5% off
    assert await requests(console) == [] and (await quote_state(console))[-1] == (2, ApprovalState.NONE)
    assert "已提交审批 A1" in await console.say("报价 #1 60万", as_user="zhangwei")  # carried over: 25% off


async def test_a_pending_quote_is_never_mailed(approvals_console: Console) -> None:
    console = approvals_console
    async with console.app.uow_factory() as uow:
        await store_identity(uow, MailIdentity("sales@dealbot.cn"))
        await uow.contacts.add(Contact(customer_id=1, name="何总", email="he@mingtu.com"))
        await uow.commit()
    await console.say("报价 #1 60万 原价 80万")
    assert await mails(console) == []
    out = await console.say("发报价 #1")
    assert "#1 的报价 v1 正在等待审批，不能发给客户" in out
    out = await console.say("邮件 #1 何总您好，附上最新报价，请查收")
    assert "不能发给客户" in out
    assert await mails(console) == []  # no mail queued
    await console.say("审批 同意 A1", as_user="wang")
    assert "报价 v1 已排队发送 · #1" in await console.say("发报价 #1", as_user="zhangwei")
    [mail] = await mails(console)
    assert mail[0] == "何总 <he@mingtu.com>" and "报价 v1：60万" in mail[1]


async def test_undoing_a_decision_tells_the_requester_and_restores_the_amount(approvals_console: Console) -> None:
    console = approvals_console
    await console.say("报价 #1 60万 原价 80万")
    await console.say("同意 A1", as_user="wang")
    assert await deal_amount(console) == Decimal(600000)
    out = await console.say("撤销", as_user="wang")
    assert "已撤销对 A1 的同意：#1 MES 报价 v1 60万，重新等待审批。" in out
    [request] = await requests(console)
    assert (request.status, request.decided_by) == (ApprovalStatus.PENDING, None)
    assert await quote_state(console) == [(1, ApprovalState.PENDING)]
    assert await deal_amount(console) == Decimal(800000)
    told = [(r, t) for r, t, _ in await outbox(console) if "撤回了" in t]
    assert told == [("zhangwei", "↩️ 王经理 撤回了对审批 A1 的同意：#1 MES 报价 v1 60万；A1 重新等待审批。")]
    assert "A1 已驳回" in await console.say("驳回 A1 再谈谈", as_user="wang")
    assert "已撤销对 A1 的驳回" in await console.say("撤销", as_user="wang")  # a rejection undone the same way
    assert (await requests(console))[0].status is ApprovalStatus.PENDING
    assert await deal_amount(console) == Decimal(800000)
    assert [t for r, t, _ in await outbox(console) if "撤回了" in t][-1].startswith("↩️ 王经理 撤回了对审批 A1 的驳回")


async def test_a_later_version_withdraws_the_older_request_and_keeps_its_amount(approvals_console: Console) -> None:
    console = approvals_console
    await console.say("报价 #1 60万 原价 80万")  # v1 held
    await console.say("报价 #1 70万")  # v2: 12.5% off, within the rules: the deal takes it at once
    assert await deal_amount(console) == Decimal(700000)
    assert "已被 v2 取代，这次没有改动" in await console.say("同意 A1", as_user="wang")  # A1 withdrawn by v2
    assert await deal_amount(console) == Decimal(700000)
    assert await quote_state(console) == [(1, ApprovalState.WITHDRAWN), (2, ApprovalState.NONE)]
    assert [a[0] for a in await audit(console, "opportunity")].count("opportunity") == 2  # created, then v2
