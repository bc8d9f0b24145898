"""Generic repository over one table: add/get/find/save/delete returning domain objects.

Reads and writes go through SQLAlchemy Core, not the ORM: rows come back as plain Rows that the
RowMapper turns into domain objects, with no identity map, instance state or unit-of-work flush (measured
here: a Core find by id costs a third of `session.get`). The hottest statements are built once per class
with bind parameters (`statement`), so they are neither rebuilt nor re-keyed per call.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from sqlalchemy import Executable, Select, Table, bindparam, delete, func, insert, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import NotFound
from storage.mapping import RowMapper
from storage.models import Base
from storage.mysql import MySQLInsert, is_mysql, mysql_insert


class Identified(Protocol):
    """Every domain entity: `id` is None until `add` assigns it."""

    id: int | None


D = TypeVar("D", bound=Identified)
R = TypeVar("R", bound=Base)
E = TypeVar("E", bound=Executable)

_STATEMENTS: dict[tuple[object, str], Any] = {}
CHUNK = 500  # values per IN list of a bulk read (well under SQLite's and asyncpg's bind parameter limits)
_NO_SYNC = {"synchronize_session": False}


def statement(owner: object, name: str, build: Callable[[], E]) -> E:
    """The statement `name` of `owner` (a class or module name), built on first use and kept."""
    key = (owner, name)
    found = _STATEMENTS.get(key)
    if found is None:
        found = _STATEMENTS[key] = build()
    return found


def table_of(row: type[Base]) -> Table:
    """The Core table behind an ORM class."""
    table: Table = row.__table__  # type: ignore[assignment]
    return table


def dialect_insert(session: AsyncSession, row: type[Base] | Table) -> postgresql.Insert | sqlite.Insert | MySQLInsert:
    """INSERT with ON CONFLICT support for the session's engine (SQLite, PostgreSQL; MySQL through
    storage.mysql.MySQLInsert, which speaks the same methods)."""
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert(row)
    if name == "sqlite":
        return sqlite.insert(row)
    if is_mysql(name):
        return mysql_insert(row)
    raise NotImplementedError(f"no upsert support for dialect {name!r}")


def like_pattern(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, with wildcards escaped (use escape='\\\\')."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# One fixed name per depth (a block inside a block is rare): the statements compile once, unlike
# begin_nested()'s numbered ones. Safe because every write goes through Core statements, so the ORM session
# holds no state that a ROLLBACK TO would leave behind. A name per depth, not one name: MySQL replaces a
# savepoint of the same name instead of nesting it as PostgreSQL and SQLite do.
SAVEPOINT, ROLLBACK_TO_SAVEPOINT, RELEASE_SAVEPOINT = (
    tuple(text(f"{verb} dealbot_message{suffix}") for suffix in ("", "_1", "_2", "_3"))
    for verb in ("SAVEPOINT", "ROLLBACK TO SAVEPOINT", "RELEASE SAVEPOINT"))


async def before_write(session: AsyncSession) -> None:
    """Open the unit of work's pending savepoint, if any, before the first write inside it.

    `SqlAlchemyUnitOfWork.savepoint()` is lazy: a block that only reads costs no SAVEPOINT/RELEASE.
    Every write below calls this first, so whatever the block writes is undone with it.
    """
    lazy = session.info.get("savepoint")
    if lazy is not None and not lazy.open:
        await session.execute(SAVEPOINT[lazy.depth])
        lazy.open = True


def savepoint_marker(session: AsyncSession) -> object:
    """What identifies the savepoint block now running (None outside one): child rows remembered in one
    block are trusted only in that block, since a rollback at its end may undo what was written."""
    return session.info.get("savepoint")


def is_orm_statement(stmt: Executable) -> bool:
    return stmt._propagate_attrs.get("compile_state_plugin") == "orm"


class SqlRepository(Generic[D, R]):
    """Subclasses set `row`, `mapper` and the entity names used in NotFound (zh, en).

    Entities with child tables override `_load_rows` (rows -> entities with their children), and
    `_write_children` (called after the entity's own row was inserted or updated).
    """

    row: ClassVar[type[Any]]
    mapper: ClassVar[RowMapper[Any]]
    what: ClassVar[tuple[str, str]] = ("记录", "record")
    ref_prefix: ClassVar[str] = "#"
    order: ClassVar[tuple[str, ...]] = ()  # columns for "oldest first" lists, before id

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @classmethod
    def table(cls) -> Table:
        return table_of(cls.row)

    async def add(self, item: D) -> D:
        await before_write(self.session)
        stmt = statement(type(self), "insert", lambda: insert(self.table()).returning(self.table().c.id))
        result = await self.session.execute(stmt, self.mapper.columns(item, with_id=False))
        item.id = result.scalar_one()
        await self._write_children(item, created=True)
        return item

    async def get(self, item_id: int) -> D:
        found = await self.find(item_id)
        if found is None:
            raise NotFound(self.what[0], f"{self.ref_prefix}{item_id}", self.what[1])
        return found

    async def find(self, item_id: int) -> D | None:
        stmt = statement(type(self), "find", self._find_statement)
        found = await self._all(stmt, {"id": item_id})
        return found[0] if found else None

    def _find_statement(self) -> Select[Any]:
        table = self.table()
        return select(table).where(table.c.id == bindparam("id"))

    async def many(self, item_ids: Iterable[int]) -> dict[int, D]:
        """The items with these ids, by id; missing ids are left out."""
        wanted = sorted(set(item_ids))
        if not wanted:
            return {}
        table = self.table()
        stmt = statement(type(self), "many", lambda: select(table).where(
            table.c.id.in_(bindparam("ids", expanding=True))).order_by(table.c.id))
        items = await self._all(stmt, {"ids": wanted})
        return {item.id: item for item in items if item.id is not None}

    async def count_by(self, field: str, value: int) -> int:
        """How many rows hold `value` in the column `field`."""
        def build() -> Select[Any]:
            table = self.table()
            return select(func.count()).select_from(table).where(table.c[field] == bindparam("value"))

        result = await self.session.execute(statement(type(self), f"count_by:{field}", build), {"value": value})
        return int(result.scalar_one())

    async def save(self, item: D) -> None:
        """UPDATE of the entity's columns (and its child rows); NotFound when the row is gone."""
        if item.id is None:
            raise NotFound(self.what[0], f"{self.ref_prefix}{item.id}", self.what[1])
        await before_write(self.session)
        stmt = statement(type(self), "update", self._update_statement)
        values = self.mapper.columns(item, with_id=False)
        result = await self.session.execute(stmt, {"_id": item.id, **values}, execution_options=_NO_SYNC)
        if getattr(result, "rowcount", 1) == 0:
            raise NotFound(self.what[0], f"{self.ref_prefix}{item.id}", self.what[1])
        await self._write_children(item, created=False)

    def _update_statement(self) -> Any:
        """SET takes the columns of the parameters (the mapper's columns), as in an executemany UPDATE."""
        table = self.table()
        return update(table).where(table.c.id == bindparam("_id"))

    async def delete(self, item: D) -> None:
        """Removes the row (and, in the database, the details it owns). Missing rows are ignored."""
        item_id = item.id
        if item_id is not None:
            await before_write(self.session)
            table = self.table()
            stmt = statement(type(self), "delete", lambda: delete(table).where(table.c.id == bindparam("id")))
            await self.session.execute(stmt, {"id": item_id})

    # Hooks for entities with child tables.
    async def _load_rows(self, rows: Sequence[Row[Any]]) -> list[D]:
        return [self.mapper.load(row) for row in rows]

    async def _write_children(self, item: D, *, created: bool) -> None:
        """Entities with child tables write them here (after their own row)."""

    async def _all(self, stmt: Executable, params: dict[str, Any] | None = None) -> list[D]:
        """The entities a SELECT of this table's columns returns. A select of the ORM class (`select(Row)`)
        is accepted too; it is read with populate_existing, so an earlier Core write is never hidden."""
        if is_orm_statement(stmt) and isinstance(stmt, Select) and stmt.column_descriptions[0].get("entity"):
            rows = await self.session.scalars(stmt, params, execution_options={"populate_existing": True})
            return await self._load_rows(list(rows))
        result = await self.session.execute(stmt, params)
        return await self._load_rows(result.all())

    async def _first(self, stmt: Select[Any], params: dict[str, Any] | None = None) -> D | None:
        found = await self._all(stmt.limit(1), params)
        return found[0] if found else None

    async def _children(self, column: str, parent_id: int) -> list[D]:
        """Rows whose `column` is `parent_id`, ordered by `order` then id."""
        def build() -> Select[Any]:
            table = self.table()
            keys = [table.c[name] for name in (*self.order, "id")]
            return select(table).where(table.c[column] == bindparam("parent")).order_by(*keys)

        return await self._all(statement(type(self), f"children:{column}", build), {"parent": parent_id})


class PerOpportunityRepository(SqlRepository[D, R]):
    """Rows that belong to one opportunity, oldest first."""

    async def for_opportunity(self, opportunity_id: int) -> Sequence[D]:
        return await self._children("opportunity_id", opportunity_id)


class PerProjectRepository(SqlRepository[D, R]):
    """Delivery rows that belong to one project, oldest first."""

    async def for_project(self, project_id: int) -> Sequence[D]:
        return await self._children("project_id", project_id)
