"""Mails that capture could not store, kept in the shared database (connectors.email.QuarantineStore)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from connectors.email import QuarantinedMail
from domain.mail import QuarantineEntry
from domain.ports import UnitOfWork

log = logging.getLogger(__name__)


class DatabaseQuarantineStore:
    """`put` commits before it returns; a mail already recorded is left as it is."""

    def __init__(self, uow_factory: Callable[[], UnitOfWork],
                 clock: Callable[[], datetime] | None = None) -> None:
        self.uow_factory = uow_factory
        self.clock = clock or (lambda: datetime.now(UTC))

    async def put(self, mail: QuarantinedMail) -> None:
        entry = QuarantineEntry(mailbox=mail.mailbox, uidvalidity=mail.uidvalidity, uid=mail.uid,
                                message_id=mail.message_id, sender=mail.sender, subject=mail.subject,
                                size=mail.size, reason=mail.reason, at=self.clock())
        async with self.uow_factory() as uow:
            added = await uow.mail_quarantine.add(entry)
            await uow.commit()
        if added:
            log.error("email quarantined: %s UID %s (%s) from %s: %s", mail.mailbox, mail.uid, mail.message_id,
                      mail.sender or "?", mail.reason)
