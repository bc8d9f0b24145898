"""Visit check-ins (issue #14): the rows, the rep's customers near a shared location, a day's counts.

Near: the rep's customers (owned, or with an open deal the rep owns) inside a latitude/longitude box around
the location (SQL), then the exact distance of those few (domain.visit.nearest). Counts are one aggregate.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, or_, select

from domain.opportunity import OPEN_STAGES
from domain.visit import Nearby, Point, Visit, VisitCount, box, nearest
from storage.mapping import RowMapper
from storage.models import CustomerRow, OpportunityRow, RepRow, VisitRow
from storage.repositories.base import SqlRepository

CANDIDATES = 200  # customers inside the box read at most (the box is ~2 km wide)


class SqlAlchemyVisitRepository(SqlRepository[Visit, VisitRow]):
    row, mapper, what = VisitRow, RowMapper(Visit), ("拜访", "visit")

    async def nearby_customers(self, rep_id: int, here: Point, radius_m: float, limit: int = 5) -> list[Nearby]:
        lat_min, lat_max, lng_min, lng_max = box(here, radius_m)
        deals = select(OpportunityRow.customer_id).where(
            OpportunityRow.owner_id == rep_id, OpportunityRow.stage.in_([s.value for s in OPEN_STAGES]))
        stmt = (select(CustomerRow.id, CustomerRow.latitude, CustomerRow.longitude)
                .where(or_(CustomerRow.owner_id == rep_id, CustomerRow.id.in_(deals)),
                       CustomerRow.latitude.between(lat_min, lat_max),
                       CustomerRow.longitude.between(lng_min, lng_max))
                .order_by(CustomerRow.id).limit(CANDIDATES))
        rows = (await self.session.execute(stmt)).all()
        return nearest(here, ((r.id, Point(r.latitude, r.longitude)) for r in rows), radius_m)[:limit]

    async def count(self, start: datetime, end: datetime, team_ids: Iterable[int] | None = None,
                    rep_id: int | None = None) -> VisitCount:
        stmt: Any = select(func.count(VisitRow.id), func.coalesce(func.sum(case((VisitRow.far, 1), else_=0)), 0)
                           ).where(VisitRow.at >= start, VisitRow.at < end)
        if rep_id is not None:
            stmt = stmt.where(VisitRow.rep_id == rep_id)
        if team_ids is not None:
            stmt = stmt.join(RepRow, RepRow.id == VisitRow.rep_id).where(RepRow.team_id.in_(sorted(set(team_ids))))
        visits, far = (await self.session.execute(stmt)).one()
        return VisitCount(int(visits), int(far))

    async def by_rep(self, rep_id: int, start: datetime, end: datetime, limit: int = 100) -> list[Visit]:
        table = self.table()
        stmt = (select(table).where(table.c.rep_id == rep_id, table.c.at >= start, table.c.at < end)
                .order_by(table.c.at, table.c.id).limit(limit))
        return await self._all(stmt)
