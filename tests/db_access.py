"""Work on a database by URL from outside a running app (CLI tests): a fresh engine, one unit of work, the
engine disposed after."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from storage.engine import make_engine, make_session_factory
from storage.uow import SqlAlchemyUnitOfWork

T = TypeVar("T")


async def with_uow_factory(url: str, work: Callable[[Callable[[], SqlAlchemyUnitOfWork]], Awaitable[T]]) -> T:
    """`work(uow_factory)` on the database at `url`."""
    engine = make_engine(url)
    try:
        factory = make_session_factory(engine)
        return await work(lambda: SqlAlchemyUnitOfWork(factory))
    finally:
        await engine.dispose()


async def in_uow(url: str, work: Callable[[SqlAlchemyUnitOfWork], Awaitable[T]]) -> T:
    """`work(uow)` in one unit of work on the database at `url` (not committed: for reads)."""
    async def one(factory: Callable[[], SqlAlchemyUnitOfWork]) -> T:
        async with factory() as uow:
            return await work(uow)
    return await with_uow_factory(url, one)
