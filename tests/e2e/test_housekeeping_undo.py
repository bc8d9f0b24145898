"""Housekeeping on a live bot: old rows go, undo of the last action still works (both engines)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.housekeeping_cli import build_housekeeper
from domain.retention import Target
from storage.models import AuditRow, InboxRow, OutboxRow
from tests.e2e.harness import Console


async def _rows(console: Console) -> tuple[list[tuple[str, bool]], list[str], list[str]]:
    """Audit rows as (who, written now?), inbox texts, outbox states."""
    async with console.app.uow_factory() as uow:
        session = uow.session  # type: ignore[attr-defined]
        names = {rep.id: rep.name for rep in await uow.reps.list()}
        audit = [(names[r.actor_id], r.at == console.clock.now)
                 for r in await session.scalars(select(AuditRow).order_by(AuditRow.id))]
        inbox = list(await session.scalars(select(InboxRow.text).order_by(InboxRow.id)))
        outbox = list(await session.scalars(select(OutboxRow.status).order_by(OutboxRow.id)))
    return audit, inbox, outbox


async def test_pruning_two_years_of_history_keeps_what_undo_needs(console_with_deal: Console) -> None:
    console = console_with_deal
    await console.say("新客户 青岛海纳电子有限公司 区域 华东", as_user="lina")
    console.clock.now += timedelta(days=800)
    await console.say("报价 #1 52.8万", as_user="zhangwei")
    housekeeper = build_housekeeper(console.app.engine, console.app.config, "test", clock=console.clock)
    report = await housekeeper.run_once()

    audit, inbox, outbox = await _rows(console)
    assert report.counts[Target.INBOX] == 3 and inbox == ["报价 #1 52.8万"]  # done 800 days ago: gone
    assert report.counts[Target.OUTBOX_SENT] == 3 and outbox == ["sent"]
    assert ("李娜", False) in audit  # 800 days old, but her last action: kept
    mine = [written_now for who, written_now in audit if who == "张伟"]
    assert mine and all(mine)  # only the quote's rows (the action undo takes back) are left of his
    assert report.counts[Target.AUDIT] >= 2  # 张伟's new customer and new deal, 800 days ago

    assert "撤销" in await console.say("撤销")
    async with console.app.uow_factory() as uow:
        assert await uow.quotes.for_opportunity(1) == []
        assert (await uow.opportunities.get(1)).amount.amount == 800000  # type: ignore[union-attr]
    assert "没有可以撤销的操作" in await console.say("撤销")


async def test_a_message_redelivered_after_pruning_within_inbox_days_is_still_a_duplicate(
        console_with_deal: Console) -> None:
    console = console_with_deal
    message = console.connector.message("报价 #1 52.8万")
    await console.app.bot.receive(message)
    await console.app.dispatcher.drain()
    console.clock.now += timedelta(days=13)
    housekeeper = build_housekeeper(console.app.engine, console.app.config, "test", clock=console.clock)
    assert (await housekeeper.run_once()).counts[Target.OUTBOX_SENT] == 3  # the replies are pruned
    replies_before = console.read()
    await console.app.bot.receive(message)  # the platform delivers it again
    await console.app.dispatcher.drain()
    assert console.read() == "" and replies_before
    async with console.app.uow_factory() as uow:
        assert len(await uow.quotes.for_opportunity(1)) == 1  # not quoted twice
    _, inbox, outbox = await _rows(console)
    assert outbox == [] and inbox.count("报价 #1 52.8万") == 1  # no new reply; the stored row is what dedupes
