"""Undo: revert the whole of one's last action, from the audit trail.

Refused when someone else changed a record of that action since (corrections use the same check). A new
record that another record now depends on (a contact a colleague's deal uses, a customer with a colleague's
deal) is kept, and the reply says which and why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bot import approval_undo
from bot.args import Args
from bot.context import Context
from bot.entities import ENTITIES, repository
from bot.errors import NothingToUndo, UndoConflict
from bot.handover import HANDOVER, refuse_after_handover, undo_handover
from bot.registry import command
from bot.reply import Reply
from bot.undo_summary import undone_summary
from bot.usage.trace import capture_key, is_capture_batch
from domain.audit import UNDO_ACTION, AuditEntry
from domain.dependencies import DEPENDENTS, LABELS, label
from domain.snapshot import restore
from domain.usage import UNDO, UNDO_OF_CAPTURE
from domain.webhook_events import UndoneChanges

UNDO_WINDOW = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Kept:
    """A record undo did not delete: `count` rows of `used_by` still point at it."""

    entity: str
    entity_id: int
    used_by: str
    count: int

    def describe(self, locale: str) -> str:
        what, user = label(self.entity, self.entity_id, locale), LABELS[self.used_by][locale == "en"]
        if locale == "en":
            return f"Kept {what}: {self.count} {user} record{'s' if self.count != 1 else ''} still " \
                   f"use{'s' if self.count == 1 else ''} it."
        return f"保留了{what}：仍有 {self.count} 条{user}记录在使用它。"


@command("撤销", "undo", section="general",
         help_zh="撤销我上一次的操作（全部改动）", help_en="Undo my last action (all of its changes)",
         usage_zh="撤销", usage_en="undo")
async def undo_last(ctx: Context, args: Args) -> Reply:
    ctx.usage.note(UNDO)
    entries = await undoable(ctx)
    if not entries:
        raise NothingToUndo()
    if is_capture_batch(await ctx.uow.settings.get(capture_key(ctx.rep_id)), entries[0].batch):
        ctx.usage.target = UNDO_OF_CAPTURE  # a free-text capture taken back (the undo rate of capture)
    if entries[0].entity == HANDOVER:  # a leaver's whole book: moved back set-based (bot.handover)
        return Reply.text((await undo_handover(ctx, entries[0])).get(ctx.locale))
    await refuse_if_changed_since(ctx, entries)
    decisions = approval_undo.decisions(entries)  # an approver's decision: those it concerned are told
    kept = await revert(ctx, entries)
    if decisions:
        return Reply.text((await approval_undo.decisions_undone(ctx, decisions)).get(ctx.locale))
    reply = Reply.text(undone_summary(entries, {(k.entity, k.entity_id) for k in kept}).get(ctx.locale))
    return reply + kept_reply(ctx, kept) + withdrawn_reply(ctx, entries)


def withdrawn_reply(ctx: Context, entries: list[AuditEntry]) -> Reply:
    """The approval requests the undo withdrew (their approvers were told: bot.approval_undo)."""
    refs = [f"A{e.entity_id}" for e in entries if e.entity == "approval" and e.action == "create"]
    return Reply.text(ctx.t(f"已撤回审批 {'、'.join(refs)}，并通知了审批人。",
                            f"Approval {', '.join(refs)} withdrawn; the approver was told.")) if refs else Reply()


def kept_reply(ctx: Context, kept: list[Kept]) -> Reply:
    return Reply.text(*(k.describe(ctx.locale) for k in kept)) if kept else Reply()


async def undoable(ctx: Context) -> list[AuditEntry]:
    """The entries of this person's last action, if it is recent enough to undo."""
    entries = [e for e in await ctx.uow.audit.last_batch(ctx.rep_id) if e.entity in ENTITIES or e.entity == HANDOVER]
    return entries if entries and ctx.now - entries[0].at <= UNDO_WINDOW else []


async def refuse_if_changed_since(ctx: Context, entries: list[AuditEntry],
                                  conflict: type[UndoConflict] = UndoConflict) -> None:
    """Someone else changed a record of this action later: restoring it would silently drop their change."""
    await refuse_after_handover(ctx, entries, conflict)
    for entry in entries:
        for later in await ctx.uow.audit.for_entity(entry.entity, entry.entity_id):
            if (later.id or 0) > (entry.id or 0) and later.actor_id != ctx.rep_id:
                other = ctx.directory.rep(later.actor_id)
                raise conflict(who=other.name if other else "?")


async def revert(ctx: Context, entries: list[AuditEntry]) -> list[Kept]:
    """Undo `entries` (newest first: children go before their parents); the new records kept, if any. What
    had raised webhook events raises change.undone (and a deal's stage back) in this transaction."""
    kept: list[Kept] = []
    undone = UndoneChanges(by=ctx.rep_id)
    changed: dict[tuple[str, int], AuditEntry] = {}  # what `updated_since` of the open API reads
    for entry in entries:
        repo = repository(ctx.uow, entry.entity)
        if entry.action == "create":
            if entry.entity == "approval" and await approval_undo.withdraw_request(ctx, entry.entity_id, entries):
                continue  # kept as withdrawn, so a late decision says so
            if (obj := await repo.find(entry.entity_id)) is None:
                continue
            if (reason := await still_used(ctx, entry.entity, entry.entity_id)) is not None:
                kept.append(reason)
            else:
                undone.note(entry, obj)
                await repo.delete(obj)
        elif "before" in entry.changes:
            undone.note(entry)
            await repo.save(put_back(ctx, entry))
            changed.setdefault((entry.entity, entry.entity_id), AuditEntry(
                ctx.rep_id, entry.entity, entry.entity_id, UNDO_ACTION, ctx.now))  # in no batch: never undone
    await ctx.uow.audit.mark_undone(entries[0].batch)
    ctx.audit_log.extend(changed.values())
    for event in undone.events(ctx.now):
        ctx.uow.events.emit(event)
    return kept


def put_back(ctx: Context, entry: AuditEntry) -> Any:
    """The record as it was before `entry`, changed now: a record with an `updated_at` (deals, tasks) gets the
    undo's time, not its old one, so the open API's `updated_since` lists what an undo changed."""
    record = restore(ENTITIES[entry.entity][1], entry.changes["before"])
    if hasattr(record, "updated_at"):
        record.updated_at = ctx.now
    return record


async def still_used(ctx: Context, entity: str, entity_id: int) -> Kept | None:
    """The first kind of record that still points at this one, if any."""
    for child, field in DEPENDENTS.get(entity, ()):
        if (count := await repository(ctx.uow, child).count_by(field, entity_id)) > 0:
            return Kept(entity, entity_id, child, count)
    return None
