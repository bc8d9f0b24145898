"""Customers, contacts, leads, opportunities (stage history, sharing), follow-ups, reminders, quotes."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import BigInteger, Index, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base, Code, Currency, LongText, never_reused, optional_parent, parent


class CustomerRow(Base):
    __tablename__ = "customers"
    # the pool list: unowned customers of some pools, by id (migration 0018)
    __table_args__ = never_reused(Index("ix_customers_owner_id_pool_team_id_id", "owner_id", "pool_team_id", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    short_name: Mapped[str]
    industry: Mapped[str]
    region: Mapped[str]
    tags: Mapped[list[str]]
    aliases: Mapped[list[str]]
    lifecycle: Mapped[Code]
    phone: Mapped[str]
    email: Mapped[str]
    domain: Mapped[str] = mapped_column(index=True)
    owner_id: Mapped[int | None] = mapped_column(index=True)
    created_at: Mapped[datetime | None]
    claimed_at: Mapped[datetime | None]  # the lead pool (migration 0018)
    protected: Mapped[bool] = mapped_column(server_default=false())
    pool_team_id: Mapped[int | None]
    # Derived on every write (see storage.repositories.customers):
    name_key: Mapped[str] = mapped_column(index=True)  # domain.customer.normalize_name(name)
    phone_key: Mapped[Code] = mapped_column(index=True)  # domain.customer.normalize_phone(phone)
    search_text: Mapped[LongText]  # case-folded name, short name and aliases, one per line
    address: Mapped[str] = mapped_column(server_default="")  # 客户地址, and where it is (issue #14, migration 0020)
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    # Substring search on search_text: SQLite FTS5 trigram table customers_fts, PostgreSQL pg_trgm GIN index
    # ix_customers_search_trgm; both made by migration 0008, outside these models (storage.search_schema).


# Byte (code point) order on both engines, so that a prefix is a range of the index whatever the database's
# collation: SQLite compares bytes already; PostgreSQL gets COLLATE "C".
NameKey = String(255).with_variant(String(255, collation="C"), "postgresql")


class CustomerNameRow(Base):
    """One way of writing a customer, normalized (domain.customer.normalize_name): its full name (kind
    "name"), short name ("short") and each alias ("alias"). Written with the customer; searched by exact key
    and by prefix (storage.repositories.customer_search)."""

    __tablename__ = "customer_names"
    __table_args__ = (Index("ix_customer_names_key_customer_id", "key", "customer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = parent("customers.id", cascade=True)
    kind: Mapped[Code]
    key: Mapped[str] = mapped_column(NameKey)


class ContactRow(Base):
    __tablename__ = "contacts"
    __table_args__ = never_reused()

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = parent("customers.id")
    name: Mapped[str]
    title: Mapped[str]
    phone: Mapped[str]
    email: Mapped[str] = mapped_column(index=True)
    bouncing: Mapped[bool]
    email_unverified: Mapped[bool] = mapped_column(server_default=false())
    phone_key: Mapped[Code] = mapped_column(index=True)


class LeadRow(Base):
    __tablename__ = "leads"
    __table_args__ = never_reused()

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = parent("customers.id")
    title: Mapped[str]
    contact_id: Mapped[int | None]
    budget: Mapped[Decimal | None]
    budget_currency: Mapped[Currency | None]
    region: Mapped[str]
    industry: Mapped[str]
    source: Mapped[Code]
    status: Mapped[Code] = mapped_column(index=True)
    owner_id: Mapped[int | None] = mapped_column(index=True)
    team_id: Mapped[int | None]
    opportunity_id: Mapped[int | None]
    created_at: Mapped[datetime | None] = mapped_column(index=True)


class OpportunityRow(Base):
    __tablename__ = "opportunities"
    __table_args__ = never_reused(
        # Lists (storage.repositories.deal_lists): a person's deals by owner or team and stage; everyone's
        # most urgent first per stage by next_at, then created_at (totals: the deal_totals summary).
        Index("ix_opportunities_owner_id_stage_next_at_team_id", "owner_id", "stage", "next_at", "team_id"),
        Index("ix_opportunities_team_id_stage_next_at_created_at", "team_id", "stage", "next_at", "created_at"),
        Index("ix_opportunities_next_at_created_at", "next_at", "created_at"),
        Index("ix_opportunities_stage_next_at_created_at", "stage", "next_at", "created_at"),
        # Analytics and digests (migration 0012): what closed or was opened in a period.
        Index("ix_opportunities_closed_at_stage", "closed_at", "stage"),
        Index("ix_opportunities_created_at", "created_at"),
        Index("ix_opportunities_expected_close_stage", "expected_close", "stage"),  # forecasts (migration 0013)
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = parent("customers.id")
    name: Mapped[str]
    ref: Mapped[str] = mapped_column(String(64), server_default="", index=True)  # id in an imported system
    source: Mapped[str] = mapped_column(String(100), server_default="")  # 招投标, 转介绍, 官网…
    owner_id: Mapped[int | None]
    team_id: Mapped[int | None]
    stage: Mapped[Code]
    amount: Mapped[Decimal | None]
    amount_currency: Mapped[Currency | None]
    contact_id: Mapped[int | None]
    lead_id: Mapped[int | None]
    expected_close: Mapped[datetime | None]
    next_step: Mapped[LongText]
    next_at: Mapped[datetime | None]
    last_contact_at: Mapped[datetime | None]
    lost_reason: Mapped[Code | None]
    lost_note: Mapped[LongText]
    created_at: Mapped[datetime | None]
    updated_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    history: Mapped[list[StageChangeRow]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, lazy="selectin",
        order_by="StageChangeRow.id")
    shares: Mapped[list[OpportunityShareRow]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, lazy="selectin",
        order_by="OpportunityShareRow.id")


class DealTotalRow(Base):
    """How many deals, and the sum of their amounts, per team, owner, stage and currency: what list headers
    add up without reading the deals. Kept by database triggers on `opportunities` (storage.deal_totals,
    migration 0010), so every write counts, bulk loads included. No team / owner / currency is 0 / 0 / ''."""

    __tablename__ = "deal_totals"
    __table_args__ = (Index("ix_deal_totals_owner_id_stage", "owner_id", "stage"),)

    team_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    owner_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    stage: Mapped[Code] = mapped_column(primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    deals: Mapped[int] = mapped_column(BigInteger)
    priced: Mapped[int] = mapped_column(BigInteger)  # of them with an amount
    cents: Mapped[int] = mapped_column(BigInteger)  # the sum of their amounts x 100 (exact on both engines)


class StageChangeRow(Base):
    __tablename__ = "stage_changes"
    __table_args__ = (Index("ix_stage_changes_at", "at"),)  # a period's stage movements (migration 0012)

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = parent("opportunities.id", cascade=True)
    source: Mapped[Code]
    target: Mapped[Code]
    at: Mapped[datetime]
    by: Mapped[int | None]


class OpportunityShareRow(Base):
    """A deal shared with a rep other than its owner."""

    __tablename__ = "opportunity_shares"
    __table_args__ = (UniqueConstraint("opportunity_id", "rep_id"),
                      Index("ix_opportunity_shares_rep_id_opportunity_id", "rep_id", "opportunity_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = parent("opportunities.id", cascade=True, index=False)
    rep_id: Mapped[int]


class FollowUpRow(Base):
    __tablename__ = "followups"
    __table_args__ = never_reused(Index("ix_followups_rep_id_at", "rep_id", "at"),  # a rep's day (migration 0013)
                                  Index("ix_followups_customer_id_at", "customer_id", "at"),  # health (0016)
                                  Index("ix_followups_lead_id_at", "lead_id", "at"))  # the pool's leads (0018)

    id: Mapped[int] = mapped_column(primary_key=True)
    rep_id: Mapped[int | None]
    note: Mapped[LongText]
    at: Mapped[datetime]
    opportunity_id: Mapped[int | None] = parent("opportunities.id")
    customer_id: Mapped[int | None] = parent("customers.id", index=False)
    lead_id: Mapped[int | None]
    contact_id: Mapped[int | None]
    kind: Mapped[Code]
    next_step: Mapped[LongText]
    next_at: Mapped[datetime | None]


class ReminderRow(Base):
    __tablename__ = "reminders"
    __table_args__ = never_reused(
        Index("ix_reminders_status_due_at", "status", "due_at"),
        # one person's open reminders by time; reminders sent and not yet escalated (migration 0013)
        Index("ix_reminders_rep_id_status_due_at", "rep_id", "status", "due_at"),
        Index("ix_reminders_status_escalated_at_due_at", "status", "escalated_at", "due_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    rep_id: Mapped[int] = parent("reps.id", cascade=True, index=False)
    due_at: Mapped[datetime]
    text: Mapped[LongText]
    opportunity_id: Mapped[int | None] = optional_parent("opportunities.id")
    followup_id: Mapped[int | None]
    status: Mapped[Code]
    kind: Mapped[Code] = mapped_column(server_default="next_step")  # next_step, followup, custom
    sent_at: Mapped[datetime | None]
    done_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]


class QuoteRow(Base):
    __tablename__ = "quotes"
    __table_args__ = never_reused(UniqueConstraint("opportunity_id", "version"))

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = parent("opportunities.id", index=False)
    version: Mapped[int]
    amount: Mapped[Decimal]
    amount_currency: Mapped[Currency]
    note: Mapped[LongText]
    created_by: Mapped[int | None]
    created_at: Mapped[datetime | None]
    list_price: Mapped[Decimal | None]  # 原价 and 成本, in the quote's currency (approvals, migration 0019)
    list_price_currency: Mapped[Currency | None]
    cost: Mapped[Decimal | None]
    cost_currency: Mapped[Currency | None]
    approval: Mapped[Code] = mapped_column(server_default="")  # domain.approval_state.ApprovalState


class CloseDateMoveRow(Base):
    """An open deal's expected close date moved later (migration 0017)."""

    __tablename__ = "close_date_moves"

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = parent("opportunities.id", cascade=True)
    before: Mapped[datetime]
    after: Mapped[datetime]
    at: Mapped[datetime]
    by: Mapped[int | None]
