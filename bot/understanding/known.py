"""The customers the parser should recognise by full name, short name or alias, cached per process."""

from __future__ import annotations

import time
from collections.abc import Callable

from bot.nlp import KnownName
from domain.ports import UnitOfWork

PAGE = 1000


class KnownCustomers:
    """Reloaded when the number of customers changed or `ttl` seconds passed (renames, aliases)."""

    def __init__(self, ttl: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.clock = clock
        self._names: tuple[KnownName, ...] = ()
        self._count = -1
        self._loaded_at = float("-inf")

    async def names(self, uow: UnitOfWork) -> tuple[KnownName, ...]:
        count = await uow.customers.count()
        if count != self._count or self.clock() - self._loaded_at > self.ttl:
            self._names = await self._load(uow, count)
            self._count, self._loaded_at = count, self.clock()
        return self._names

    @staticmethod
    async def _load(uow: UnitOfWork, count: int) -> tuple[KnownName, ...]:
        names = []
        for offset in range(0, count, PAGE):
            for customer in await uow.customers.list(offset=offset, limit=PAGE):
                aliases = tuple(a for a in (customer.short_name, *customer.aliases) if a and a != customer.name)
                names.append(KnownName(customer.name, aliases, customer.id))
        return tuple(names)
