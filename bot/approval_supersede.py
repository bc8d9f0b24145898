"""A newer quote version supersedes the older ones still waiting for approval (issue #14, QA2 #11): their
requests are withdrawn (cancelled, "已被 v5 取代"), the quotes marked withdrawn (never mailed, never
approved), the approver told; a late decision says so. Audited through `ctx.update`, so undoing the new
quote puts them back to waiting."""

from __future__ import annotations

from bot.context import Context
from bot.handlers.sharing import announce
from bot.i18n import Text
from domain.approval_state import ApprovalState
from domain.approvals import ApprovalKind, ApprovalRequest, ApprovalStatus
from domain.quote import Quote

QUOTE_KINDS = (ApprovalKind.DISCOUNT, ApprovalKind.MARGIN)


async def supersede(ctx: Context, quote: Quote) -> list[ApprovalRequest]:
    """Withdraw the deal's pending quote requests about older versions than `quote`; those withdrawn."""
    withdrawn = []
    for request in await ctx.uow.approvals.pending_for_deal(quote.opportunity_id):
        if request.kind not in QUOTE_KINDS or request.subject_id == quote.id:
            continue
        ctx.remember("approval", request)
        request.status, request.decided_at, request.decided_by = ApprovalStatus.CANCELLED, ctx.now, ctx.rep_id
        request.reason = ctx.t(f"已被 v{quote.version} 取代", f"superseded by v{quote.version}")
        await ctx.update("approval", request, status=[ApprovalStatus.PENDING.value, request.status.value],
                         reason=request.reason, superseded_by=quote.version)
        await _withdraw_quote(ctx, request)
        what = Text(str(request.asked.get("what", "")), str(request.asked.get("what_en", "")))
        await announce(ctx, [request.approver_id], Text(
            f"↩️ {request.ref} 已被 v{quote.version} 取代：{what.zh}，无需再审批。",
            f"↩️ {request.ref} was superseded by v{quote.version}: {what.en}; nothing to decide."))
        withdrawn.append(request)
    return withdrawn


async def _withdraw_quote(ctx: Context, request: ApprovalRequest) -> None:
    old = await ctx.uow.quotes.find(request.subject_id) if request.subject_id is not None else None
    if old is None:
        return
    ctx.remember("quote", old)
    before, old.approval = old.approval.value, ApprovalState.WITHDRAWN
    await ctx.update("quote", old, approval=[before, old.approval.value])
