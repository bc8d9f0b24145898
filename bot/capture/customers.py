"""Customers as every entry path finds or adds them: commands (`新客户`, `客户 X`, `lead add`, a deal's
customer), free text and mail all come here, so the duplicate check (one customer per normalized name),
the ask-back on several matches and the audit entry live in one place."""

from __future__ import annotations

from bot.context import Context
from bot.errors import AmbiguousMatch
from domain.customer import Customer, derive_short_name, normalize_name
from domain.errors import DomainError, NotFound


class CustomerExists(DomainError):
    zh = "客户「{name}」已存在（编号 C{id}）"
    en = "Customer '{name}' already exists (C{id})"


async def find_customers(ctx: Context, text: str) -> list[Customer]:
    """The customer of exactly this name (normalized), else up to ten by name, short name, alias or part."""
    exact = await known_customer(ctx, text)
    if exact is not None:
        return [exact]
    return list(await ctx.uow.customers.search(text, limit=10))


async def known_customer(ctx: Context, name: str) -> Customer | None:
    """The customer stored under this name, however it is spaced, cased or suffixed (normalize_name)."""
    return await ctx.uow.customers.by_name_key(normalize_name(name))


async def resolve_customer(ctx: Context, text: str) -> Customer:
    """One customer for a full or short name; asks back when several match."""
    found = await find_customers(ctx, text)
    if not found:
        raise NotFound("客户", f"「{text}」", "customer")
    if len(found) > 1:
        options = "、".join(c.name for c in found[:5])
        raise AmbiguousMatch(text=text, what="客户", what_en="customers", options=options)
    return found[0]


async def add_customer(ctx: Context, customer: Customer) -> Customer:
    """A new customer owned by the person writing; refused when the name is taken (CustomerExists)."""
    existing = await known_customer(ctx, customer.name)
    if existing is not None:
        raise CustomerExists(name=existing.name, id=existing.id)
    customer.owner_id = ctx.rep.id
    return await store_customer(ctx, customer)


async def ensure_customer(ctx: Context, customer: Customer) -> tuple[Customer, bool]:
    """The customer already stored under this name, else `customer` added: (customer, added)."""
    existing = await known_customer(ctx, customer.name)
    if existing is not None:
        return existing, False
    return await add_customer(ctx, customer), True


async def company_with_domain(ctx: Context, name: str, domain: str, **changes: str) -> Customer:
    """A customer known by that name learns its mail domain (if it had none); else a new one, with it."""
    existing = await known_customer(ctx, name)
    if existing is None:
        return await store_customer(ctx, Customer(name=name, short_name=derive_short_name(name), domain=domain),
                                    **changes)
    if not existing.domain:
        ctx.remember("customer", existing)
        existing.domain = domain
        await ctx.update("customer", existing, domain=domain)
    return existing


async def store_customer(ctx: Context, customer: Customer, **changes: str) -> Customer:
    """Write a new customer and its audit entry (`changes` adds to what the entry records)."""
    customer.created_at = ctx.now
    customer = await ctx.uow.customers.add(customer)
    await ctx.audit("customer", customer.id, "create", name=customer.name, **changes)
    return customer
