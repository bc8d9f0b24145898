"""Where IMAP capture resumes: UIDVALIDITY + last captured UID per mailbox.

The bot supplies a database-backed store; `InMemoryBookmarkStore` serves tests and the console.
"""

from __future__ import annotations

from typing import Protocol


class BookmarkStore(Protocol):
    async def get(self, mailbox: str) -> tuple[int, int] | None:
        """(uidvalidity, last_uid) for the mailbox key, or None when it was never captured."""
        ...

    async def put(self, mailbox: str, uidvalidity: int, last_uid: int) -> None:
        """Record that every UID up to last_uid was dispatched; must be durable when it returns."""
        ...


class InMemoryBookmarkStore:
    def __init__(self) -> None:
        self.bookmarks: dict[str, tuple[int, int]] = {}

    async def get(self, mailbox: str) -> tuple[int, int] | None:
        return self.bookmarks.get(mailbox)

    async def put(self, mailbox: str, uidvalidity: int, last_uid: int) -> None:
        self.bookmarks[mailbox] = (uidvalidity, last_uid)
