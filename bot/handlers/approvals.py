"""Approvals (审批, issue #14): decide a request (同意 / 驳回 + reason), list what waits (待审批).

The rules and who decides: domain.approvals and domain.permissions; the decision itself:
bot.approval_decisions (also behind the card's buttons, whose keys are these commands).
"""

from __future__ import annotations

import re

from bot import approval_decisions, approval_withdraw
from bot.args import Args
from bot.context import Context
from bot.handlers.common import when
from bot.handlers.undo import undo_last
from bot.registry import command
from bot.reply import Reply
from domain.approvals import KIND_LABELS, ApprovalRequest
from domain.errors import DomainError
from domain.people import Role
from scheduler.approval_push import describe, waited

_REF = re.compile(r"^[Aa](\d{1,9})$")
APPROVE = frozenset({"同意", "通过", "批准", "approve", "yes"})
REJECT = frozenset({"驳回", "拒绝", "不同意", "reject", "no"})


def request_refs(args: Args) -> list[int]:
    """Every A-number among the words (taken out of them), in order; UsageError when there is none."""
    refs = [int(m.group(1)) for token in args.tokens if (m := _REF.match(token))]
    args.tokens[:] = [token for token in args.tokens if not _REF.match(token)]
    if not refs:
        raise args.fail("缺少审批号（如 A12）", "missing the approval number (like A12)")
    return list(dict.fromkeys(refs))


async def decide_all(ctx: Context, args: Args, approve: bool) -> Reply:
    """`同意 A3 A4`: each listed request, one reply line each (one that cannot be decided says why and
    the others still are); a rejection names one request, as its reason is about that one."""
    refs = request_refs(args)
    if len(refs) == 1:
        return await approval_decisions.decide_request(ctx, refs[0], approve, args.rest())
    if not approve:
        raise args.fail("一次驳回一项，并写明原因", "reject one request at a time, with its reason")
    reply, note = Reply(), args.rest()
    for ref in refs:
        try:
            reply += await approval_decisions.decide_request(ctx, ref, True, note)
        except DomainError as error:
            reply += Reply.text(error.message(ctx.locale), error=True)
    return reply


@command("审批", "approval", section="approvals",
         help_zh="同意或驳回一项审批（驳回须写原因）",
         help_en="Approve or reject a request (a rejection needs a reason)",
         usage_zh="审批 同意 A12 / 审批 驳回 A12 原因", usage_en="approval approve A12 / approval reject A12 <reason>")
async def decide(ctx: Context, args: Args) -> Reply:
    word = next((t for t in args.tokens if t.casefold() in APPROVE | REJECT), None)
    if word is None:
        raise args.fail("要写「同意」或「驳回」", "say 'approve' or 'reject'")
    args.tokens.remove(word)
    return await decide_all(ctx, args, word.casefold() in APPROVE)


@command("同意", "approve", section="approvals", prefix=False,
         help_zh="同意一项或几项审批（可附备注）", help_en="Approve one or more requests (a note may follow)",
         usage_zh="同意 A12 [A13] [备注]", usage_en="approve A12 [A13] [note]")
async def approve(ctx: Context, args: Args) -> Reply:
    return await decide_all(ctx, args, True)


@command("驳回", "reject", section="approvals", prefix=False,
         help_zh="驳回一项审批，写明原因", help_en="Reject a request, with the reason",
         usage_zh="驳回 A12 折扣太大", usage_en="reject A12 discount too deep")
async def reject(ctx: Context, args: Args) -> Reply:
    return await decide_all(ctx, args, False)


@command("撤回", "withdraw", section="approvals",
         help_zh="撤回我提交、仍在等待的审批（只写「撤回」：同「撤销」）",
         help_en="Withdraw a request of mine still waiting (bare 'withdraw' undoes my last action)",
         usage_zh="撤回 A12 [原因]", usage_en="withdraw A12 [reason]")
async def withdraw(ctx: Context, args: Args) -> Reply:
    if not args.tokens:  # 撤回 alone: as it always was, undo the last action
        return await undo_last(ctx, args)
    refs = request_refs(args)
    if len(refs) > 1:
        raise args.fail("一次撤回一项", "withdraw one request at a time")
    return await approval_withdraw.withdraw(ctx, refs[0], args.rest())


@command("待审批", "approvals", "pending approvals", section="approvals", writes=False,
         help_zh="查看待我审批的，以及我提交、仍在等待的审批",
         help_en="List requests waiting for me, and mine still waiting",
         usage_zh="待审批", usage_en="approvals")
async def list_approvals(ctx: Context, args: Args) -> Reply:
    if extra := args.rest():
        raise args.fail(f"多余的内容「{extra}」", f"unexpected '{extra}'")
    mine = ctx.uow.approvals
    to_decide = await (mine.all_pending() if ctx.rep.role is Role.ADMIN else mine.to_decide(ctx.rep_id))
    waiting = await mine.waiting(ctx.rep_id)
    if not to_decide and not waiting:
        return Reply.text(ctx.t("没有待审批的事项。", "Nothing is waiting for approval."))
    lines = [ctx.t(f"待我审批（{len(to_decide)}）", f"Waiting for me ({len(to_decide)})")] if to_decide else []
    lines += [_line(ctx, r, to_me=True) for r in to_decide]
    if waiting:
        lines.append(ctx.t(f"我提交的、等待审批（{len(waiting)}）", f"Mine, still waiting ({len(waiting)})"))
        lines += [_line(ctx, r, to_me=False) for r in waiting]
    ref = to_decide[0].ref if to_decide else ""
    footer = ctx.t(f"同意：审批 同意 {ref} · 驳回：审批 驳回 {ref} 原因",
                   f"approval approve {ref} · approval reject {ref} <reason>")
    return Reply.card(ctx.t("待审批", "Approvals"), lines=lines, footer=footer if to_decide else "")


def _line(ctx: Context, request: ApprovalRequest, *, to_me: bool) -> str:
    requester = ctx.directory.rep(request.requester_id)
    approver = ctx.directory.rep(request.approver_id)
    since = when(request.created_at, ctx)
    if to_me:
        return f"  {request.ref} {describe(request, requester.name if requester else '?', ctx.locale)} · {since}"
    label = KIND_LABELS[request.kind][ctx.locale == "en"]
    who = approver.name if approver else "?"
    what = request.asked.get("what_en" if ctx.locale == "en" else "what", "")
    return ctx.t(f"  {request.ref} {label}：{what} · 等待 {who} · 已等 {waited(request, ctx.now, 'zh')}",
                 f"  {request.ref} {label}: {what} · waiting for {who} · {waited(request, ctx.now, 'en')}")
