"""Lock up to `limit` rows a WHERE matches, skipping rows other transactions hold (FOR UPDATE SKIP LOCKED).

PostgreSQL locks only the rows it returns. MySQL/MariaDB lock every row the chosen plan reads before the LIMIT
applies: a plan that sorts an index range (or scans a table whose statistics say it is empty) locks every
candidate, and a second claimer gets nothing. There the candidates' ids are read first without locks (a window
of a few times `limit`, oldest first), then only those rows are locked, by primary key in id order, so
concurrent claimers take disjoint slices of the window.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncSession

from storage.mysql import is_mysql

WINDOW = 4  # on MySQL: the candidates read per claim, in multiples of `limit` (claimers that can share a window)


async def lock_skipping(session: AsyncSession, entity: Any, key: Any, where: ColumnElement[bool],
                        columns: Sequence[Any], limit: int) -> Sequence[Row[Any]]:
    """`SELECT columns FROM entity WHERE where ORDER BY key LIMIT limit FOR UPDATE SKIP LOCKED`, on every engine.

    `entity` is the mapped class or table, `key` its integer primary key column."""
    if is_mysql(session.get_bind().dialect.name):
        seen = list(await session.scalars(select(key).where(where).order_by(key).limit(WINDOW * limit)))
        if not seen:
            return []
        where = and_(where, key.in_(seen))
    return (await session.execute(
        select(*columns).where(where).order_by(key)
        .with_hint(entity, "FORCE INDEX (PRIMARY)", "mysql")  # only the candidates' rows, in id order
        .limit(limit).with_for_update(skip_locked=True, of=entity))).all()
