"""The customers the parser should recognise by full name, short name or alias, kept per process.

One `Gazetteer` serves every message. It is built in the background and swapped in whole: for a small
company in a worker thread (pages of names read by keyset on the event loop, the table filled page by
page); from `process_from` customers on, in a child process (bot.understanding.names_build), which
would otherwise share the GIL with the event loop for seconds. Changes after that are layered on top of
it as they come:
- a new customer: every message asks for the highest customer id (an index lookup) and reads the
  few names above the one it knows, so the bot knows a customer added a moment ago;
- renames, new aliases, deleted customers: at most every `delta_every` seconds the audit entries about
  customers written since the last look name the customers to read again;
- anything that leaves no audit entry (undo, bulk loads): a full rebuild every `rebuild_every` seconds,
  or as soon as the changes on top grow past `overlay_limit`.
Until the first build is done, a message waits at most until `first_wait` seconds after `start()`,
then is read without the known names (the rules still find written company names, and those are
looked up in the database as `客户 X` does).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence

from bot.nlp.gazetteer import Gazetteer, KnownName, NameTable
from bot.nlp.text import fold
from bot.understanding import names_build
from domain.customer import CustomerNames
from domain.ports import UnitOfWork

log = logging.getLogger(__name__)
PAGE = 500  # rows decoded on the event loop per page: a few milliseconds
RETRY = 60.0  # seconds before a failed rebuild is tried again
PROCESS_FROM = 20_000  # customers (by highest id) from which the table is built in a child process


def known_name(row: CustomerNames) -> KnownName:
    return KnownName(row.name, _aliases(row), row.id)


def _aliases(row: CustomerNames) -> tuple[str, ...]:
    return tuple(a for a in (row.short_name, *row.aliases) if a and a != row.name)


def fill(table: NameTable, rows: Sequence[CustomerNames]) -> None:
    """Add a page of customers (run in a worker thread: a plain Python loop gives the GIL back often).
    Packed strings, not KnownName objects: the garbage collector never walks them (see NameTable)."""
    for row in rows:
        table.add_row(row.id, row.name, _aliases(row))


class KnownCustomers:
    def __init__(self, uow_factory: Callable[[], UnitOfWork], *, delta_every: float = 2.0,
                 rebuild_every: float = 900.0, first_wait: float = 1.5, overlay_limit: int = 1000,
                 page: int = PAGE, clock: Callable[[], float] = time.monotonic, url: str | None = None,
                 process_from: int = PROCESS_FROM) -> None:
        """`url`: the database, for a build in a child process (None: always in a worker thread)."""
        self.uow_factory, self.clock, self.page = uow_factory, clock, page
        self.url, self.process_from = url, process_from
        self.delta_every, self.rebuild_every, self.first_wait = delta_every, rebuild_every, first_wait
        self.overlay_limit = overlay_limit
        self.gazetteer = Gazetteer()  # what messages are read with; replaced, never changed
        self.ready = False
        self.builds = 0  # full builds swapped in
        self._base = self.gazetteer.base
        self._changed: dict[int, KnownName | None] = {}  # on top of _base: current names, None = gone
        self._customer_mark = 0  # customers up to this id are in
        self._audit_mark = 0  # audit entries up to this id are applied
        self._started_at = self._built_at = self._checked_at = float("-inf")
        self._build: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()

    def start(self) -> None:
        """Build in the background (at bot start, so the first free text finds the names ready)."""
        if self._build is None or self._build.done():
            self._started_at = self.clock()
            self._build = asyncio.create_task(self._rebuild(), name="known-customers")

    async def close(self) -> None:
        if self._build is not None and not self._build.done():
            self._build.cancel()
            await asyncio.gather(self._build, return_exceptions=True)

    async def names(self, uow: UnitOfWork, *texts: str) -> Gazetteer:
        """The matcher for these messages (`uow`: the message's own, for the cheap change checks).
        The customers the texts name are read again, so a match is never one deleted or renamed since."""
        if not self.ready:
            await self.first_build()
            if not self.ready:
                return self.gazetteer
        async with self._lock:
            await self._new_customers(uow)
            if self.clock() - self._checked_at >= self.delta_every:
                await self._audited_changes(uow)
            await self._verify(uow, texts)
        if self.clock() - self._built_at >= self.rebuild_every:
            self.start()
        return self.gazetteer

    async def first_build(self) -> None:
        """Wait for the first table, at most `first_wait` after the start (then read without it)."""
        if self._build is None or (self._build.done() and self.clock() - self._started_at >= self.delta_every):
            self.start()  # never started, or failed a while ago: try again
        assert self._build is not None
        wait = self._started_at + self.first_wait - self.clock()
        if wait > 0 and not self._build.done():
            await asyncio.wait({self._build}, timeout=wait)

    async def _rebuild(self) -> None:
        try:
            async with self.uow_factory() as uow:
                audit_mark = await uow.audit.max_id()  # changes after this are read again once built
                top = await uow.customers.max_id()
            if self.url is not None and top >= self.process_from:
                table, last = await names_build.build(self.url)
            else:
                table, last = await self._build_here()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("known customers: the build failed; the names as they were are used meanwhile")
            self._built_at = self.clock() - self.rebuild_every + RETRY
            return
        async with self._lock:
            self._swap(table, last, audit_mark)

    async def _build_here(self) -> tuple[NameTable, int]:
        table, last = NameTable(), 0
        while True:
            async with self.uow_factory() as uow:
                rows = await uow.customers.names_after(last, self.page)
            if not rows:
                break
            await asyncio.to_thread(fill, table, rows)
            last = rows[-1].id
        await asyncio.to_thread(table.finish)
        return table, last

    def _swap(self, table: NameTable, last: int, audit_mark: int) -> None:
        self._base, self._changed = table, {}
        self._customer_mark, self._audit_mark = last, audit_mark
        self.gazetteer = Gazetteer(base=table)  # the old one is dropped here: nothing else holds it
        self._built_at, self._checked_at = self.clock(), float("-inf")
        self.ready, self.builds = True, self.builds + 1
        log.info("known customers: %d spellings of customers up to #%d", len(table), last)

    async def _new_customers(self, uow: UnitOfWork) -> None:
        top = await uow.customers.max_id()
        if top <= self._customer_mark:
            return
        if top - self._customer_mark > self.overlay_limit:  # an import: rebuild instead
            self.start()
            return
        rows = await uow.customers.names_after(self._customer_mark, self.overlay_limit)
        self._apply({row.id: known_name(row) for row in rows})
        self._customer_mark = max(self._customer_mark, top)

    async def _audited_changes(self, uow: UnitOfWork) -> None:
        self._checked_at = self.clock()
        changes = await uow.audit.changes_after("customer", self._audit_mark, self.overlay_limit)
        if not changes:
            return
        self._apply(await _current(uow, {entity_id for _, entity_id in changes if entity_id <= self._customer_mark}))
        self._audit_mark = changes[-1][0]

    async def _verify(self, uow: UnitOfWork, texts: tuple[str, ...]) -> None:
        """Undo leaves no audit entry: the customers a message names are checked against their rows."""
        found = {k.ref: k for text in texts for hit in self.gazetteer.find(fold(text)) for k in hit.matches}
        if not found:
            return
        current = await _current(uow, {ref for ref in found if isinstance(ref, int)})
        if changed := {ref: entry for ref, entry in current.items() if entry != found[ref]}:
            self._apply(changed)

    def _apply(self, changed: dict[int, KnownName | None]) -> None:
        """Layer changes on the built table: a new, small overlay (the big table is shared, not copied)."""
        self._changed = {**self._changed, **changed}
        overlay = NameTable()
        for ref in sorted(self._changed):
            if (entry := self._changed[ref]) is not None:
                overlay.add(entry)
        self.gazetteer = Gazetteer(base=self._base, overlay=overlay, stale=frozenset(self._changed))
        if len(self._changed) > self.overlay_limit:
            self.start()


async def _current(uow: UnitOfWork, ids: set[int]) -> dict[int, KnownName | None]:
    """The customers' names as stored now; None for those deleted."""
    current: dict[int, KnownName | None] = dict.fromkeys(ids)
    for customer_id, customer in (await uow.customers.many(ids)).items():
        row = CustomerNames(customer_id, customer.name, customer.short_name, tuple(customer.aliases))
        current[customer_id] = known_name(row)
    return current


async def names_ready(known: object, texts: list[str], is_command: Callable[[str], bool]) -> None:
    """Free text right after a start waits (a moment) for the first table before its batch's transaction
    opens, not inside it: on SQLite that transaction holds the only connection and the write lock, which
    /healthz, the inbox and other processes need meanwhile. Commands do not wait."""
    if isinstance(known, KnownCustomers) and not known.ready and not all(map(is_command, texts)):
        await known.first_build()
