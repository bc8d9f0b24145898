"""Handover when people leave (离职交接): the use case behind `离职交接 张伟 → 李娜`, and its undo.

One transaction: the leaver's book moves by set-based statements (storage.repositories.handover), pending
approvals through the approvals port (`bot.handover_approvals`), the leaver's account is closed unless asked to
keep it, one audit entry (entity "handover") records every id changed so `撤销` / undo moves them back, and a
summary goes to the successor, the leaver, the managers of both teams (outbox rows) and the asker (the reply).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Protocol, cast

from bot.context import Context
from bot.handover_approvals import StoredApprovals
from bot.i18n import Text
from domain.audit import AuditEntry
from domain.errors import DomainError
from domain.handover import (
    ApprovalsMoved,
    ApprovalsPort,
    HandoverRefused,
    HandoverRepository,
    MovedBook,
    NothingToHandOver,
    PendingApproval,
)
from domain.handover_text import HandoverOutcome, summary
from domain.people import Rep, Role
from domain.permissions import handover_refusal

HANDOVER = "handover"  # the audit entity (entity_id: the leaver) and action


class HandoverUnitOfWork(Protocol):
    handover: HandoverRepository


def book_repository(ctx: Context) -> HandoverRepository:
    return cast(HandoverUnitOfWork, ctx.uow).handover


def approvals_port(ctx: Context) -> ApprovalsPort:
    port = ctx.settings.handover_approvals
    return cast(ApprovalsPort, port) if port is not None else StoredApprovals()


def check(ctx: Context, leaver: Rep, successor: Rep) -> None:
    """Every refusal that needs no database: rights, the same person twice, an inactive successor."""
    if (reason := handover_refusal(ctx.rep, leaver, successor, ctx.directory.teams)) is not None:
        raise HandoverRefused(*reason)
    if leaver.id == successor.id:
        raise HandoverRefused(f"交接人和接手人都是 {leaver.name}，请写两个不同的人",
                              f"{leaver.name} cannot hand over to themselves; name two different people")
    if not successor.active:
        raise HandoverRefused(f"{successor.name} 的账号已停用，不能接手，请选择在职的同事",
                              f"{successor.name} is inactive and cannot take over; choose an active colleague")


async def hand_over_book(ctx: Context, leaver: Rep, successor: Rep, keep_account: bool) -> HandoverOutcome:
    check(ctx, leaver, successor)
    assert leaver.id is not None and successor.id is not None
    repo = book_repository(ctx)
    preview = await repo.preview(leaver.id)
    moved = await repo.move(leaver.id, successor.id, successor.team_id)
    approvals = await approvals_port(ctx).move(ctx.uow, leaver.id, successor.id)
    if moved.total == 0 and not approvals.moved:
        raise await _nothing(ctx, leaver, approvals)
    account = await _close_account(ctx, leaver, keep_account)
    ctx.audit_log.append(AuditEntry(
        actor_id=ctx.rep.id, entity=HANDOVER, entity_id=leaver.id, action=HANDOVER, at=ctx.now, batch=ctx.batch,
        changes={"from": leaver.id, "to": successor.id, "to_name": successor.name, "account": account,
                 "moved": moved.to_json(), "approvals": dict(approvals.undo)}))
    managed = tuple(t.name for t in ctx.directory.teams if t.manager_id is not None and t.manager_id == leaver.id)
    outcome = HandoverOutcome(ctx.rep.name, leaver.name, successor.name, preview, moved, approvals, account, managed)
    text = Text(summary(outcome, "zh"), summary(outcome, "en"))
    for rep_id in _recipients(ctx, leaver, successor):
        await ctx.notify(rep_id, text)
    return outcome


async def _nothing(ctx: Context, leaver: Rep, approvals: ApprovalsMoved) -> NothingToHandOver:
    """Nothing left: say so, when an earlier handover took it, to whom and when (a double submission), and
    which approvals still wait for the leaver's decision."""
    assert leaver.id is not None
    earlier = [e for e in await ctx.uow.audit.for_entity(HANDOVER, leaver.id) if e.action == HANDOVER]
    already = already_en = stuck = stuck_en = ""
    if earlier:
        at = earlier[-1].at.astimezone(ctx.now.tzinfo).strftime("%Y-%m-%d %H:%M")
        to = str(earlier[-1].changes.get("to_name", "?"))
        already, already_en = f"（已于 {at} 交接给 {to}）", f" (already handed over to {to} at {at})"
    if approvals.stuck:
        refs = ", ".join(a.ref for a in approvals.stuck)
        stuck = f"仍有审批等待 {leaver.name} 决定：{refs}，请管理员决定（审批 同意/驳回）。"
        stuck_en = f" Still waiting for {leaver.name}'s decision: {refs}; an admin decides them (approve / reject)."
    return NothingToHandOver(leaver=leaver.name, already=already, already_en=already_en, stuck=stuck,
                             stuck_en=stuck_en)


async def _close_account(ctx: Context, leaver: Rep, keep: bool) -> str:
    if not leaver.active:
        return "inactive"
    if keep:
        return "kept"
    await ctx.uow.reps.save(replace(leaver, active=False, identities=dict(leaver.identities),
                                    regions=list(leaver.regions)))
    return "deactivated"


def _recipients(ctx: Context, leaver: Rep, successor: Rep) -> list[int]:
    """The successor, the leaver, and the managers of both teams; once each (ctx.notify skips the asker)."""
    people = [successor.id, leaver.id]
    for team_id in dict.fromkeys((leaver.team_id, successor.team_id)):
        team = next((t for t in ctx.directory.teams if t.id == team_id), None)
        if team is not None and team.manager_id is not None:
            people.append(team.manager_id)
        people += [r.id for r in ctx.directory.reps
                   if team_id is not None and r.team_id == team_id and r.role is Role.MANAGER and r.active]
    return [p for p in dict.fromkeys(people) if p is not None]


async def refuse_after_handover(ctx: Context, entries: list[AuditEntry], conflict: type[DomainError]) -> None:
    """This person's book was handed over after the action they want to undo (they kept their account):
    restoring its records would take them back from the successor. Refused, naming who did the handover."""
    first = min((e.id or 0) for e in entries) if entries else 0
    for later in await ctx.uow.audit.for_entity(HANDOVER, ctx.rep_id):
        if later.action == HANDOVER and (later.id or 0) > first:
            other = ctx.directory.rep(later.actor_id)
            raise conflict(who=other.name if other else "?")


async def undo_handover(ctx: Context, entry: AuditEntry) -> Text:
    """Move back what the handover moved and the successor still holds; reopen the leaver's account."""
    leaver_id, successor_id = int(entry.changes["from"]), int(entry.changes["to"])
    moved = MovedBook.from_json(entry.changes.get("moved", {}))
    result = await book_repository(ctx).restore(moved, leaver_id, successor_id)
    await approvals_port(ctx).restore(ctx.uow, entry.changes.get("approvals", {}), leaver_id, successor_id)
    leaver = await ctx.uow.reps.get(leaver_id)
    if entry.changes.get("account") == "deactivated" and not leaver.active:
        leaver.active = True
        await ctx.uow.reps.save(leaver)
    await ctx.uow.audit.mark_undone(entry.batch)
    kept = (f"；{result.kept} 条记录此后已被改动，仍留在接手人名下" if result.kept else "",
            f"; {_records(result.kept)} changed since {'stays' if result.kept == 1 else 'stay'} with the successor"
            if result.kept else "")
    text = Text(f"{ctx.rep.name} 撤销了 {leaver.name} 的离职交接：{result.restored} 条记录已归还{kept[0]}。",
                f"{ctx.rep.name} undid {leaver.name}'s handover: {_records(result.restored)} moved back{kept[1]}.")
    successor = await ctx.uow.reps.get(successor_id)
    for rep_id in _recipients(ctx, leaver, successor):  # everyone the handover told
        await ctx.notify(rep_id, text)
    return Text(f"已撤销 {leaver.name} 的离职交接：{result.restored} 条记录已归还{kept[0]}。",
                f"Undone: {leaver.name}'s handover; {_records(result.restored)} moved back{kept[1]}.")


def _records(count: int) -> str:
    return f"{count} record" if count == 1 else f"{count} records"


__all__ = ["ApprovalsMoved", "PendingApproval", "check", "hand_over_book", "refuse_after_handover", "undo_handover"]
