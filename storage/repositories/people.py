"""Reps (with their channel identities) and teams."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select

from domain.people import Rep, Team
from storage.mapping import RowMapper
from storage.models import IdentityRow, RepRow, TeamRow
from storage.repositories.base import SqlRepository


class SqlAlchemyRepRepository(SqlRepository[Rep, RepRow]):
    row = RepRow
    mapper = RowMapper(Rep, skip=["identities"])
    what = ("销售", "rep")
    children = ("identities",)

    async def by_identity(self, channel: str, external_id: str) -> Rep | None:
        stmt = select(RepRow).join(IdentityRow).where(
            IdentityRow.channel == channel, IdentityRow.external_id == external_id)
        return await self._first(stmt)

    async def by_name(self, name: str) -> Rep | None:
        """Exact name first, then case-insensitive."""
        exact = await self._first(select(RepRow).where(RepRow.name == name).order_by(RepRow.id))
        if exact is not None:
            return exact
        stmt = select(RepRow).where(func.lower(RepRow.name) == name.lower()).order_by(RepRow.id)
        return await self._first(stmt)

    async def list(self) -> Sequence[Rep]:
        return await self._all(select(RepRow).order_by(RepRow.id))

    def _load(self, row: RepRow) -> Rep:
        rep: Rep = self.mapper.load(row, identities={i.channel: i.external_id for i in row.identities})
        return rep

    def _fill(self, row: RepRow, item: Rep) -> None:
        self.mapper.fill(row, item)
        existing = {identity.channel: identity for identity in row.identities}
        for channel, external_id in item.identities.items():
            if channel in existing:
                existing[channel].external_id = external_id
            else:
                row.identities.append(IdentityRow(channel=channel, external_id=external_id))
        row.identities[:] = [i for i in row.identities if i.channel in item.identities]


class SqlAlchemyTeamRepository(SqlRepository[Team, TeamRow]):
    row = TeamRow
    mapper = RowMapper(Team)
    what = ("团队", "team")

    async def by_name(self, name: str) -> Team | None:
        exact = await self._first(select(TeamRow).where(TeamRow.name == name).order_by(TeamRow.id))
        if exact is not None:
            return exact
        stmt = select(TeamRow).where(func.lower(TeamRow.name) == name.lower()).order_by(TeamRow.id)
        return await self._first(stmt)

    async def list(self) -> Sequence[Team]:
        return await self._all(select(TeamRow).order_by(TeamRow.id))
