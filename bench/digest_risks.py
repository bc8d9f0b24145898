"""The risk half of `bench/digest.py --with-risks`: one full risk scan per run, and the bare SQL it sends.

The scan is `scheduler.risks.scan_risks` as the hourly job runs it at the first tick of a day: every
candidate page, the rules, the ledger (risk_alerts) written, then the first delivery (each rep's message,
the managers' roll-ups, every warning marked sent). It writes, so every run starts from the same state:
the ledger emptied, the scan's watermark and the outbox rows it wrote deleted (not timed).
The baseline replays every statement one scan sent to the driver (reads and writes, recorded during a
warm-up scan) on a bare sqlite3 / asyncpg connection, fetching every row, committing where the scan
committed (the same transactions, the same durable writes); the reset before the next run removes them.
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

import asyncpg
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.replay import Recorded, pg_dsn, recording, replay
from domain.risks import RiskSettings
from scheduler.risk_changes import WATERMARK
from scheduler.risks import scan_risks
from storage.uow import SqlAlchemyUnitOfWork


class Company(Protocol):
    url: str
    engine: AsyncEngine
    at: datetime
    uow_factory: Callable[[], SqlAlchemyUnitOfWork]


class RiskRuns:
    """`first`: a scan from an empty ledger (every warning new, stored and delivered). `next_day`: the full
    scan of the following day, after a first one: every candidate judged again, only what crossed a
    threshold overnight is new (the daily cost once the ledger holds the company's warnings)."""

    def __init__(self, company: Company) -> None:
        self.company = company
        self.recorded: dict[str, list[Recorded]] = {}
        self.outbox_mark: int | None = None
        self.warnings: dict[str, int] = {}
        self.bare_marked = 0

    async def reset(self) -> None:
        """Back to the state before any scan: no warnings stored or queued, no watermark."""
        async with self.company.engine.begin() as conn:
            if self.outbox_mark is None:
                self.outbox_mark = int((await conn.execute(text("SELECT max(id) FROM outbox"))).scalar() or 0)
            await conn.execute(text("DELETE FROM risk_alerts"))
            await conn.execute(text("DELETE FROM settings WHERE key = :key"), {"key": WATERMARK})
            await conn.execute(text("DELETE FROM outbox WHERE id > :mark"), {"mark": self.outbox_mark})
            if not self.company.url.startswith("sqlite"):
                # Every run hands out the same ids (SQLite reuses them once the table is empty; a PostgreSQL
                # sequence does not go back by itself): the replayed statements name warnings by id
                # (`id <= :max_id` when marking sent), so with other ids they would match nothing.
                await conn.execute(text("SELECT setval(pg_get_serial_sequence('risk_alerts', 'id'), 1, false)"))
                await conn.execute(text("SELECT setval(pg_get_serial_sequence('outbox', 'id'), :next, false)"),
                                   {"next": self.outbox_mark + 1})
        if not self.company.url.startswith("sqlite"):  # no run pays for the dead rows of the one before
            connection = await asyncpg.connect(pg_dsn(self.company.url))
            try:
                await connection.execute("VACUUM ANALYZE risk_alerts, outbox, settings")
            finally:
                await connection.close()

    async def first(self) -> float:
        await self.reset()
        return await self._scan("first", self.company.at)

    async def next_day(self) -> float:
        """Run after `first`."""
        return await self._scan("next_day", self.company.at + timedelta(days=1))

    async def _scan(self, kind: str, at: datetime) -> float:
        start = time.perf_counter()
        self.warnings[kind] = await scan_risks(self.company.uow_factory, at, RiskSettings())
        return time.perf_counter() - start

    async def record(self) -> None:
        """A first scan and a next day's, keeping each statement (and its parameters) the driver is sent."""
        for kind, scan in (("first", self.first), ("next_day", self.next_day)):
            self.recorded[kind] = await recording(self.company.engine, scan)

    async def bare(self, kind: str) -> float:
        """The recorded statements on a bare connection; its seconds. `first`: from the reset state, with the
        scan's commits. `next_day` (run right after `first`): every statement (its inserts mostly find the
        warning stored already) in one transaction that is rolled back, so the state stays as it is."""
        statements, keep = self.recorded[kind], kind == "first"
        if keep:
            await self.reset()
        start = time.perf_counter()
        await replay(self.company.url, statements, keep)
        seconds = time.perf_counter() - start
        if keep:  # the replay did the scan's work: every warning stored and marked sent, as the scan did
            async with self.company.engine.connect() as conn:
                self.bare_marked = int((await conn.execute(
                    text("SELECT count(*) FROM risk_alerts WHERE sent_at IS NOT NULL"))).scalar_one())
        return seconds

    async def peak_mib(self) -> float:
        tracemalloc.start()
        try:
            await self.first()
            return tracemalloc.get_traced_memory()[1] / 2**20
        finally:
            tracemalloc.stop()
