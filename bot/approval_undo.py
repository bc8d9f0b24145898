"""Undo and approvals (issue #14): `撤销` of a decision, or of what asked for one, is never silent.

- The approver (or admin) undoes a decision: bot.handlers.undo restores the request to pending (and the quote,
  contract, deal amount or handed-over deal with it); the requester, and for a handover the colleague who had
  received the deal, are told the decision was withdrawn and the request waits again.
- The requester undoes what asked for approval (a quote, a contract, a plan, a handover): the request is kept
  as withdrawn (cancelled), so a later `同意 A8` says so, and the approver is told "A8 已被 陈静 撤回".
  When the undo also removes the deal itself, the request goes with it (the approver is still told).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.context import Context
from bot.handlers.sharing import announce
from bot.i18n import Text
from domain.approvals import ApprovalKind, ApprovalRequest, ApprovalStatus
from domain.audit import AuditEntry

# What a decision undone was, by its stored status: (zh, en) as in "撤销对 A7 的同意" / "your approval of A7".
DECISION_WORDS = {ApprovalStatus.APPROVED.value: ("同意", "approval"),
                  ApprovalStatus.REJECTED.value: ("驳回", "rejection"),
                  ApprovalStatus.CANCELLED.value: ("撤回", "withdrawal")}


@dataclass(frozen=True, slots=True)
class Decision:
    """A decision an undo takes back: the request's id and the status it had been given."""

    request_id: int
    status: str


def decisions(entries: list[AuditEntry]) -> list[Decision]:
    """The decisions among an action's audit entries (a pending request's status changed)."""
    found = []
    for entry in entries:
        status = entry.changes.get("status")
        if entry.entity == "approval" and entry.action == "update" and isinstance(status, list) \
                and len(status) == 2 and status[0] == ApprovalStatus.PENDING.value and status[1] in DECISION_WORDS \
                and "superseded_by" not in entry.changes:  # withdrawn with the newer quote: undone with it
            found.append(Decision(entry.entity_id, str(status[1])))
    return found


def _what(request: ApprovalRequest) -> Text:
    return Text(str(request.asked.get("what", "")), str(request.asked.get("what_en", "")))


async def decisions_undone(ctx: Context, undone: list[Decision]) -> Text:
    """After the revert: tell who was told of each decision that it was withdrawn; the undo's reply."""
    zh, en = [], []
    for decision in undone:
        request = await ctx.uow.approvals.find(decision.request_id)
        if request is None:
            continue
        word, what = DECISION_WORDS[decision.status], _what(request)
        zh.append(f"已撤销对 {request.ref} 的{word[0]}：{what.zh}，重新等待审批。")
        en.append(f"Undone: your {word[1]} of {request.ref} ({what.en}); it waits for a decision again.")
        await _tell_withdrawn(ctx, request, decision.status)
    return Text("".join(zh), " ".join(en))


async def _tell_withdrawn(ctx: Context, request: ApprovalRequest, status: str) -> None:
    word, what = DECISION_WORDS[status], _what(request)
    people: list[int | None] = [request.requester_id]
    if status == ApprovalStatus.CANCELLED.value:  # the requester's own withdrawal undone: the approver decides again
        people = [request.approver_id]
    after, after_en = "", ""
    if request.kind is ApprovalKind.TRANSFER and status == ApprovalStatus.APPROVED.value:
        deal = await ctx.uow.opportunities.find(request.opportunity_id)
        owner = ctx.directory.rep(deal.owner_id if deal else None)
        name = owner.name if owner else "?"
        after, after_en = f"，商机 #{request.opportunity_id} 仍由 {name} 负责", \
            f"; deal #{request.opportunity_id} stays with {name}"
        people += [int(request.asked.get("to", 0)) or None, int(request.asked.get("owner") or 0) or None]
    verb = ("取消了", "cancelled") if status == ApprovalStatus.CANCELLED.value else ("撤回了", "withdrew")
    await announce(ctx, people, Text(
        f"↩️ {ctx.rep.name} {verb[0]}对审批 {request.ref} 的{word[0]}：{what.zh}；{request.ref} 重新等待审批{after}。",
        f"↩️ {ctx.rep.name} {verb[1]} the {word[1]} of {request.ref}: {what.en}; {request.ref} waits for a "
        f"decision again{after_en}."))


async def withdraw_request(ctx: Context, request_id: int, entries: list[AuditEntry]) -> bool:
    """The requester's undo of what asked for approval: the approver is told; the request is kept as
    withdrawn (True) unless the undo removes its deal too (False: delete it with the deal)."""
    request = await ctx.uow.approvals.find(request_id)
    if request is None:
        return False
    if request.status is ApprovalStatus.PENDING:
        await announce(ctx, [request.approver_id], Text(
            f"↩️ {request.ref} 已被 {ctx.rep.name} 撤回：{_what(request).zh}，无需再审批。",
            f"↩️ {request.ref} was withdrawn by {ctx.rep.name}: {_what(request).en}; nothing to decide."))
    created = {(e.entity, e.entity_id) for e in entries if e.action == "create"}
    if ("opportunity", request.opportunity_id) in created or request.status is not ApprovalStatus.PENDING:
        return False
    request.status, request.decided_at, request.decided_by = ApprovalStatus.CANCELLED, ctx.now, ctx.rep_id
    request.reason = ""
    await ctx.uow.approvals.save(request)
    return True
