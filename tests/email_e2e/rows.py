"""Reading what the bot stored, as plain values (rows outlive the unit of work that read them)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from sqlalchemy import select

from tests.email_e2e.harness import MailWorld


async def rows(world: MailWorld, table: type[Any]) -> list[SimpleNamespace]:
    """Every row of `table`, oldest first."""
    async with world.uow() as uow:
        found = await uow.session.scalars(select(table).order_by(table.id))
        return [SimpleNamespace(**{c.key: getattr(row, c.key) for c in table.__table__.columns}) for row in found]
