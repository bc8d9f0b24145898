"""Holding a change for approval (issue #14): one home for quotes, contracts, payment plans and handovers.

`approver_needed` says who must approve what a rule caught (None: nothing to approve; NoApprover when
someone must and nobody can), before anything is written; `submit` then stores the request (audited, so
undoing the change removes it too) and queues the card to the approver through the outbox.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.context import Context
from bot.i18n import Text
from domain.approval_state import ApprovalState
from domain.approvals import ApprovalRequest, Finding, NoApprover, approver_for, needs_approval
from domain.opportunity import Opportunity
from domain.people import Rep
from scheduler.approval_push import approval_push
from scheduler.push import push


def approver_needed(ctx: Context, findings: Sequence[Finding]) -> Rep | None:
    """Who must approve what the rules caught; None when nothing needs approval (no finding, approvals
    off, an admin acting). NoApprover when it needs approval and nobody can give it: nothing is written."""
    rules = ctx.settings.approvals
    if not findings or not needs_approval(rules, ctx.rep):
        return None
    approver = approver_for(rules, ctx.rep, ctx.directory.reps, ctx.directory.teams)
    if approver is None or approver.id is None:
        raise NoApprover(what="；".join(f.zh for f in findings), what_en="; ".join(f.en for f in findings))
    return approver


async def submit(ctx: Context, opp: Opportunity, findings: Sequence[Finding], approver: Rep,
                 what: Text, subject_id: int | None = None, **asked: Any) -> ApprovalRequest:
    """Store the request and queue its card to `approver`."""
    assert opp.id is not None and approver.id is not None
    request = await ctx.uow.approvals.add(ApprovalRequest(
        opportunity_id=opp.id, kind=findings[0].kind, requester_id=ctx.rep_id, approver_id=approver.id,
        subject_id=subject_id, created_at=ctx.now,
        asked={**asked, "what": what.zh, "what_en": what.en, "why": [f.zh for f in findings],
               "why_en": [f.en for f in findings]}))
    await ctx.audit("approval", request.id, "create", kind=request.kind.value, approver=approver.id,
                    subject=subject_id)
    await send_card(ctx, request, approver)
    return request


async def send_card(ctx: Context, request: ApprovalRequest, approver: Rep) -> None:
    target = approver.preferred_channel(ctx.settings.channel_order)
    with_buttons = target is not None and target[0] in ctx.settings.card_channels
    requester = ctx.directory.rep(request.requester_id)
    card = approval_push(request, requester.name if requester else "?", approver.locale, with_buttons)
    await push(ctx.uow, approver, card, ctx.now, default_quiet=ctx.settings.quiet_hours,
               order=ctx.settings.channel_order)


HELD = Text("审批通过前不能发给客户，也不改变商机金额。",
            "Until approved it cannot be mailed and does not change the deal amount.")
CONTRACT_HELD = Text("审批通过前不计为已签约。", "Until approved it does not count as signed.")


def submitted(ctx: Context, request: ApprovalRequest, approver: Rep, after: Text = HELD) -> str:
    """What the rep is told: "已提交审批 A12，等待 王经理 审批", why, and what waits for it."""
    en = ctx.locale == "en"
    why = ("; " if en else "；").join(str(w) for w in request.asked.get("why_en" if en else "why", []))
    return ctx.t(f"⏳ 已提交审批 {request.ref}，等待 {approver.name} 审批（{why}）。{after.zh}",
                 f"⏳ Sent for approval as {request.ref}, waiting for {approver.name} ({why}). {after.en}")


_STATE_WORDS = {ApprovalState.PENDING: ("待审批", "awaiting approval"),
                ApprovalState.WITHDRAWN: ("审批已撤回", "approval withdrawn"),
                ApprovalState.REJECTED: ("已驳回", "approval rejected")}


def state_note(ctx: Context, state: ApprovalState) -> str:
    """" · 待审批" / " · 已驳回" after a quote or contract that is held; "" otherwise."""
    zh, en = _STATE_WORDS.get(state, ("", ""))
    return ctx.t(f" · {zh}", f" · {en}") if zh else ""


def state_tag(ctx: Context, state: ApprovalState) -> str:
    """"（待审批）" / "（已驳回）" after a held quote in a compact list (the deal card); "" otherwise."""
    zh, en = _STATE_WORDS.get(state, ("", ""))
    return ctx.t(f"（{zh}）", f" ({en})") if zh else ""


def deal_label(opp: Opportunity) -> str:
    return f"#{opp.id} {opp.name}"
