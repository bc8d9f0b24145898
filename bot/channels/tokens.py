"""Access tokens kept in the shared database: every bot process uses the same token, and only one
process at a time asks the platform for a new one.

Token: `settings[key] = {"token": ..., "expires_at": <epoch seconds>}`.
Lock: a lease row `settings["lock:" + key] = {"holder": ..., "expires_at": ...}`, taken in one short
transaction. The row is read FOR UPDATE (a row lock on PostgreSQL; on SQLite every transaction
starts with BEGIN IMMEDIATE, which serialises them) and taken when it is absent or its lease has
run out; an absent row is inserted with ON CONFLICT DO NOTHING, so of two racing inserters exactly
one wins. Waiters poll with a short sleep up to a bounded wait, then give up with a retryable
`DeliveryError` (the outbox keeps the message). The holder deletes its own lease afterwards.

Why a lease row rather than an advisory lock: no database connection is held while the platform
answers (SQLite has one connection per process, shared with the inbox's group commit), it behaves
the same on SQLite and PostgreSQL, and a holder that crashed simply lets its lease run out.
If a holder outlives its lease, a second refresher may run: harmless, WeCom hands out the same
token while it is valid. Token values are never logged.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from connectors.base import DeliveryError
from domain.ports import UnitOfWork
from storage.models import SettingRow
from storage.repositories.base import dialect_insert

log = logging.getLogger(__name__)

LOCK_PREFIX = "lock:"
_NO_SYNC = {"synchronize_session": False}


class TokenLockTimeout(DeliveryError):
    """Another process held the refresh lease for longer than we were willing to wait."""

    def __init__(self, key: str, waited: float, retry_after: float) -> None:
        super().__init__(f"token refresh for {key!r} is held by another process (waited {waited:.1f}s)",
                         retry_after=retry_after)


def _session(uow: UnitOfWork) -> AsyncSession:
    session = getattr(uow, "session", None)
    if not isinstance(session, AsyncSession):
        raise TypeError("DatabaseTokenStore needs SqlAlchemyUnitOfWork units of work (with .session)")
    return session


def _token_entry(value: Any) -> tuple[str, float] | None:
    if not isinstance(value, dict):
        return None
    token, expires_at = value.get("token"), value.get("expires_at")
    if not isinstance(token, str) or not token or not isinstance(expires_at, int | float):
        return None
    return token, float(expires_at)


def _lease_expired(value: Any, now: float) -> bool:
    if not isinstance(value, dict):
        return True
    expires_at = value.get("expires_at")
    return not isinstance(expires_at, int | float) or expires_at <= now


class DatabaseTokenStore:
    """A `connectors.tokens.TokenStore` backed by `uow.settings`, shared by all bot processes.

    `lease`: seconds a refresher may hold the lock before others may take it over (longer than one
    gettoken call). `wait`: how long `lock()` waits for another holder before raising
    `TokenLockTimeout`. `poll`: sleep between attempts. `cache_ttl`: how long a token read from the
    database is reused without reading again (never inside `lock()`, which always reads afresh).
    `clock`: wall-clock epoch seconds for lease expiry (shared across processes).
    """

    def __init__(self, uow_factory: Callable[[], UnitOfWork], *, lease: float = 30.0, wait: float = 10.0,
                 poll: float = 0.05, cache_ttl: float = 60.0, clock: Callable[[], float] = time.time,
                 name: str | None = None) -> None:
        if lease <= 0 or wait < 0 or poll <= 0:
            raise ValueError("lease and poll must be positive, wait not negative")
        self._uow_factory = uow_factory
        self._lease = lease
        self._wait = wait
        self._poll = poll
        self._cache_ttl = cache_ttl
        self._clock = clock
        self._name = name or f"{socket.gethostname()}:{os.getpid()}"
        self._local: dict[str, asyncio.Lock] = {}
        self._cache: dict[str, tuple[tuple[str, float], float]] = {}

    async def get(self, key: str) -> tuple[str, float] | None:
        cached = self._cache.get(key)
        if cached is not None and time.monotonic() - cached[1] < self._cache_ttl:
            return cached[0]
        async with self._uow_factory() as uow:
            entry = _token_entry(await uow.settings.get(key))
        if entry is not None:
            self._cache[key] = (entry, time.monotonic())
        return entry

    async def put(self, key: str, token: str, expires_at: float) -> None:
        async with self._uow_factory() as uow:
            await uow.settings.put(key, {"token": token, "expires_at": expires_at})
            await uow.commit()
        self._cache[key] = ((token, expires_at), time.monotonic())

    def lock(self, key: str) -> AbstractAsyncContextManager[None]:
        """One holder per key across processes (and, locally, one coroutine of this process)."""
        return self._locked(key)

    @asynccontextmanager
    async def _locked(self, key: str) -> AsyncIterator[None]:
        async with self._local.setdefault(key, asyncio.Lock()):
            holder = await self._acquire(LOCK_PREFIX + key)
            self._cache.pop(key, None)  # whoever held the lock before may have stored a new token
            try:
                yield
            finally:
                await asyncio.shield(self._release(LOCK_PREFIX + key, holder))

    async def _acquire(self, lock_key: str) -> str:
        holder = f"{self._name}:{uuid.uuid4().hex}"
        started = time.monotonic()
        while not await self._try_take(lock_key, holder):
            waited = time.monotonic() - started
            if waited >= self._wait:
                raise TokenLockTimeout(lock_key, waited, retry_after=self._lease)
            await asyncio.sleep(self._poll)
        return holder

    async def _try_take(self, lock_key: str, holder: str) -> bool:
        now = self._clock()
        lease = {"holder": holder, "expires_at": now + self._lease}
        async with self._uow_factory() as uow:
            session = _session(uow)
            current = (await session.execute(
                select(SettingRow.value).where(SettingRow.key == lock_key).with_for_update())).first()
            if current is None:
                stmt = (dialect_insert(session, SettingRow).values(key=lock_key, value=lease)
                        .on_conflict_do_nothing(index_elements=["key"]).returning(SettingRow.key))
                taken = (await session.execute(stmt)).first() is not None
            elif _lease_expired(current.value, now):
                stmt_update = update(SettingRow).where(SettingRow.key == lock_key).values(value=lease)
                await session.execute(stmt_update, execution_options=_NO_SYNC)
                taken = True
            else:
                taken = False
            if taken:
                await uow.commit()
        return taken

    async def _release(self, lock_key: str, holder: str) -> None:
        """Delete the lease if it is still ours (after a takeover it belongs to someone else)."""
        try:
            async with self._uow_factory() as uow:
                session = _session(uow)
                current = (await session.execute(
                    select(SettingRow.value).where(SettingRow.key == lock_key).with_for_update())).first()
                if current is not None and isinstance(current.value, dict) and current.value.get("holder") == holder:
                    await session.execute(delete(SettingRow).where(SettingRow.key == lock_key),
                                          execution_options=_NO_SYNC)
                    await uow.commit()
        except Exception as exc:  # the lease runs out on its own; never fail the send for this
            log.warning("could not release %s (%s); it expires by itself", lock_key, type(exc).__name__)


def shared_store(uow_factory: Callable[[], UnitOfWork], http_timeout: float) -> DatabaseTokenStore:
    """The token store of a channel whose calls time out after `http_timeout` seconds: a refresher holds
    the lock for three calls at least 30 s, others wait two."""
    return DatabaseTokenStore(uow_factory, lease=max(30.0, 3 * http_timeout), wait=2 * http_timeout)
