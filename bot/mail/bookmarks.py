"""Where IMAP capture resumes, kept in the shared database (connectors.email.BookmarkStore)."""

from __future__ import annotations

from collections.abc import Callable

from domain.ports import UnitOfWork

PREFIX = "email.bookmark:"


class DatabaseBookmarkStore:
    """(UIDVALIDITY, last UID) per mailbox key in `uow.settings`; `put` commits before it returns."""

    def __init__(self, uow_factory: Callable[[], UnitOfWork]) -> None:
        self.uow_factory = uow_factory

    async def get(self, mailbox: str) -> tuple[int, int] | None:
        async with self.uow_factory() as uow:
            value = await uow.settings.get(PREFIX + mailbox)
        if isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) for v in value):
            return value[0], value[1]
        return None

    async def put(self, mailbox: str, uidvalidity: int, last_uid: int) -> None:
        async with self.uow_factory() as uow:
            await uow.settings.put(PREFIX + mailbox, [uidvalidity, last_uid])
            await uow.commit()
