"""Generic repository over one table: add/get/find/save/delete returning domain objects."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from sqlalchemy import ColumnElement, Select, delete, insert, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import NotFound
from storage.mapping import RowMapper
from storage.models import Base


class Identified(Protocol):
    """Every domain entity: `id` is None until `add` assigns it."""

    id: int | None


D = TypeVar("D", bound=Identified)
R = TypeVar("R", bound=Base)


def dialect_insert(session: AsyncSession, row: type[Base]) -> postgresql.Insert | sqlite.Insert:
    """INSERT with ON CONFLICT support for the session's engine (SQLite or PostgreSQL)."""
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert(row)
    if name == "sqlite":
        return sqlite.insert(row)
    raise NotImplementedError(f"no upsert support for dialect {name!r}")


def like_pattern(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, with wildcards escaped (use escape='\\\\')."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


async def before_write(session: AsyncSession) -> None:
    """Open the unit of work's pending savepoint, if any, before the first write inside it.

    `SqlAlchemyUnitOfWork.savepoint()` is lazy: a block that only reads costs no SAVEPOINT/RELEASE.
    Every write below calls this first, so whatever the block writes is undone with it.
    """
    lazy = session.info.get("savepoint")
    if lazy is not None and lazy.nested is None:
        lazy.nested = await session.begin_nested()


class SqlRepository(Generic[D, R]):
    """Subclasses set `row`, `mapper` and the entity names used in NotFound (zh, en)."""

    row: ClassVar[type[Any]]
    mapper: ClassVar[RowMapper[Any]]
    what: ClassVar[tuple[str, str]] = ("记录", "record")
    ref_prefix: ClassVar[str] = "#"
    order: ClassVar[tuple[str, ...]] = ()  # columns for "oldest first" lists, before id

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, item: D) -> D:
        await before_write(self.session)
        if type(self)._fill is SqlRepository._fill:  # no child rows: one Core INSERT, no ORM flush
            stmt = insert(self.row).returning(self.row.id)
            result = await self.session.execute(stmt, self.mapper.columns(item, with_id=False))
            item.id = result.scalar_one()
            return item
        row = self.row()
        self._fill(row, item)
        self.session.add(row)
        await self.session.flush()
        item.id = row.id
        self._hold(row)
        return item

    async def get(self, item_id: int) -> D:
        found = await self.find(item_id)
        if found is None:
            raise NotFound(self.what[0], f"{self.ref_prefix}{item_id}", self.what[1])
        return found

    async def find(self, item_id: int) -> D | None:
        row = await self.session.get(self.row, item_id)
        return None if row is None else self._load(self._hold(row))

    async def many(self, item_ids: Iterable[int]) -> dict[int, D]:
        """The items with these ids, by id; missing ids are left out."""
        wanted = set(item_ids)
        if not wanted:
            return {}
        items = await self._all(select(self.row).where(self.row.id.in_(wanted)))
        return {item.id: item for item in items if item.id is not None}

    async def save(self, item: D) -> None:
        item_id = item.id
        row = None if item_id is None else await self.session.get(self.row, item_id)
        if row is None:
            raise NotFound(self.what[0], f"{self.ref_prefix}{item_id}", self.what[1])
        await before_write(self.session)
        await self._load_children(row)
        self._fill(row, item)  # flushed with the next query or commit, together with other changes

    async def delete(self, item: D) -> None:
        """Removes the row (and, in the database, the details it owns). Missing rows are ignored."""
        item_id = item.id
        if item_id is not None:
            await before_write(self.session)
            await self.session.execute(delete(self.row).where(self.row.id == item_id))

    # Hooks for entities with child tables.
    children: ClassVar[tuple[str, ...]] = ()  # relationship names that _fill touches

    async def _load_children(self, row: R) -> None:
        """`_fill` runs synchronously: load the collections it touches first (they may have been expired)."""
        unloaded = sa_inspect(row).unloaded & set(self.children)
        if unloaded:
            await self.session.refresh(row, attribute_names=sorted(unloaded))

    def _load(self, row: R) -> D:
        loaded: D = self.mapper.load(row)
        return loaded

    def _fill(self, row: R, item: D) -> None:
        self.mapper.fill(row, item)

    async def _all(self, stmt: Select[R]) -> list[D]:
        return [self._load(self._hold(row)) for row in await self.session.scalars(stmt)]

    async def _first(self, stmt: Select[R]) -> D | None:
        row = (await self.session.scalars(stmt.limit(1))).first()
        return None if row is None else self._load(self._hold(row))

    def _hold(self, row: R) -> R:
        """Keep loaded rows alive for the session: its identity map holds them weakly, and a later
        `save` then finds the row there instead of selecting it (and its children) again."""
        self.session.info.setdefault("held", []).append(row)
        return row

    async def _children(self, column: str, parent_id: int) -> list[D]:
        """Rows whose `column` is `parent_id`, ordered by `order` then id."""
        keys: list[ColumnElement[Any]] = [getattr(self.row, name) for name in (*self.order, "id")]
        stmt = select(self.row).where(getattr(self.row, column) == parent_id).order_by(*keys)
        return await self._all(stmt)


class PerOpportunityRepository(SqlRepository[D, R]):
    """Rows that belong to one opportunity, oldest first."""

    async def for_opportunity(self, opportunity_id: int) -> Sequence[D]:
        return await self._children("opportunity_id", opportunity_id)


class PerProjectRepository(SqlRepository[D, R]):
    """Delivery rows that belong to one project, oldest first."""

    async def for_project(self, project_id: int) -> Sequence[D]:
        return await self._children("project_id", project_id)
