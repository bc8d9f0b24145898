"""`dealbot chat --as X`: X sees only X's own messages; everyone else's stay queued for them."""

from __future__ import annotations

from bot.bootstrap import App
from connectors.base import OutboundMessage
from connectors.console import ConsoleConnector
from connectors.console.connector import CHANNEL
from scheduler.jobs import deliver_due_reminders


async def deliver_own(app: App, console: ConsoleConnector) -> int:
    """Queue due reminders, then print and mark sent the console messages addressed to this user only and
    due now (one held for quiet hours waits for its time, as the dispatcher makes it). Other people's
    reminders and messages stay pending in the outbox for their own session (or `serve`)."""
    await deliver_due_reminders(app.uow_factory, app.bot.clock())
    async with app.uow_factory() as uow:
        items = list(await uow.outbox.pending_for(CHANNEL, console.user, app.bot.clock()))  # held ones wait
    for item in items:
        await console.send(OutboundMessage(channel=item.channel, recipient=item.recipient, text=item.text,
                                           markdown=item.markdown, subject=item.subject, extra=item.extra))
        assert item.id is not None
        async with app.uow_factory() as uow:
            await uow.outbox.mark_sent(item.id, app.bot.clock())
            await uow.commit()
    return len(items)
