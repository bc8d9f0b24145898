"""A deal handed to someone of another team (issue #14): held until approved, then handed over."""

from __future__ import annotations

from bot.approval_flow import approver_needed, deal_label, submit, submitted
from bot.context import Context
from bot.i18n import Text
from bot.reply import Reply
from domain.approvals import ApprovalKind, ApprovalRequest, transfer_findings
from domain.opportunity import Opportunity
from domain.people import Rep

HELD = Text("审批通过后才会转交，在此之前商机仍由原负责人负责。",
            "The deal is handed over once approved; until then it stays with its owner.")


async def hold(ctx: Context, deal: Opportunity, to: Rep) -> Reply | None:
    """The reply when the handover must wait for approval (or one already waits); None: hand it over now."""
    assert deal.id is not None
    waiting = [r for r in await ctx.uow.approvals.pending_for_deal(deal.id) if r.kind is ApprovalKind.TRANSFER]
    if waiting:
        other = ctx.directory.rep(int(waiting[0].asked.get("to", 0)))
        name = other.name if other else "?"
        return Reply.text(ctx.t(f"#{deal.id} 已有待审批的转交 {waiting[0].ref}（转给 {name}），审批结束前不能再转交。",
                                f"#{deal.id} already has a handover waiting for approval ({waiting[0].ref}, to "
                                f"{name}); it cannot be handed over again until that is decided."), error=True)
    from_team = deal.team_id if deal.team_id is not None else ctx.directory.team_of.get(deal.owner_id or 0)
    names = {t.id: t.name for t in ctx.directory.teams if t.id is not None}
    findings = transfer_findings(ctx.settings.approvals, from_team, to, names)
    approver = approver_needed(ctx, findings)
    if approver is None:
        return None
    what = Text(f"{deal_label(deal)} 转给 {to.name}", f"{deal_label(deal)} to {to.name}")
    request = await submit(ctx, deal, findings, approver, what, None, to=to.id, owner=deal.owner_id)
    return Reply.text(submitted(ctx, request, approver, HELD))


def still_applies(request: ApprovalRequest, deal: Opportunity | None, to: Rep | None) -> bool:
    """The deal is still with the owner it had when the handover was asked, and the new owner is active."""
    return deal is not None and deal.owner_id == request.asked.get("owner") and to is not None and to.active
