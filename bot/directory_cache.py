"""The directory of one process, reread only when its version in the database changed.

Every write to reps, identities or teams gives the directory a new version in the same transaction
(storage.repositories.people.bump_directory_version), so one primary-key read per batch tells whether
the cached copy is still right, in this process and in any other serving the same database.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

from bot.context import Directory
from domain.ports import UnitOfWork
from storage.repositories.people import DIRECTORY_VERSION

log = logging.getLogger(__name__)
UNREAD: Any = object()  # DirectoryCache.get: the version is to be read


class DirectoryCache:
    """`get` returns the cached Directory while the stored version is the one it was read at.

    No stored version (a database no writer has touched since this was introduced, or test fakes) means
    "unknown": the directory is read every time, as before. `ensure_version` sets one at start-up.
    """

    def __init__(self) -> None:
        self._directory: Directory | None = None
        self._version: Any = None
        self.hits = 0
        self.misses = 0

    async def get(self, uow: UnitOfWork, version: Any = UNREAD) -> Directory:
        """`version`: the stored version when the caller read it already in this transaction (the API reads it
        with the token)."""
        if version is UNREAD:
            version = await uow.settings.get(DIRECTORY_VERSION)
        if self._directory is not None and version is not None and version == self._version:
            self.hits += 1
            return self._directory
        # read after the version: the rows are at least as new as it, never older
        directory = await Directory.load(uow)
        self._directory, self._version = directory, version
        self.misses += 1
        log.debug("directory read: %d reps, %d teams (version %s)", len(directory.reps), len(directory.teams),
                  version)
        return directory

    def clear(self) -> None:
        self._directory, self._version = None, None


async def ensure_version(uow_factory: Callable[[], UnitOfWork]) -> None:
    """Give the directory a version if it has none yet, so that processes can start caching it."""
    async with uow_factory() as uow:
        if await uow.settings.get(DIRECTORY_VERSION) is None:
            await uow.settings.put(DIRECTORY_VERSION, uuid.uuid4().hex)
            await uow.commit()
