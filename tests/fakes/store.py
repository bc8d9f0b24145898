"""The in-memory store and the generic table behind every fake repository."""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from domain.errors import NotFound

if TYPE_CHECKING:
    from tests.fakes.uow import FakeUnitOfWork

Rows = dict[Hashable, Any]
_TABLES = ("reps", "teams", "customers", "contacts", "leads", "opportunities", "followups", "quotes",
           "contracts", "milestones", "payments", "invoices", "projects", "reminders", "audit", "inbox",
           "audit_undone", "outbox", "settings", "mail_threads", "mail_quarantine", "daily_reports",
           "targets", "close_moves", "approvals")
_WHAT = {
    "reps": ("销售", "rep"), "teams": ("团队", "team"), "customers": ("客户", "customer"),
    "contacts": ("联系人", "contact"), "leads": ("线索", "lead"), "opportunities": ("商机", "deal"),
    "followups": ("跟进", "follow-up"), "quotes": ("报价", "quote"), "contracts": ("合同", "contract"),
    "milestones": ("回款节点", "payment milestone"), "payments": ("回款", "payment"),
    "invoices": ("发票", "invoice"), "projects": ("项目", "project"), "reminders": ("提醒", "reminder"),
    "inbox": ("消息", "message"), "outbox": ("待发消息", "outbox item"), "approvals": ("审批", "approval"),
}
_UNIQUE: dict[str, Callable[[Any], Hashable]] = {
    "inbox": lambda r: (r.channel, r.external_id),
    "outbox": lambda r: r.dedupe_key,  # None is never a duplicate
    "mail_threads": lambda r: (r.kind, r.key),
    "daily_reports": lambda r: (r.rep_id, r.day),
}
_tokens = itertools.count(1)


class FakeIntegrityError(RuntimeError):
    """A commit would store a second row with the same unique key."""


class FakeStore:
    """The committed state shared by every FakeUnitOfWork created from it."""

    def __init__(self) -> None:
        self.tables: dict[str, Rows] = {name: {} for name in _TABLES}
        self.locks: dict[tuple[str, Hashable], int] = {}  # row -> token of the unit of work holding it
        self._ids = {name: itertools.count(1) for name in _TABLES}

    def uow(self) -> FakeUnitOfWork:
        from tests.fakes.uow import FakeUnitOfWork

        return FakeUnitOfWork(self)

    def next_id(self, table: str) -> int:
        return next(self._ids[table])

    def write(self, data: dict[str, Rows], dirty: set[tuple[str, Hashable]]) -> None:
        for table, key in dirty:
            unique = _UNIQUE.get(table)
            row = data[table].get(key)
            if unique is not None and row is not None and unique(row) is not None and any(
                    k != key and unique(other) == unique(row) for k, other in self.tables[table].items()):
                raise FakeIntegrityError(f"{table}: duplicate {unique(row)!r}")
        for table, key in dirty:
            if key in data[table]:
                self.tables[table][key] = copy.deepcopy(data[table][key])
            else:
                self.tables[table].pop(key, None)

    def release(self, token: int) -> None:
        for row in [row for row, holder in self.locks.items() if holder == token]:
            del self.locks[row]


class _HasId(Protocol):
    id: int | None


class _PerOpportunityRow(_HasId, Protocol):
    @property
    def opportunity_id(self) -> int | None: ...


E = TypeVar("E", bound=_HasId)
P = TypeVar("P", bound=_PerOpportunityRow)


class _Table(Generic[E]):
    def __init__(self, uow: FakeUnitOfWork, table: str) -> None:
        self._uow, self._table = uow, table
        self._what = _WHAT.get(table, ("记录", "record"))  # for NotFound

    @property
    def _rows(self) -> Rows:
        return self._uow.data[self._table]

    def _select(self, keep: Callable[[E], bool] = lambda _: True,
                key: Callable[[E], Any] = lambda row: row.id) -> Sequence[E]:
        return [copy.deepcopy(row) for row in sorted((r for r in self._rows.values() if keep(r)), key=key)]

    def _put(self, item: E) -> None:
        assert item.id is not None
        self._rows[item.id] = copy.deepcopy(item)
        self._uow.dirty.add((self._table, item.id))

    def _row(self, item_id: int) -> E:
        row: E | None = self._rows.get(item_id)
        if row is None:
            prefix = {"leads": "L", "approvals": "A"}.get(self._table, "#")
            raise NotFound(self._what[0], f"{prefix}{item_id}", self._what[1])
        return row

    def _insert(self, item: E) -> E:
        """Always a fresh id (a preset one is replaced), as the database assigns it."""
        item.id = self._uow.store.next_id(self._table)
        self._put(item)
        return item


class FakeRepository(_Table[E]):
    async def add(self, item: E) -> E:
        return self._insert(item)

    async def get(self, item_id: int) -> E:
        return copy.deepcopy(self._row(item_id))

    async def many(self, item_ids: Iterable[int]) -> dict[int, E]:
        wanted = set(item_ids)
        return {row.id: row for row in self._select(lambda r: r.id in wanted) if row.id is not None}

    async def find(self, item_id: int) -> E | None:
        return copy.deepcopy(self._rows.get(item_id))

    async def count_by(self, field: str, value: int) -> int:
        return sum(1 for row in self._rows.values() if getattr(row, field, None) == value)

    async def save(self, item: E) -> None:
        self._row(item.id if item.id is not None else -1)
        self._put(item)

    async def delete(self, item: E) -> None:
        if item.id is not None and self._rows.pop(item.id, None) is not None:
            self._uow.dirty.add((self._table, item.id))


