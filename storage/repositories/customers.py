"""Customers (with derived search columns and names) and their contacts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, func, select
from sqlalchemy.orm import InstrumentedAttribute

from domain.customer import Contact, Customer, CustomerNames, normalize_name, normalize_phone
from domain.customer_names import search_text
from storage.mapping import RowMapper
from storage.models import ContactRow, CustomerRow
from storage.repositories.base import SqlRepository, statement
from storage.repositories.customer_search import ranked_ids, write_names

__all__ = ["SqlAlchemyContactRepository", "SqlAlchemyCustomerRepository", "search_text"]


class SqlAlchemyCustomerRepository(SqlRepository[Customer, CustomerRow]):
    row = CustomerRow
    mapper = RowMapper(Customer, derived={
        "name_key": lambda c: normalize_name(c.name),
        "phone_key": lambda c: normalize_phone(c.phone),
        "search_text": search_text,
    })
    what = ("客户", "customer")

    async def search(self, text: str, limit: int = 10) -> Sequence[Customer]:
        """Full name, then short name or alias, then prefix, then substring (domain.customer_names), by index
        on both engines (storage.repositories.customer_search)."""
        ids = await ranked_ids(self.session, text, limit)
        found = await self.many(ids)
        return [found[customer_id] for customer_id in ids if customer_id in found]

    async def _write_children(self, item: Customer, *, created: bool) -> None:
        await write_names(self.session, item, created=created)

    async def by_name_key(self, key: str) -> Customer | None:
        stmt = select(CustomerRow).where(CustomerRow.name_key == key).order_by(CustomerRow.id)
        return await self._first(stmt)

    async def by_contact_point(self, phone: str = "", email: str = "") -> Customer | None:
        """The customer whose own phone/email matches, else the customer of a matching contact."""
        phone_key, email_key = normalize_phone(phone), email.strip().lower()
        checks: list[tuple[InstrumentedAttribute[int], ColumnElement[bool]]] = []
        if phone_key:
            checks.append((CustomerRow.id, CustomerRow.phone_key == phone_key))
        if email_key:
            checks.append((CustomerRow.id, func.lower(CustomerRow.email) == email_key))
        if phone_key:
            checks.append((ContactRow.customer_id, ContactRow.phone_key == phone_key))
        if email_key:
            checks.append((ContactRow.customer_id, func.lower(ContactRow.email) == email_key))
        for customer_id, condition in checks:
            matching = CustomerRow.id.in_(select(customer_id).where(condition))
            found = await self._first(select(CustomerRow).where(matching).order_by(CustomerRow.id))
            if found is not None:
                return found
        return None

    async def by_domain(self, domain: str) -> Customer | None:
        key = domain.strip().lower().removeprefix("@")
        if not key:
            return None
        stmt = select(CustomerRow).where(func.lower(CustomerRow.domain) == key).order_by(CustomerRow.id)
        return await self._first(stmt)

    async def by_domains(self, domains: Iterable[str]) -> dict[str, Customer]:
        """The first customer (lowest id) of each domain, keyed by the lower-cased domain."""
        keys = {d.strip().lower().removeprefix("@") for d in domains} - {""}
        if not keys:
            return {}
        stmt = select(CustomerRow).where(func.lower(CustomerRow.domain).in_(keys)).order_by(CustomerRow.id)
        found: dict[str, Customer] = {}
        for customer in await self._all(stmt):
            found.setdefault(customer.domain.lower(), customer)
        return found

    async def list(self, offset: int = 0, limit: int = 100) -> Sequence[Customer]:
        return await self._all(select(CustomerRow).order_by(CustomerRow.id).offset(offset).limit(limit))

    async def count(self) -> int:
        return int(await self.session.scalar(select(func.count()).select_from(CustomerRow)) or 0)

    async def names_after(self, after_id: int, limit: int = 1000) -> Sequence[CustomerNames]:
        """Keyset paging on the primary key: each page costs the same, however deep."""
        stmt = statement(type(self), "names_after", names_page)
        return names_of(await self.session.execute(stmt, {"after": after_id, "limit": limit}))

    async def max_id(self) -> int:
        return int(await self.session.scalar(select(func.max(CustomerRow.id))) or 0)


def names_page() -> Select[Any]:
    """The names of the customers after :after by id, :limit of them (also read by the known-customer build's
    child process, on an engine of its own)."""
    table = CustomerRow.__table__
    return (select(table.c.id, table.c.name, table.c.short_name, table.c.aliases)
            .where(table.c.id > bindparam("after")).order_by(table.c.id).limit(bindparam("limit")))


def names_of(rows: Iterable[Any]) -> list[CustomerNames]:
    return [CustomerNames(id, name, short, tuple(aliases or ())) for id, name, short, aliases in rows]


class SqlAlchemyContactRepository(SqlRepository[Contact, ContactRow]):
    row = ContactRow
    mapper = RowMapper(Contact, derived={"phone_key": lambda c: normalize_phone(c.phone)})
    what = ("联系人", "contact")

    async def for_customer(self, customer_id: int) -> Sequence[Contact]:
        return await self._children("customer_id", customer_id)

    async def by_email(self, email: str) -> Contact | None:
        key = email.strip().lower()
        if not key:
            return None
        stmt = select(ContactRow).where(func.lower(ContactRow.email) == key).order_by(ContactRow.id)
        return await self._first(stmt)

    async def by_emails(self, emails: Iterable[str]) -> dict[str, Contact]:
        """The first contact (lowest id) of each address, keyed by the lower-cased address."""
        keys = {email.strip().lower() for email in emails} - {""}
        if not keys:
            return {}
        stmt = select(ContactRow).where(func.lower(ContactRow.email).in_(keys)).order_by(ContactRow.id)
        found: dict[str, Contact] = {}
        for contact in await self._all(stmt):
            found.setdefault(contact.email.lower(), contact)
        return found
