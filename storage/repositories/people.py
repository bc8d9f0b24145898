"""Reps (with their channel identities) and teams."""

from __future__ import annotations

import asyncio
import builtins
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, bindparam, delete, func, insert, select, update
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncSession

from domain.people import Rep, Team
from storage.mapping import RowMapper
from storage.models import IdentityRow, RepRow, SettingRow, TeamRow
from storage.repositories.base import (
    D,
    R,
    SqlRepository,
    before_write,
    dialect_insert,
    savepoint_marker,
    statement,
    table_of,
)

REPS = table_of(RepRow)
IDENTITIES = table_of(IdentityRow)
TEAMS = table_of(TeamRow)
DIRECTORY_VERSION = "directory_version"  # settings key: changes with every write to reps, identities, teams
_BUMPED = "directory_version_bumped"
OFF_LOOP_ROWS = 200  # rows of reps × identities mapped inline; more go to a worker thread


async def bump_directory_version(session: AsyncSession) -> None:
    """Give the directory a new version, in the transaction (and savepoint) of the write that changed it.

    The version is a fresh random token, not a counter: two concurrent writers can never end on the same
    value, so a process that cached the directory at one writer's version always sees that it changed.
    Anything writing reps, identities or teams outside these repositories (bulk loaders) must call this.
    """
    done_in = (savepoint_marker(session), session.get_transaction())  # once per transaction and block
    if session.info.get(_BUMPED) == done_in:
        return
    await before_write(session)
    stmt = dialect_insert(session, SettingRow).values(key=DIRECTORY_VERSION, value=uuid.uuid4().hex)
    await session.execute(stmt.on_conflict_do_update(index_elements=["key"], set_={"value": stmt.excluded.value}))
    session.info[_BUMPED] = (savepoint_marker(session), session.get_transaction())


class _VersionedRepository(SqlRepository[D, R]):
    """Every add, save and delete changes the directory's version (see bump_directory_version)."""

    async def add(self, item: D) -> D:
        added = await super().add(item)
        await bump_directory_version(self.session)
        return added

    async def save(self, item: D) -> None:
        await super().save(item)
        await bump_directory_version(self.session)

    async def delete(self, item: D) -> None:
        await super().delete(item)
        await bump_directory_version(self.session)


def with_identities(reps: Select[Any]) -> Select[Any]:
    """`reps` (a select of the reps table) with each rep's identities joined in, one row per identity."""
    r = reps.subquery("r")
    return (select(r, IDENTITIES.c.channel.label("i_channel"), IDENTITIES.c.external_id.label("i_external_id"))
            .select_from(r.outerjoin(IDENTITIES, IDENTITIES.c.rep_id == r.c.id))
            .order_by(r.c.id, IDENTITIES.c.id))


class SqlAlchemyRepRepository(_VersionedRepository[Rep, RepRow]):
    """Identities are one row per channel: `save` updates, adds and removes them to match `rep.identities`."""

    row = RepRow
    mapper = RowMapper(Rep, skip=["identities"])
    what = ("销售", "rep")

    async def by_identity(self, channel: str, external_id: str) -> Rep | None:
        owner = select(IDENTITIES.c.rep_id).where(
            IDENTITIES.c.channel == channel, IDENTITIES.c.external_id == external_id)
        return await self._first(select(REPS).where(REPS.c.id.in_(owner)))

    async def by_name(self, name: str) -> Rep | None:
        """Exact name first, then case-insensitive."""
        exact = await self._first(select(REPS).where(REPS.c.name == name).order_by(REPS.c.id))
        if exact is not None:
            return exact
        return await self._first(select(REPS).where(func.lower(REPS.c.name) == name.lower()).order_by(REPS.c.id))

    async def list(self) -> Sequence[Rep]:
        stmt = statement(type(self), "list", lambda: with_identities(select(REPS).order_by(REPS.c.id)))
        return await self._all(stmt)

    def _find_statement(self) -> Select[Any]:
        return with_identities(select(REPS).where(REPS.c.id == bindparam("id")))

    async def _all(self, stmt: Any, params: dict[str, Any] | None = None) -> builtins.list[Rep]:
        """Every read of reps has their identities joined in (prebuilt statements already have)."""
        if "i_channel" not in stmt.selected_columns:
            stmt = with_identities(stmt)
        return await super()._all(stmt, params)

    async def _load_rows(self, rows: Sequence[Row[Any]]) -> builtins.list[Rep]:
        """A big read (the whole directory: 2,000 people take ~50 ms to map) is mapped in a worker thread,
        so that the event loop is not held meanwhile."""
        if len(rows) > OFF_LOOP_ROWS:
            return await asyncio.to_thread(self._reps_of, rows)
        return self._reps_of(rows)

    def _reps_of(self, rows: Sequence[Row[Any]]) -> builtins.list[Rep]:
        firsts: dict[int, Row[Any]] = {}
        identities: dict[int, dict[str, str]] = {}
        for row in rows:
            firsts.setdefault(row.id, row)
            if row.i_channel is not None:
                identities.setdefault(row.id, {})[row.i_channel] = row.i_external_id
        return [self.mapper.load(row, identities=identities.get(rep_id, {})) for rep_id, row in firsts.items()]

    async def _write_children(self, item: Rep, *, created: bool) -> None:
        assert item.id is not None
        have: dict[str, tuple[int, str]] = {}
        if not created:
            held = select(IDENTITIES.c.id, IDENTITIES.c.channel, IDENTITIES.c.external_id).where(
                IDENTITIES.c.rep_id == item.id)
            have = {row.channel: (row.id, row.external_id) for row in await self.session.execute(held)}
        if gone := [row_id for channel, (row_id, _) in have.items() if channel not in item.identities]:
            await self.session.execute(delete(IDENTITIES).where(IDENTITIES.c.id.in_(gone)))
        for channel, external_id in item.identities.items():
            if channel not in have:
                values = {"rep_id": item.id, "channel": channel, "external_id": external_id}
                await self.session.execute(insert(IDENTITIES), values)
            elif have[channel][1] != external_id:
                change = update(IDENTITIES).where(IDENTITIES.c.id == have[channel][0])
                await self.session.execute(change.values(external_id=external_id),
                                           execution_options={"synchronize_session": False})


class SqlAlchemyTeamRepository(_VersionedRepository[Team, TeamRow]):
    row = TeamRow
    mapper = RowMapper(Team)
    what = ("团队", "team")

    async def by_name(self, name: str) -> Team | None:
        exact = await self._first(select(TEAMS).where(TEAMS.c.name == name).order_by(TEAMS.c.id))
        if exact is not None:
            return exact
        return await self._first(select(TEAMS).where(func.lower(TEAMS.c.name) == name.lower()).order_by(TEAMS.c.id))

    async def list(self) -> Sequence[Team]:
        return await self._all(statement(type(self), "list", lambda: select(TEAMS).order_by(TEAMS.c.id)))
