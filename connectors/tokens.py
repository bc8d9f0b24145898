"""Access-token cache shared by every bot process, with one refresher at a time.

`TokenStore` is where tokens live (the bot backs it with its database, so several processes share one
token); `CachedToken` hands out a valid one, calling the platform's `fetch` only when the stored token
is about to expire or was refused, under the store's lock.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Protocol

Clock = Callable[[], float]
Fetch = Callable[[], Awaitable[tuple[str, float]]]  # -> (token, seconds it stays valid)


class TokenStore(Protocol):
    """Where access tokens live. `expires_at` is epoch seconds. The bot backs this with its database."""

    async def get(self, key: str) -> tuple[str, float] | None: ...

    async def put(self, key: str, token: str, expires_at: float) -> None: ...

    def lock(self, key: str) -> AbstractAsyncContextManager[None]:
        """`async with store.lock(key):` — at most one holder per key (across processes if shared)."""
        ...


class InMemoryTokenStore:
    """Single-process TokenStore."""

    def __init__(self) -> None:
        self._tokens: dict[str, tuple[str, float]] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def get(self, key: str) -> tuple[str, float] | None:
        return self._tokens.get(key)

    async def put(self, key: str, token: str, expires_at: float) -> None:
        self._tokens[key] = (token, expires_at)

    @asynccontextmanager
    async def _locked(self, key: str) -> AsyncIterator[None]:
        async with self._locks.setdefault(key, asyncio.Lock()):
            yield

    def lock(self, key: str) -> AbstractAsyncContextManager[None]:
        return self._locked(key)


class CachedToken:
    """Hands out a valid access token, refreshing `margin` seconds before it expires."""

    def __init__(self, store: TokenStore, *, key: str, fetch: Fetch, margin: float = 300.0,
                 clock: Clock = time.time) -> None:
        self._store = store
        self._key = key
        self._fetch_token = fetch
        self._margin = margin
        self._clock = clock
        self.fetches = 0  # platform calls made by this provider (observability, tests)

    async def _fresh(self, rejected: str | None) -> str | None:
        entry = await self._store.get(self._key)
        if entry is None:
            return None
        token, expires_at = entry
        if token == rejected or expires_at - self._margin <= self._clock():
            return None
        return token

    async def token(self) -> str:
        return await self._obtain(None)

    async def refresh(self, rejected: str) -> str:
        """The platform refused `rejected`: replace it, unless another process already did."""
        return await self._obtain(rejected)

    async def _obtain(self, rejected: str | None) -> str:
        if token := await self._fresh(rejected):
            return token
        async with self._store.lock(self._key):
            if token := await self._fresh(rejected):
                return token
            self.fetches += 1
            token, expires_in = await self._fetch_token()
            await self._store.put(self._key, token, self._clock() + expires_in)
            return token
