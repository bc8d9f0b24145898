"""`dealbot import customers FILE [--commit]`: customers from an .xlsx or .csv, checked row by row.

Every row is validated first. A row that matches an earlier row of the same file (same name key, phone
or email) is a duplicate and skipped. A row that matches a stored customer (name key, else phone/email)
fills that customer's empty fields and merges tags and aliases; it never blanks anything out. A dry run
(commit=False) only reads; commit=True writes every good row in one transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.importing_report import Duplicate, ImportReport, RowOutcome
from bot.importing_rows import ImportRow, RowError, parse_row
from bot.importing_table import read_table
from domain.audit import AuditEntry
from domain.customer import Customer, normalize_name
from domain.ports import UnitOfWork

__all__ = ["Duplicate", "ImportReport", "RowError", "RowOutcome", "import_customers_file"]

ACTION = "import"
_FILLED = ("short_name", "industry", "region", "phone", "email", "domain", "address")


@dataclass(slots=True)
class _Planned:
    """What one good row will write: a new customer, or changes to a stored one, and maybe a contact."""

    row: ImportRow
    outcome: RowOutcome
    customer: Customer
    is_new: bool
    changes: dict[str, list[Any]] = field(default_factory=dict)
    add_contact: bool = False


class _Seen:
    """Keys of the rows accepted so far: name key, phone, email, and the stored customer they touch."""

    def __init__(self) -> None:
        self._first: dict[tuple[str, str], int] = {}

    @staticmethod
    def _keys(row: ImportRow) -> list[tuple[str, str]]:
        pairs = (("name", row.name_key), ("phone", row.phone_key), ("email", row.email_key))
        return [(kind, value) for kind, value in pairs if value]

    def match(self, row: ImportRow) -> tuple[int, str] | None:
        for key in self._keys(row):
            if key in self._first:
                return self._first[key], key[0]
        return None

    def first_for(self, customer_id: int) -> int | None:
        return self._first.get(("customer", str(customer_id)))

    def remember(self, row: ImportRow, customer_id: int | None) -> None:
        keys = self._keys(row) + ([("customer", str(customer_id))] if customer_id is not None else [])
        for key in keys:
            self._first.setdefault(key, row.row)


async def import_customers_file(uow_factory: Callable[[], UnitOfWork], path: str | Path, *,
                                commit: bool, now: datetime) -> ImportReport:
    """Import customers from `path`. Dry run unless `commit`; the report says what was (or would be) done."""
    report, table = ImportReport.reading(path, commit, read_table)
    if table is None:
        return report
    good: list[ImportRow] = []
    for number, cells in table.rows:
        parsed = parse_row(number, cells)
        if isinstance(parsed, ImportRow):
            good.append(parsed)
        else:
            report.errors.extend(parsed)
    async with uow_factory() as uow:
        plans = await _plan(uow, good, report, now)
        if commit and plans:
            batch = f"{ACTION}:{now:%Y%m%dT%H%M%S}:{uuid.uuid4().hex[:8]}"
            await _write(uow, plans, now, batch, report.file)
            await uow.commit()
    return report


async def _plan(uow: UnitOfWork, rows: Sequence[ImportRow], report: ImportReport,
                now: datetime) -> list[_Planned]:
    """Sort the good rows into new / updated / unchanged / duplicates without writing anything."""
    seen, plans = _Seen(), []
    for row in rows:
        planned = await _plan_row(uow, row, seen, now)
        if isinstance(planned, Duplicate):
            report.duplicates.append(planned)
            continue
        if planned.is_new:
            report.created.append(planned.outcome)
        elif planned.outcome.fields:
            report.updated.append(planned.outcome)
        else:
            report.unchanged.append(planned.outcome)
            continue
        plans.append(planned)
    return plans


async def _plan_row(uow: UnitOfWork, row: ImportRow, seen: _Seen, now: datetime) -> _Planned | Duplicate:
    if hit := seen.match(row):
        return Duplicate(row.row, hit[0], row.name, hit[1])
    existing, by_contact_point = await _find_existing(uow, row)
    if existing is None:
        seen.remember(row, None)
        return _Planned(row, RowOutcome(row.row, row.name), row.to_customer(now), True,
                        add_contact=bool(row.contact))
    assert existing.id is not None
    if (first := seen.first_for(existing.id)) is not None:
        return Duplicate(row.row, first, row.name, "customer")
    seen.remember(row, existing.id)
    changes = merge_into(existing, row, name_as_alias=by_contact_point)
    add_contact = bool(row.contact) and not any(
        c.name.casefold() == row.contact.casefold() for c in await uow.contacts.for_customer(existing.id))
    fields = (*changes, "contact") if add_contact else tuple(changes)
    return _Planned(row, RowOutcome(row.row, row.name, existing.id, fields), existing, False,
                    changes, add_contact)


async def _find_existing(uow: UnitOfWork, row: ImportRow) -> tuple[Customer | None, bool]:
    """The stored customer the row stands for, and whether it was found by phone/email (not by name)."""
    found = await uow.customers.by_name_key(row.name_key)
    if found is not None or not (row.phone or row.email):
        return found, False
    found = await uow.customers.by_contact_point(phone=row.phone, email=row.email)
    return found, found is not None


def merge_into(customer: Customer, row: ImportRow, *, name_as_alias: bool = False) -> dict[str, list[Any]]:
    """Fill `customer`'s empty fields from `row` and merge tags/aliases; returns field -> [before, after].

    Nothing already stored is replaced or removed. With `name_as_alias` (matched by phone/email) a
    different name in the row is kept as an alias.
    """
    changes: dict[str, list[Any]] = {}
    for name in _FILLED:
        old, new = getattr(customer, name), getattr(row, name)
        if new and not old:
            setattr(customer, name, new)
            changes[name] = [old, new]
    if row.point is not None and customer.latitude is None:  # coordinates are filled in like the rest
        changes["coordinates"] = [None, list(row.point)]
        customer.latitude, customer.longitude = row.point
    tags = _union(customer.tags, row.tags)
    if tags != customer.tags:
        changes["tags"] = [list(customer.tags), tags]
        customer.tags = tags
    wanted = list(row.aliases)
    if name_as_alias and row.name_key != normalize_name(customer.name):
        wanted.append(row.name)
    own_key = normalize_name(customer.name)
    aliases = _union(customer.aliases, (a for a in wanted if normalize_name(a) != own_key))
    if aliases != customer.aliases:
        changes["aliases"] = [list(customer.aliases), aliases]
        customer.aliases = aliases
    return changes


def _union(old: Sequence[str], new: Iterable[str]) -> list[str]:
    merged, folded = list(old), {value.casefold() for value in old}
    for value in new:
        if value.casefold() not in folded:
            merged.append(value)
            folded.add(value.casefold())
    return merged


async def _write(uow: UnitOfWork, plans: Sequence[_Planned], now: datetime, batch: str, file: str) -> None:
    async def audit(entity: str, entity_id: int | None, changes: dict[str, Any]) -> None:
        assert entity_id is not None
        await uow.audit.add(AuditEntry(actor_id=None, entity=entity, entity_id=entity_id, action=ACTION,
                                       at=now, changes=changes, batch=batch))

    for plan in plans:
        where = {"file": file, "row": plan.row.row}
        if plan.is_new:
            customer = await uow.customers.add(plan.customer)
            plan.outcome.customer_id = customer.id
            await audit("customer", customer.id, {"name": [None, customer.name], **where})
        elif plan.changes:
            await uow.customers.save(plan.customer)
            await audit("customer", plan.customer.id, {**plan.changes, **where})
        if plan.add_contact:
            assert plan.outcome.customer_id is not None
            contact = await uow.contacts.add(plan.row.to_contact(plan.outcome.customer_id))
            await audit("contact", contact.id, {"name": [None, contact.name], **where})
