"""Access-token cache shared by every bot process, with one refresher at a time.

Why aiohttp and not wechatpy's `WeChatClient`: the client is synchronous (a thread per call that a
timeout cannot cancel), its gettoken URL is hard-coded, and it refreshes on 40001/40014/42001
without a cap and without a lock. The two documented endpoints we need are simple enough to call
directly, with a timeout on every request and a lock shared through `TokenStore`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Protocol

from connectors.base import DeliveryError
from connectors.wecom.transport import HttpTransport, errcode

Clock = Callable[[], float]
RETRY_TOKEN = 60.0


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


class AccessTokenProvider:
    """Hands out a valid access token, refreshing `margin` seconds before it expires."""

    def __init__(self, transport: HttpTransport, store: TokenStore, *, api_base: str, corp_id: str,
                 secret: str, key: str, margin: float = 300.0, clock: Clock = time.time) -> None:
        self._transport = transport
        self._store = store
        self._url = api_base.rstrip("/") + "/cgi-bin/gettoken"
        self._corp_id = corp_id
        self._secret = secret
        self._key = key
        self._margin = margin
        self._clock = clock
        self.fetches = 0  # gettoken calls made by this provider (observability, tests)

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
        """WeCom refused `rejected`: replace it, unless another process already did."""
        return await self._obtain(rejected)

    async def _obtain(self, rejected: str | None) -> str:
        if token := await self._fresh(rejected):
            return token
        async with self._store.lock(self._key):
            if token := await self._fresh(rejected):
                return token
            token, expires_at = await self._fetch()
            await self._store.put(self._key, token, expires_at)
            return token

    async def _fetch(self) -> tuple[str, float]:
        self.fetches += 1
        data = await self._transport.request_json(
            "GET", self._url, params={"corpid": self._corp_id, "corpsecret": self._secret})
        token = data.get("access_token")
        if errcode(data) != 0 or not isinstance(token, str) or not token:
            raise DeliveryError(f"wecom gettoken failed: errcode {errcode(data)}", retry_after=RETRY_TOKEN)
        self._transport.add_secret(token)
        try:
            expires_in = float(data.get("expires_in", 7200))
        except (TypeError, ValueError):
            expires_in = 7200.0
        return token, self._clock() + expires_in
