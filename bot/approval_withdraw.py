"""`撤回 A9` / `withdraw A9` (issue #14, QA2 #2): the requester takes back a request still waiting.

The request is cancelled (a reason may follow), audited and undoable; the approver is told "A9 已被 张伟 撤回".
A withdrawn quote or contract stays held, marked withdrawn: never mailed, never counted as signed, and a new
quote (or contract) is the way to ask again. Anyone but the requester is answered as if the request did not
exist; a decided request says its decision and changes nothing.
"""

from __future__ import annotations

from bot.approval_decisions import decided_already
from bot.context import Context
from bot.handlers.sharing import announce
from bot.i18n import Text
from bot.reply import Reply
from domain.approval_state import ApprovalState
from domain.approvals import ApprovalKind, ApprovalRequest, ApprovalStatus
from domain.errors import NotFound


async def withdraw(ctx: Context, ref: int, reason: str) -> Reply:
    request = await ctx.uow.approvals.find(ref)
    if request is None or request.requester_id != ctx.rep_id:
        raise NotFound("审批", f"A{ref}", "approval")
    if request.status is not ApprovalStatus.PENDING:
        return decided_already(ctx, request)
    ctx.remember("approval", request)
    request.status, request.decided_at, request.decided_by = ApprovalStatus.CANCELLED, ctx.now, ctx.rep_id
    request.reason = reason.strip()
    await ctx.update("approval", request, status=[ApprovalStatus.PENDING.value, request.status.value],
                     reason=request.reason)
    held = await _hold_subject(ctx, request)
    what = Text(str(request.asked.get("what", "")), str(request.asked.get("what_en", "")))
    why = (f"（{request.reason}）", f" ({request.reason})") if request.reason else ("", "")
    await announce(ctx, [request.approver_id], Text(
        f"↩️ {request.ref} 已被 {ctx.rep.name} 撤回{why[0]}：{what.zh}，无需再审批。",
        f"↩️ {request.ref} was withdrawn by {ctx.rep.name}{why[1]}: {what.en}; nothing to decide."))
    after = ctx.t("它不能发给客户，也不计为已签约；需要时请重新报价或登记合同。",
                  " It cannot be mailed nor counts as signed; quote again or record the contract again if needed.") \
        if held else ""
    return Reply.text(ctx.t(f"已撤回 {request.ref}：{what.zh}，并通知了审批人。",
                            f"Withdrew {request.ref}: {what.en}; the approver was told.") + after)


async def _hold_subject(ctx: Context, request: ApprovalRequest) -> bool:
    """The withdrawn quote or contract is marked withdrawn (still held); True when there was one."""
    if request.subject_id is None or request.kind not in (ApprovalKind.DISCOUNT, ApprovalKind.MARGIN,
                                                          ApprovalKind.CONTRACT):
        return False
    entity = "contract" if request.kind is ApprovalKind.CONTRACT else "quote"
    repo = ctx.uow.contracts if entity == "contract" else ctx.uow.quotes
    subject = await repo.find(request.subject_id)
    if subject is None:
        return False
    ctx.remember(entity, subject)
    before, subject.approval = subject.approval.value, ApprovalState.WITHDRAWN
    await ctx.update(entity, subject, approval=[before, subject.approval.value])
    return True
