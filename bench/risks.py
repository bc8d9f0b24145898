"""Risk scan at size: seconds and peak Python memory of one full scan (scheduler.risks) per engine.

A company from bench.lists_data (500 deals a rep, 40% open) plus what the rules read: stage changes, quotes
(some dropped), contracts, payment milestones, invoices and payments, leads with follow-ups. Runs:
first scan (stores every warning), a second scan (steady state: nothing new), the first delivery; then a
scan of a fresh ledger under tracemalloc for the peak. `--explain` prints the plans of each scan's first
batch statement. Usage: python -m bench.risks --deals 100000 [--engines sqlite,postgresql] [--explain]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, event, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bench.common import database
from bench.lists_data import Size, load_analyzed
from domain.opportunity import OPEN_STAGES, Stage
from domain.risks import RiskSettings
from scheduler.risk_changes import WATERMARK
from scheduler.risks import deliver_risks, record_risks, scan_risks
from storage.engine import make_engine, make_session_factory
from storage.migrate import upgrade
from storage.models import (
    ContractRow,
    FollowUpRow,
    InvoiceRow,
    LeadRow,
    OpportunityRow,
    PaymentMilestoneRow,
    PaymentRow,
    QuoteRow,
    RiskAlertRow,
    StageChangeRow,
)
from storage.uow import SqlAlchemyUnitOfWork

NOW = datetime(2026, 12, 1, 1, tzinfo=UTC)  # bench.lists_data's clock
CHUNK = 5000


async def _insert(session: AsyncSession, row: type[Any], rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        await session.execute(insert(row), rows[start:start + CHUNK])


async def load_extras(session: AsyncSession, rng: random.Random) -> None:
    """What the risk rules read, on top of the deals: see the module docstring."""
    deals = (await session.execute(select(OpportunityRow.id, OpportunityRow.stage, OpportunityRow.created_at,
                                          OpportunityRow.customer_id, OpportunityRow.owner_id)
                              .order_by(OpportunityRow.id))).all()
    opened = [s.value for s in OPEN_STAGES]
    changes, quotes, contracts, plans, invoices, payments = [], [], [], [], [], []
    for deal in deals:
        if deal.stage in opened and rng.random() < 0.5:
            changes.append({"opportunity_id": deal.id, "source": "initial_contact", "target": deal.stage,
                            "at": NOW - timedelta(days=rng.randint(0, 40)), "by": deal.owner_id})
        if deal.stage in opened and rng.random() < 0.2:
            for version, amount in ((1, 100000), (2, rng.choice((80000, 120000)))):
                quotes.append({"opportunity_id": deal.id, "version": version, "amount": amount,
                               "amount_currency": "CNY", "note": "", "created_at": NOW})
        if deal.stage == Stage.WON.value:
            if rng.random() < 0.8:
                contracts.append({"opportunity_id": deal.id, "number": f"HT{deal.id}", "amount": 100000,
                                  "amount_currency": "CNY", "note": ""})
            if rng.random() < 0.3:
                plans.append({"opportunity_id": deal.id, "seq": 1, "amount": 50000, "amount_currency": "CNY",
                              "due_on": NOW.date() + timedelta(days=rng.randint(-60, 60)), "note": "",
                              "status": "planned", "plan": 1})
            if rng.random() < 0.2:
                invoices.append({"opportunity_id": deal.id, "amount": 50000, "amount_currency": "CNY",
                                 "status": "issued", "number": str(deal.id), "note": "",
                                 "issued_on": NOW.date() - timedelta(days=rng.randint(0, 120))})
                if rng.random() < 0.5:
                    payments.append({"opportunity_id": deal.id, "amount": 50000, "amount_currency": "CNY",
                                     "received_on": NOW.date(), "note": ""})
    for row, rows in ((StageChangeRow, changes), (QuoteRow, quotes), (ContractRow, contracts),
                      (PaymentMilestoneRow, plans), (InvoiceRow, invoices), (PaymentRow, payments)):
        await _insert(session, row, rows)
    await _leads(session, rng, len(deals) // 10, max(d.customer_id for d in deals), max(d.owner_id for d in deals))
    await session.execute(update(OpportunityRow).where(OpportunityRow.stage == Stage.WON.value)
                          .values(closed_at=OpportunityRow.created_at))
    await session.execute(update(OpportunityRow).where(OpportunityRow.id % 3 == 0, OpportunityRow.stage.in_(opened))
                          .values(expected_close=OpportunityRow.next_at))


async def _leads(session: AsyncSession, rng: random.Random, count: int, customers: int, reps: int) -> None:
    leads, followups = [], []
    for _ in range(count):
        customer = rng.randint(1, customers)
        leads.append({"customer_id": customer, "title": "线索", "region": "", "industry": "", "source": "chat",
                      "status": rng.choice(("new", "assigned", "converted")), "owner_id": rng.randint(1, reps),
                      "created_at": NOW - timedelta(days=rng.randint(0, 30))})
        if rng.random() < 0.5:
            followups.append({"note": "电话", "at": NOW - timedelta(days=rng.randint(0, 10)), "customer_id": customer,
                              "kind": "call", "next_step": ""})
    await _insert(session, LeadRow, leads)
    await _insert(session, FollowUpRow, followups)


def explain_first(engine: Any, sessions: Any) -> Callable[[], list[tuple[str, Any]]]:
    seen: list[tuple[str, Any]] = []

    def record(_c: Any, _cur: Any, sql: str, params: Any, _ctx: Any, _many: bool) -> None:
        head = sql.lstrip().upper()
        if head.startswith("SELECT") and "LIMIT" in head and not any(s == sql for s, _ in seen):
            seen.append((sql, params))

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    return lambda: seen


async def peak_scan(factory: Callable[[], SqlAlchemyUnitOfWork], name: str, size: Size,
                    settings: RiskSettings) -> None:
    """A full scan of an emptied ledger under tracemalloc: its peak Python memory."""
    async with factory() as uow:
        await uow.session.execute(delete(RiskAlertRow))
        await uow.commit()
    tracemalloc.start()
    count = await record_risks(factory, NOW, settings)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"| {name} | {size.deals} | scan under tracemalloc | peak {peak / 2**20:.1f} MiB | {count} |")


async def bench_engine(name: str, size: Size, explain: bool) -> None:
    async with database(name) as url:
        await upgrade(url)
        engine = make_engine(url)
        sessions = make_session_factory(engine)

        def factory() -> SqlAlchemyUnitOfWork:
            return SqlAlchemyUnitOfWork(sessions, worker_id="bench")

        await load_analyzed(factory, name, size, NOW, lambda session: load_extras(session, random.Random(3)))
        settings = RiskSettings(timezone="Asia/Shanghai")
        statements = explain_first(engine, sessions) if explain else None
        runs: list[tuple[str, Callable[[], Awaitable[int]]]] = [
            ("first scan", lambda: record_risks(factory, NOW, settings)),
            ("second scan", lambda: record_risks(factory, NOW, settings)),
            ("first delivery", lambda: deliver_risks(factory, NOW, settings)),
            ("later scan that day (nothing changed)", lambda: later_scan(factory, settings))]
        for label, run in runs:
            start = time.perf_counter()
            count = await run()
            print(f"| {name} | {size.deals} | {label} | {time.perf_counter() - start:.2f} s | {count} |")
        await peak_scan(factory, name, size, settings)
        if statements is not None:
            await _explain(factory, statements())
        async with factory() as uow:
            print(await uow.session.scalar(select(func.count()).select_from(RiskAlertRow)), "alerts", file=sys.stderr)
        await engine.dispose()


async def later_scan(factory: Callable[[], SqlAlchemyUnitOfWork], settings: RiskSettings) -> int:
    """scan_risks an hour after the day's full scan: only what the audit trail shows changed."""
    async with factory() as uow:
        await uow.settings.put(WATERMARK, {"day": "2026-12-01", "audit": await uow.audit.max_id()})
        await uow.commit()
    return await scan_risks(factory, NOW + timedelta(hours=1), settings)


async def _explain(factory: Callable[[], SqlAlchemyUnitOfWork], statements: list[tuple[str, Any]]) -> None:
    async with factory() as uow:
        connection = await uow.session.connection()
        sqlite = connection.dialect.name == "sqlite"
        for sql, params in statements:
            rows = await connection.exec_driver_sql(("EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN ") + sql, params)
            print("\n--", " ".join(sql.split())[:160])
            print("\n".join(str(row[-1] if sqlite else row[0]) for row in rows))


async def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--deals", type=int, default=100_000)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    print("| engine | deals | run | time | warnings |\n|---|---|---|---|---|")
    for name in args.engines.split(","):
        await bench_engine(name, Size(args.deals), args.explain)


if __name__ == "__main__":
    asyncio.run(main())
