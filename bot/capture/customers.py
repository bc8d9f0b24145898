"""Customers as every entry path finds or adds them: commands (`新客户`, `客户 X`, `lead add`, a deal's
customer), free text and mail all come here, so the duplicate check (one customer per normalized name),
the ask-back on several matches and the audit entry live in one place."""

from __future__ import annotations

from bot.context import Context
from bot.errors import AmbiguousMatch
from domain import permissions
from domain.customer import Customer, derive_short_name, normalize_name
from domain.errors import DomainError, NotFound, PermissionDenied


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


async def add_customer(ctx: Context, customer: Customer, owner_id: int | None = None) -> Customer:
    """A new customer owned by the person writing (or by `owner_id`, for the API whose token owns nothing);
    refused when the name is taken (CustomerExists)."""
    existing = await known_customer(ctx, customer.name)
    if existing is not None:
        raise CustomerExists(name=existing.name, id=existing.id)
    customer.owner_id = owner_id if owner_id is not None else ctx.rep.id
    return await store_customer(ctx, customer)


async def update_customer(ctx: Context, customer: Customer, **changes: object) -> list[str]:
    """Write new values of a customer's own fields (name, short_name, industry, region, tags, aliases, phone,
    email, address); returns the fields changed. Refused when the new name is another customer's
    (CustomerExists) or when the writer may not change it (domain.permissions.can_place_customer)."""
    changed = {k: v for k, v in changes.items() if getattr(customer, k) != v}
    if not changed:
        return []
    assert customer.id is not None
    deals = await ctx.uow.opportunities.list(customer_id=customer.id, limit=1000)
    works = any(permissions.can_work(ctx.rep, o, ctx.directory.team_of, ctx.directory.teams) for o in deals)
    if not permissions.can_place_customer(ctx.rep, customer.owner_id, ctx.directory.team_of, ctx.directory.teams,
                                          works):
        raise PermissionDenied(f"客户 C{customer.id}", f"customer C{customer.id}")
    if "name" in changed:
        existing = await known_customer(ctx, str(changed["name"]))
        if existing is not None and existing.id != customer.id:
            raise CustomerExists(name=existing.name, id=existing.id)
    ctx.remember("customer", customer)
    for field, value in changed.items():
        setattr(customer, field, value)
    await ctx.update("customer", customer, **changed)
    return list(changed)


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
