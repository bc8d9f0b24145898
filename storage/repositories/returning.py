"""UPDATE ... RETURNING on every engine.

SQLite and PostgreSQL run it as one statement. MySQL/MariaDB have no UPDATE ... RETURNING (MariaDB has
INSERT and DELETE ... RETURNING only): there the rows the WHERE matches are locked and read first
(SELECT ... FOR UPDATE, which under READ COMMITTED sees the latest committed rows and keeps others off
them until the commit; the keys are read first without locks and only those rows locked, through the primary
key, since a locking scan would wait on every row other transactions hold), updated by primary key, and the
returned columns are the ones read (when the update does not change them) or read again by primary key. The
UPDATE itself names only primary keys, so its WHERE may read the table it changes (MySQL refuses a subquery on
the updated table inside UPDATE). The outcome is the same: the rows changed, as they are after the change, and
no other transaction could slip in between.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Table, and_, select, tuple_, update
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncSession

_NO_SYNC = {"synchronize_session": False}


async def update_returning(session: AsyncSession, table: Table, where: ColumnElement[bool],
                           values: Mapping[str, Any], columns: Sequence[Any]) -> Sequence[Row[Any]]:
    """`UPDATE table SET values WHERE where RETURNING columns`: the changed rows' `columns`."""
    stmt = update(table).where(where).values(**values)
    if session.get_bind().dialect.update_returning:
        return (await session.execute(stmt.returning(*columns), execution_options=_NO_SYNC)).all()
    keys = list(table.primary_key.columns)
    extra = [key for key in keys if not any(column is key for column in columns)]  # appended, after what was asked
    locking = select(*columns, *extra)
    if len(keys) == 1:  # lock only the matching rows, by key: a scan would wait on every row others hold
        seen = list(await session.scalars(select(keys[0]).where(where)))
        if not seen:
            return []
        locking = locking.with_hint(table, "FORCE INDEX (PRIMARY)", "mysql")
        where = and_(where, keys[0].in_(seen))  # re-checked under the lock
    found = (await session.execute(locking.where(where).with_for_update())).all()
    if not found:
        return []
    found_keys = [tuple(row._mapping[key] for key in keys) for row in found]
    match = (keys[0].in_([key[0] for key in found_keys]) if len(keys) == 1
             else tuple_(*keys).in_(found_keys))
    await session.execute(update(table).where(match).values(**values), execution_options=_NO_SYNC)
    if not any(getattr(column, "key", None) in values for column in columns):
        return found
    if any(key.name in values for key in keys):
        raise ValueError(f"update_returning cannot read back {table.name} rows whose primary key it changed")
    return (await session.execute(select(*columns).where(match))).all()
