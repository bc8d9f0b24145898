"""`dealbot import deals FILE [--commit]`: an existing pipeline from an .xlsx or .csv, checked row by row.

Columns: bot.deal_sheet. Every row is checked first (bot.importing_deal_rows); the owner must be a known person
and gives the deal its team. Customers are matched by name key, or created, as `import customers` does; the
row's industry and region fill a customer's empty fields. A row whose ref is stored updates that deal (fields,
stage history, follow-ups: bot.importing_deal_plan) instead of adding one; a ref repeated in the file is a
duplicate row. A dry run (commit=False) only reads; commit=True writes every good row in one transaction, with
one audit batch. Reps, stored deals and their follow-ups are read in bulk, not row by row.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from bot.deal_sheet import LOOKUP, REQUIRED
from bot.importing import merge_into
from bot.importing_deal_plan import DealChanges, apply_row, new_deal
from bot.importing_deal_rows import DealRow, parse_deal_row
from bot.importing_report import DealOutcome, Duplicate, ImportReport
from bot.importing_rows import ImportRow, RowError
from bot.importing_table import Table, UnreadableFile, read_table
from domain.activity import FollowUp, FollowUpKind
from domain.audit import AuditEntry
from domain.customer import Customer
from domain.opportunity import Opportunity
from domain.people import Rep
from domain.ports import UnitOfWork

ACTION = "import"
_NAMES = {"ref": ("编号", "ref"), "customer": ("客户", "customer"), "owner": ("负责人", "owner"),
          "created": ("创建日期", "created"), "stage": ("阶段", "stage")}


@dataclass(slots=True)
class _Planned:
    row: DealRow
    outcome: DealOutcome
    deal: Opportunity
    customer: Customer
    changes: DealChanges
    is_new: bool


class _Customers:
    """The customers the rows name: stored ones found once by name key, new ones created once."""

    def __init__(self, uow: UnitOfWork, now: datetime) -> None:
        self.uow, self.now = uow, now
        self.by_key: dict[str, Customer] = {}
        self.first_row: dict[str, int] = {}
        self.new: set[str] = set()
        self.changes: dict[str, dict[str, list[Any]]] = {}

    async def resolve(self, row: ImportRow) -> Customer:
        key = row.name_key
        if key not in self.by_key:
            found = await self.uow.customers.by_name_key(key)
            if found is None:
                self.new.add(key)
            self.by_key[key], self.first_row[key] = found or row.to_customer(self.now), row.row
        customer = self.by_key[key]
        changes = merge_into(customer, row)  # a later row may fill what an earlier one left empty
        if key not in self.new:
            self.changes.setdefault(key, {}).update(changes)
        return customer


async def import_deals_file(uow_factory: Callable[[], UnitOfWork], path: str | Path, *, commit: bool,
                            now: datetime, tz: tzinfo) -> ImportReport:
    """Import deals from `path` (dates read in `tz`). Dry run unless `commit`; the report says what was (or would
    be) done."""
    report, table = ImportReport.reading(path, commit, _read)
    if table is None:
        return report
    rows = _unique(_parsed(table, now, tz, report), report)
    async with uow_factory() as uow:
        customers = _Customers(uow, now)
        plans = await _plan(uow, rows, customers, report)
        report.notes.append(f"新客户 {len(customers.new)} 个 / {len(customers.new)} new customers")
        if commit and (plans or any(customers.changes.values())):  # unchanged deals may still fill a customer
            batch = f"{ACTION}:{now:%Y%m%dT%H%M%S}:{uuid.uuid4().hex[:8]}"
            await _Writer(uow, now, batch, report.file).write(plans, customers)
            await uow.commit()
    return report


def _read(path: str | Path) -> Table:
    table = read_table(path, LOOKUP)
    if missing := [fld for fld in REQUIRED if fld not in table.columns]:
        raise UnreadableFile(f"第 {table.header_row} 行表头缺少这些列：{'、'.join(_NAMES[f][0] for f in missing)}",
                             f"the header (row {table.header_row}) lacks these columns: "
                             f"{', '.join(_NAMES[f][1] for f in missing)}")
    return table


def _parsed(table: Table, now: datetime, tz: tzinfo, report: ImportReport) -> list[DealRow]:
    good = []
    for number, cells in table.rows:
        parsed = parse_deal_row(number, cells, now, tz)
        if isinstance(parsed, DealRow):
            good.append(parsed)
        else:
            report.errors.extend(parsed)
    return good


def _unique(rows: Sequence[DealRow], report: ImportReport) -> list[DealRow]:
    """The first good row of each ref; later ones are reported as duplicates."""
    first: dict[str, int] = {}
    kept = []
    for row in rows:
        if row.ref in first:
            report.duplicates.append(Duplicate(row.row, first[row.ref], row.ref, "ref"))
        else:
            first[row.ref] = row.row
            kept.append(row)
    return kept


async def _plan(uow: UnitOfWork, rows: Sequence[DealRow], customers: _Customers,
                report: ImportReport) -> list[_Planned]:
    """Sort the rows into new / updated / unchanged / errors (unknown owner) without writing anything."""
    reps: dict[str, Rep] = {}
    for rep in await uow.reps.list():
        reps.setdefault(rep.name.casefold(), rep)
    stored = await uow.opportunities.by_refs(row.ref for row in rows)
    by_id = await uow.opportunities.many(
        int(r.ref[1:]) for r in rows if r.ref not in stored and _OWN_ID.fullmatch(r.ref))
    followups = await uow.followups.for_opportunities(
        d.id for d in (*stored.values(), *by_id.values()) if d.id is not None)
    plans = []
    for row in rows:
        owner = reps.get(row.owner.casefold())
        if owner is None:
            report.errors.append(RowError(row.row, f"不认识负责人「{row.owner}」（请先导入同事：dealbot users import）",
                                          f"unknown owner '{row.owner}' (import people first: dealbot users import)"))
            continue
        customer = await customers.resolve(row.customer)
        deal = stored.get(row.ref)
        if deal is None and _OWN_ID.fullmatch(row.ref) and (same := by_id.get(int(row.ref[1:]))) is not None:
            if same.ref or same.customer_id != customer.id:
                report.errors.append(_clash(row.row, row.ref))
                continue
            deal = same  # exported from this database (a deal made in dealbot): the same deal, updated
        planned = _plan_row(row, owner, customer, deal, followups.get(deal.id or 0, []) if deal else [])
        target = report.created if planned.is_new else report.updated if planned.changes.names else report.unchanged
        target.append(planned.outcome)
        if planned.is_new or planned.changes.names:
            plans.append(planned)
    report.errors.sort(key=lambda error: error.row)
    return plans


_OWN_ID = re.compile(r"#\d{1,18}")  # what `export deals` writes for a deal made in dealbot


def _clash(row: int, ref: str) -> RowError:
    return RowError(row, f"编号「{ref}」是本系统另一个商机的商机号（客户不同）：请改用原系统的编号",
                    f"the ref '{ref}' is the number of another deal here (another customer): use the old system's id")


def _plan_row(row: DealRow, owner: Rep, customer: Customer, deal: Opportunity | None,
              stored: Sequence[FollowUp]) -> _Planned:
    label = f"{row.ref} {row.customer.name}"
    is_new = deal is None
    deal = new_deal(row) if deal is None else deal
    changes = apply_row(deal, row, owner, customer.id or 0, stored)  # customer id 0: a new customer's, unknown yet
    outcome = DealOutcome(row.row, label, fields=() if is_new else changes.names, deal_id=deal.id)
    return _Planned(row, outcome, deal, customer, changes, is_new)


class _Writer:
    """Writes the plans in the unit of work: customers, then deals, then their follow-ups, then the audit."""

    def __init__(self, uow: UnitOfWork, now: datetime, batch: str, file: str) -> None:
        self.uow, self.now, self.batch, self.file = uow, now, batch, file
        self.audit: list[AuditEntry] = []

    def _audit(self, entity: str, entity_id: int | None, row: int, changes: dict[str, Any]) -> None:
        assert entity_id is not None
        self.audit.append(AuditEntry(actor_id=None, entity=entity, entity_id=entity_id, action=ACTION, at=self.now,
                                     changes={**changes, "file": self.file, "row": row}, batch=self.batch))

    async def write(self, plans: Sequence[_Planned], customers: _Customers) -> None:
        for key, customer in customers.by_key.items():
            if key in customers.new:
                await self.uow.customers.add(customer)
                self._audit("customer", customer.id, customers.first_row[key], {"name": [None, customer.name]})
            elif customers.changes.get(key):
                await self.uow.customers.save(customer)
                self._audit("customer", customer.id, customers.first_row[key], customers.changes[key])
        followups: list[FollowUp] = []
        for plan in plans:
            await self._write_deal(plan)
            followups += [FollowUp(rep_id=plan.deal.owner_id, note=f"从 {self.file} 导入 / imported from {self.file}",
                                   at=at, opportunity_id=plan.deal.id, customer_id=plan.deal.customer_id,
                                   kind=FollowUpKind.IMPORTED) for at in plan.changes.add]
            for gone in plan.changes.remove:
                await self.uow.followups.delete(gone)
        await self.uow.followups.add_many(followups)
        await self.uow.audit.add_many(self.audit)

    async def _write_deal(self, plan: _Planned) -> None:
        deal, changes = plan.deal, dict[str, Any](plan.changes.fields)
        if deal.customer_id != plan.customer.id:  # the row's customer was new: its id is known now
            assert plan.customer.id is not None
            changes["customer_id"] = [changes.get("customer_id", [None])[0], plan.customer.id]
            deal.customer_id = plan.customer.id
        if plan.changes.add or plan.changes.remove:
            changes["activities"] = {"added": len(plan.changes.add), "removed": len(plan.changes.remove)}
        if plan.is_new:
            await self.uow.opportunities.add(deal)
            self._audit("opportunity", deal.id, plan.row.row, {"ref": [None, deal.ref], **changes})
        else:
            await self.uow.opportunities.save(deal)
            self._audit("opportunity", deal.id, plan.row.row, changes)
        plan.outcome.deal_id = deal.id
