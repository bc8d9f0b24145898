"""E-signature requests (issue #16): a contract's latest request, a request by the provider's flow id, and
the guarded move that makes callback handling idempotent across processes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, bindparam, select, update

from domain.esign import ContractSignature, SignatureStatus
from storage.mapping import RowMapper
from storage.models import ContractSignatureRow
from storage.repositories.base import SqlRepository, before_write, statement


class SqlAlchemyContractSignatureRepository(SqlRepository[ContractSignature, ContractSignatureRow]):
    row, mapper, what = ContractSignatureRow, RowMapper(ContractSignature), ("签署", "signature")

    async def latest_for(self, contract_id: int) -> ContractSignature | None:
        def build() -> Select[Any]:
            table = self.table()
            return (select(table).where(table.c.contract_id == bindparam("contract_id"))
                    .order_by(table.c.id.desc()).limit(1))

        found = await self._all(statement(type(self), "latest_for", build), {"contract_id": contract_id})
        return found[0] if found else None

    async def by_flow(self, flow_id: str) -> ContractSignature | None:
        def build() -> Select[Any]:
            table = self.table()
            return select(table).where(table.c.flow_id == bindparam("flow_id"))

        found = await self._all(statement(type(self), "by_flow", build), {"flow_id": flow_id})
        return found[0] if found else None

    async def sent_before(self, cutoff: datetime, limit: int = 100) -> list[ContractSignature]:
        """Requests still out for signature that went out before `cutoff`, oldest first (the status poll)."""
        table = self.table()
        stmt = (select(table).where(table.c.status == SignatureStatus.SENT.value, table.c.sent_at < cutoff)
                .order_by(table.c.sent_at, table.c.id).limit(limit))
        return await self._all(stmt)

    async def move(self, item_id: int, from_statuses: frozenset[SignatureStatus], item: ContractSignature) -> bool:
        await before_write(self.session)
        table = self.table()
        stmt = (update(table).where(table.c.id == item_id, table.c.status.in_(sorted(from_statuses)))
                .values(self.mapper.columns(item, with_id=False)))
        result = await self.session.execute(stmt, execution_options={"synchronize_session": False})
        return bool(getattr(result, "rowcount", 0))
