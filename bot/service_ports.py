"""What the bot's batch loop talks to: the inbox writer and the handlers a channel plugs in."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from bot.context import Directory
from connectors.base import InboundMessage
from domain.messaging import InboxRecord, OutboxItem
from domain.ports import UnitOfWork


class InboxWriter(Protocol):
    async def put(self, record: InboxRecord) -> bool:
        """True when the record is now claimed by this process (new, or a redelivery nobody holds)."""
        ...

    @property
    def waiting(self) -> bool:
        """Acknowledgements are waiting for the inbox: processing should give way."""
        ...


class ChannelHandler(Protocol):
    """Processes a channel's messages that do not come from a known person (e.g. customers' mail).

    Runs inside the batch's unit of work (in a savepoint); returns the messages to queue. Raising
    fails the message's attempt: it is retried after a backoff, then dead-lettered.
    """

    async def __call__(self, uow: UnitOfWork, directory: Directory, msg: InboundMessage,
                       now: datetime) -> list[OutboxItem]: ...


class BatchChannelHandler(Protocol):
    """Processes all of a batch's messages of one channel at once, from anyone (e.g. captured mail).

    Runs inside the batch's unit of work, without per-message savepoints, after the other messages;
    returns the messages to queue. Raising fails the batch, which is then retried message by message.
    """

    async def __call__(self, uow: UnitOfWork, directory: Directory, messages: Sequence[InboundMessage],
                       now: datetime) -> list[OutboxItem]: ...
