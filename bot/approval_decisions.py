"""Deciding an approval request (issue #14): one home for typed commands, button taps and the reason asked
back. Only the approver or an admin decides (domain.permissions.require_decide); a request one may not see
answers like one that does not exist. A decided request never changes again: a second tap or a replayed
button says what was decided and changes nothing. A rejection needs a reason: without one it is asked for,
and the next message (not a command) is the reason. Every change goes through `ctx.update`, so the decision
is audited and `撤销` takes it back (refused once someone else changed the records since).
"""

from __future__ import annotations

from datetime import timedelta

from bot.approval_transfer import still_applies
from bot.context import Context
from bot.handlers.common import when
from bot.handlers.email import hand_deal_over
from bot.handlers.sharing import announce
from bot.i18n import Text
from bot.reply import Reply
from domain import permissions
from domain.approvals import STATUS_LABELS, ApprovalKind, ApprovalRequest, ApprovalStatus, decide, state_after
from domain.errors import NotFound

ASK_EXPIRY = timedelta(minutes=30)
CANCEL = frozenset({"取消", "算了", "cancel"})


async def visible_request(ctx: Context, ref: int) -> ApprovalRequest:
    """The request, if this person may decide it, or see it once decided (the requester); NotFound for
    anyone who may not see it; NotYourApproval for the requester while it waits."""
    request = await ctx.uow.approvals.find(ref)
    if request is None or permissions.approval_right(ctx.rep, request) is None:
        raise NotFound("审批", f"A{ref}", "approval")
    if request.status is not ApprovalStatus.PENDING:
        return request  # its decision is said to anyone who may see it
    approver = ctx.directory.rep(request.approver_id)
    permissions.require_decide(ctx.rep, request, approver.name if approver else "?")
    return request


async def decide_request(ctx: Context, ref: int, approve: bool, reason: str) -> Reply:
    request = await visible_request(ctx, ref)
    if request.status is not ApprovalStatus.PENDING:
        return decided_already(ctx, request)
    if not approve and not reason.strip():
        return await ask_reason(ctx, request)
    await close_question(ctx)
    ctx.remember("approval", request)
    before = request.status.value
    if request.kind is ApprovalKind.TRANSFER and approve and not await _transfer(ctx, request):
        return await _cancel_stale(ctx, request)
    decide(request, ctx.rep, approve, reason, ctx.now)
    await ctx.update("approval", request, status=[before, request.status.value], reason=request.reason)
    await _mark_subject(ctx, request)
    await _tell_requester(ctx, request)
    label = Text(*STATUS_LABELS[request.status])
    done = ctx.t(f"{request.ref} {label.zh}", f"{request.ref} {label.en}")
    return Reply.text(done + note(ctx, request) + ctx.t("。已通知申请人。", ". The requester was told.")
                      ).settling(label)


def note(ctx: Context, request: ApprovalRequest) -> str:
    """"，备注：…" after an approval, "，原因：…" after a rejection or withdrawal; "" without one."""
    if not request.reason:
        return ""
    if request.status is ApprovalStatus.APPROVED:
        return ctx.t(f"，备注：{request.reason}", f"; note: {request.reason}")
    return ctx.t(f"，原因：{request.reason}", f"; reason: {request.reason}")


def decided_already(ctx: Context, request: ApprovalRequest) -> Reply:
    """A second tap, a replayed button: what was decided, by whom and when; nothing changed."""
    label = Text(*STATUS_LABELS[request.status])
    who = ctx.directory.rep(request.decided_by)
    name = who.name if who else "?"
    at = when(request.decided_at, ctx) if request.decided_at else ""
    on, on_en = (f" 于 {at}", f" at {at}") if at else ("", "")
    reason = note(ctx, request)
    verb = label.zh.removeprefix("已")
    return Reply.text(ctx.t(f"{request.ref} 已由 {name}{on} {verb}{reason}，这次没有改动。",
                            f"{request.ref} was already {label.en} by {name}{on_en}{reason}; nothing changed.")
                      ).settling(label)


def question_key(ctx: Context) -> str:
    return ctx.question_key("approval_reason")


async def ask_reason(ctx: Context, request: ApprovalRequest) -> Reply:
    await ctx.uow.settings.put(question_key(ctx), {"request": request.id,
                                                   "expires": (ctx.now + ASK_EXPIRY).isoformat()})
    return Reply.text(ctx.t(f"驳回 {request.ref} 需要写明原因：请直接回复原因（或回复「取消」）。",
                            f"Rejecting {request.ref} needs a reason: reply with the reason (or 'cancel')."))


async def close_question(ctx: Context) -> None:
    if await ctx.uow.settings.get(question_key(ctx)):
        await ctx.uow.settings.put(question_key(ctx), None)


async def answer_reason(ctx: Context, text: str) -> Reply | None:
    """The router's hook: the reason of a rejection asked for; None when no such question is open."""
    record = await ctx.open_question("approval_reason")
    if record is None:
        return None
    if text.strip().casefold() in CANCEL:
        await close_question(ctx)
        return Reply.text(ctx.t(f"没有驳回 A{record['request']}，它仍在等待审批。",
                                f"A{record['request']} was not rejected; it is still waiting for a decision."))
    return await decide_request(ctx, int(record["request"]), False, text)


async def _mark_subject(ctx: Context, request: ApprovalRequest) -> None:
    """The quote's or contract's approval state follows the decision."""
    if request.subject_id is None or request.kind not in (ApprovalKind.DISCOUNT, ApprovalKind.MARGIN,
                                                          ApprovalKind.CONTRACT):
        return
    entity = "contract" if request.kind is ApprovalKind.CONTRACT else "quote"
    repo = ctx.uow.contracts if entity == "contract" else ctx.uow.quotes
    subject = await repo.find(request.subject_id)
    if subject is None:
        return
    ctx.remember(entity, subject)
    before, subject.approval = subject.approval.value, state_after(request)
    await ctx.update(entity, subject, approval=[before, subject.approval.value])
    if entity == "quote" and request.status is ApprovalStatus.APPROVED:
        await _apply_quote(ctx, request)


async def _apply_quote(ctx: Context, request: ApprovalRequest) -> None:
    """An approved quote sets the deal amount, as an unheld one does at once; not when a later version
    has been quoted since (the deal already carries that one)."""
    quotes = list(await ctx.uow.quotes.for_opportunity(request.opportunity_id))
    deal = await ctx.uow.opportunities.find(request.opportunity_id)
    if deal is None or not quotes or quotes[-1].id != request.subject_id:
        return
    ctx.remember("opportunity", deal)
    deal.amount, deal.updated_at = quotes[-1].amount, ctx.now
    await ctx.update("opportunity", deal, amount=str(deal.amount.amount))


async def _transfer(ctx: Context, request: ApprovalRequest) -> bool:
    """Hand the deal over as asked; False when it changed since (another owner, the colleague gone)."""
    deal = await ctx.uow.opportunities.find(request.opportunity_id)
    to = ctx.directory.rep(int(request.asked.get("to", 0)))
    if deal is None or to is None or not still_applies(request, deal, to):
        return False
    ctx.remember("opportunity", deal)
    previous = deal.owner_id
    await hand_deal_over(ctx, deal, to)
    asker = ctx.directory.rep(request.requester_id)
    name = asker.name if asker else "?"
    await announce(ctx, [to.id], Text(
        f"{name} 把商机 #{deal.id} {deal.name} 转给了你（{ctx.rep.name} 已审批 {request.ref}）",
        f"{name} handed deal #{deal.id} {deal.name} over to you ({ctx.rep.name} approved {request.ref})"))
    if previous not in (request.requester_id, to.id):
        await announce(ctx, [previous], Text(f"你负责的商机 #{deal.id} 已转给 {to.name}（{request.ref}）",
                                             f"Your deal #{deal.id} was handed over to {to.name} ({request.ref})"))
    return True


async def _cancel_stale(ctx: Context, request: ApprovalRequest) -> Reply:
    before = request.status.value
    request.status, request.decided_at, request.decided_by = ApprovalStatus.CANCELLED, ctx.now, ctx.rep.id
    request.reason = ctx.t("商机负责人已变更或接收人已停用", "the deal's owner changed or the colleague left")
    await ctx.update("approval", request, status=[before, request.status.value], reason=request.reason)
    await announce(ctx, [request.requester_id], Text(
        f"转交 {request.ref} 已撤回：商机 #{request.opportunity_id} 的负责人已变更或接收人已停用，没有转交。",
        f"Handover {request.ref} was withdrawn: the owner of deal #{request.opportunity_id} changed or the "
        "colleague left; nothing was handed over."))
    return Reply.text(ctx.t(f"{request.ref} 已撤回：商机的负责人已变更或接收人已停用，没有转交。",
                            f"{request.ref} was withdrawn: the deal's owner changed or the colleague left; "
                            "nothing was handed over."))


async def _tell_requester(ctx: Context, request: ApprovalRequest) -> None:
    what = Text(str(request.asked.get("what", "")), str(request.asked.get("what_en", "")))
    if request.status is ApprovalStatus.APPROVED:
        remark = (f"。备注：{request.reason}", f". Note: {request.reason}") if request.reason else ("", "")
        text = Text(f"✅ 审批 {request.ref} 已同意（{ctx.rep.name}）：{what.zh}{remark[0]}",
                    f"✅ {request.ref} approved by {ctx.rep.name}: {what.en}{remark[1]}")
    else:
        text = Text(f"❌ 审批 {request.ref} 被驳回（{ctx.rep.name}）：{what.zh}。原因：{request.reason}",
                    f"❌ {request.ref} rejected by {ctx.rep.name}: {what.en}. Reason: {request.reason}")
    await announce(ctx, [request.requester_id], text)
