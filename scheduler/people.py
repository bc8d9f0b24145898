"""The people and teams scheduled jobs read, cached per process like chat's directory (bot.directory_cache):
one version read per job run instead of 2,000 reps decoded on the event loop every minute. Read-only."""

from __future__ import annotations

from collections.abc import Sequence

from bot.context import Directory
from bot.directory_cache import DirectoryCache
from domain.people import Rep, Team
from domain.ports import UnitOfWork

_CACHE = DirectoryCache()


async def cached_directory(uow: UnitOfWork) -> Directory:
    return await _CACHE.get(uow)


async def cached_reps(uow: UnitOfWork) -> Sequence[Rep]:
    """Everyone (the shared, cached objects: never change them)."""
    return (await _CACHE.get(uow)).reps


async def cached_teams(uow: UnitOfWork) -> Sequence[Team]:
    return (await _CACHE.get(uow)).teams
