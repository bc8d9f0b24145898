"""Undo: revert the whole of one's last action, from the audit trail."""

from __future__ import annotations

from datetime import timedelta

from bot.args import Args
from bot.context import Context
from bot.entities import ENTITIES, repository
from bot.errors import NothingToUndo, UndoConflict
from bot.registry import command
from bot.reply import Reply
from domain.audit import AuditEntry
from domain.snapshot import restore

UNDO_WINDOW = timedelta(days=1)


@command("撤销", "undo", "撤回", section="general",
         help_zh="撤销我上一次的操作（全部改动）", help_en="Undo my last action (all of its changes)",
         usage_zh="撤销", usage_en="undo")
async def undo_last(ctx: Context, args: Args) -> Reply:
    entries = await undoable(ctx)
    if not entries:
        raise NothingToUndo()
    await refuse_if_changed_since(ctx, entries)
    await revert(ctx, entries)
    created = sum(1 for e in entries if e.action == "create")
    return Reply.text(ctx.t(f"已撤销上一次操作（删除 {created} 条新记录，恢复 {len(entries) - created} 处修改）。",
                            f"Undone: {created} new records removed, {len(entries) - created} changes reverted."))


async def undoable(ctx: Context) -> list[AuditEntry]:
    """The entries of this person's last action, if it is recent enough to undo."""
    entries = [e for e in await ctx.uow.audit.last_batch(ctx.rep_id) if e.entity in ENTITIES]
    return entries if entries and ctx.now - entries[0].at <= UNDO_WINDOW else []


async def refuse_if_changed_since(ctx: Context, entries: list[AuditEntry]) -> None:
    """Someone else changed a record of this action later: restoring it would silently drop their change."""
    for entry in entries:
        for later in await ctx.uow.audit.for_entity(entry.entity, entry.entity_id):
            if (later.id or 0) > (entry.id or 0) and later.actor_id != ctx.rep_id:
                other = ctx.directory.rep(later.actor_id)
                raise UndoConflict(who=other.name if other else "?")


async def revert(ctx: Context, entries: list[AuditEntry]) -> None:
    for entry in entries:  # newest first: children go before their parents
        repo = repository(ctx.uow, entry.entity)
        if entry.action == "create":
            if (obj := await repo.find(entry.entity_id)) is not None:
                await repo.delete(obj)
        elif "before" in entry.changes:
            await repo.save(restore(ENTITIES[entry.entity][1], entry.changes["before"]))
    await ctx.uow.audit.mark_undone(entries[0].batch)
