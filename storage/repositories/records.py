"""Rows that hang off one opportunity (follow-ups, quotes, billing)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, bindparam, insert, select

from domain.activity import FollowUp
from domain.billing import Contract, Invoice, Payment, PaymentMilestone
from domain.opportunity import CloseDateMove
from domain.quote import Quote
from storage.mapping import RowMapper
from storage.models import (
    CloseDateMoveRow,
    ContractRow,
    FollowUpRow,
    InvoiceRow,
    PaymentMilestoneRow,
    PaymentRow,
    QuoteRow,
)
from storage.repositories.base import CHUNK, PerOpportunityRepository, before_write, statement


class SqlAlchemyFollowUpRepository(PerOpportunityRepository[FollowUp, FollowUpRow]):
    row, mapper, what, order = FollowUpRow, RowMapper(FollowUp), ("跟进记录", "follow-up"), ("at",)

    async def add_many(self, items: Sequence[FollowUp]) -> None:
        """One executemany INSERT, bypassing the ORM unit of work; ids are not set."""
        if items:
            await before_write(self.session)
            await self.session.execute(insert(FollowUpRow), [self.mapper.columns(f, with_id=False) for f in items])

    async def for_opportunities(self, opportunity_ids: Iterable[int]) -> dict[int, list[FollowUp]]:
        """The follow-ups of these deals, oldest first, by deal id (deals without any are left out)."""
        wanted, found = sorted(set(opportunity_ids)), dict[int, list[FollowUp]]()

        def build() -> Select[Any]:
            table = self.table()
            return (select(table).where(table.c.opportunity_id.in_(bindparam("deals", expanding=True)))
                    .order_by(table.c.opportunity_id, table.c.at, table.c.id))

        for start in range(0, len(wanted), CHUNK):
            chunk = await self._all(statement(type(self), "for_opportunities", build),
                                    {"deals": wanted[start:start + CHUNK]})
            for followup in chunk:
                assert followup.opportunity_id is not None
                found.setdefault(followup.opportunity_id, []).append(followup)
        return found

    async def by_rep(self, rep_id: int, since: datetime, until: datetime, limit: int = 100) -> Sequence[FollowUp]:
        """The rep's follow-ups of [since, until), oldest first (index wanted: rep_id, at)."""
        def build() -> Select[Any]:
            table = self.table()
            return (select(table).where(table.c.rep_id == bindparam("rep"), table.c.at >= bindparam("since"),
                                        table.c.at < bindparam("until"))
                    .order_by(table.c.at, table.c.id).limit(bindparam("limit")))

        return await self._all(statement(type(self), "by_rep", build),
                               {"rep": rep_id, "since": since, "until": until, "limit": limit})


class SqlAlchemyCloseDateMoveRepository(PerOpportunityRepository[CloseDateMove, CloseDateMoveRow]):
    row, mapper, what, order = CloseDateMoveRow, RowMapper(CloseDateMove), ("签约日期调整", "close date move"), ("at",)


class SqlAlchemyQuoteRepository(PerOpportunityRepository[Quote, QuoteRow]):
    row, mapper, what, order = QuoteRow, RowMapper(Quote), ("报价", "quote"), ("version",)


class SqlAlchemyContractRepository(PerOpportunityRepository[Contract, ContractRow]):
    row, mapper, what = ContractRow, RowMapper(Contract), ("合同", "contract")


class SqlAlchemyPaymentMilestoneRepository(PerOpportunityRepository[PaymentMilestone, PaymentMilestoneRow]):
    """`for_opportunity` is the plan in force; `history` every plan, replaced ones included."""

    row, mapper, what = PaymentMilestoneRow, RowMapper(PaymentMilestone), ("回款节点", "payment milestone")
    order = ("plan", "seq")

    async def for_opportunity(self, opportunity_id: int) -> Sequence[PaymentMilestone]:
        def build() -> Select[Any]:
            table = self.table()
            return (select(table).where(table.c.opportunity_id == bindparam("deal"), table.c.replaced_at.is_(None))
                    .order_by(table.c.seq, table.c.id))

        return await self._all(statement(type(self), "current", build), {"deal": opportunity_id})

    async def history(self, opportunity_id: int) -> Sequence[PaymentMilestone]:
        return await self._children("opportunity_id", opportunity_id)


class SqlAlchemyPaymentRepository(PerOpportunityRepository[Payment, PaymentRow]):
    row, mapper, what, order = PaymentRow, RowMapper(Payment), ("回款", "payment"), ("received_on",)


class SqlAlchemyInvoiceRepository(PerOpportunityRepository[Invoice, InvoiceRow]):
    row, mapper, what = InvoiceRow, RowMapper(Invoice), ("发票", "invoice")
