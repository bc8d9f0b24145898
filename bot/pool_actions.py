"""The lead pool's use cases (issue #14): claim, release, protect a customer or a lead. Every command and
button goes through these; each change is a `ctx.update` of the customer (or lead) plus a pool_events line
created through `ctx.audit`, so `撤销` / undo restores the owner and removes the line. A refusal raises
PoolRefused before anything is written."""

from __future__ import annotations

from datetime import datetime, time
from typing import cast
from zoneinfo import ZoneInfo

from bot.context import Context
from bot.i18n import Text
from bot.reply import Reply
from domain import permissions
from domain.customer import Customer
from domain.errors import DomainError
from domain.lead import Lead, LeadStatus
from domain.pool import ReclaimRules, may_claim
from domain.pool_ports import EventKind, PoolEvent, PoolRepository, PoolUnitOfWork


class PoolRefused(DomainError):
    zh = "{zh}"
    en = "{en}"


def refuse(zh: str, en: str) -> PoolRefused:
    return PoolRefused(zh=zh, en=en)


def pool_of(ctx: Context) -> PoolRepository:
    return cast(PoolUnitOfWork, ctx.uow).pool


def rules_for(ctx: Context, team_id: int | None) -> ReclaimRules:
    team = next((t for t in ctx.directory.teams if t.id == team_id), None) if team_id is not None else None
    return ctx.settings.pool.rules_for(team.name if team else None)


def day_start(ctx: Context) -> datetime:
    """Midnight of the asker's day, in their time zone (the daily claim limit counts from there)."""
    zone = ZoneInfo(ctx.rep.timezone or "Asia/Shanghai")
    return datetime.combine(ctx.now.astimezone(zone).date(), time(), zone)


def may_see_pool(ctx: Context, team_id: int | None) -> bool:
    teams = permissions.pool_team_ids(ctx.rep, ctx.directory.teams)
    return team_id is None or teams is None or team_id in teams


async def _check_claim(ctx: Context, ref: str, pool_team: int | None, customer_id: int | None = None,
                       lead_id: int | None = None) -> None:
    if not may_see_pool(ctx, pool_team):
        raise _other_pool(ref)
    pool = pool_of(ctx)
    if (owner := await pool.owner_now(customer_id=customer_id, lead_id=lead_id)) is not None:
        taker = ctx.directory.rep(owner)
        who = taker.name if taker is not None else "?"
        raise refuse(f"{ref} 刚刚被 {who} 领取，不在公海里了",
                     f"{ref} was just claimed by {who}: it is not in the pool")
    claims = await pool.claims_since(ctx.rep_id, day_start(ctx))
    left = await pool.left_me_at(ctx.rep_id, customer_id=customer_id, lead_id=lead_id)
    refused = may_claim(claims, left, rules_for(ctx, ctx.rep.team_id), ctx.now)
    if refused is not None:
        raise refuse(f"不能领取 {ref}：{refused.zh}", f"cannot claim {ref}: {refused.en}")


def _other_pool(ref: str) -> PoolRefused:
    return refuse(f"{ref} 在其他团队的公海里，你不能领取", f"{ref} is in another team's pool: you may not claim it")


async def _log(ctx: Context, event: PoolEvent, note: str = "") -> None:
    added = await pool_of(ctx).add(event)
    if note:
        await ctx.audit("pool_event", added.id, "create", kind=event.kind.value, note=note)
    else:
        await ctx.audit("pool_event", added.id, "create", kind=event.kind.value)


async def claim_customer(ctx: Context, customer: Customer) -> Reply:
    ref = f"C{customer.id}"
    if customer.owner_id == ctx.rep.id:
        return Reply.text(ctx.t(f"{ref} {customer.name} 已经在你名下，没有更改。",
                                f"{ref} {customer.name} is already yours; nothing changed."))
    if customer.owner_id is not None:
        raise refuse(f"{ref} 已有负责人，不在公海里", f"{ref} already has an owner: it is not in the pool")
    if not may_see_pool(ctx, customer.pool_team_id):
        raise _other_pool(ref)
    protected = customer.protected or ctx.settings.pool.tag_protects(customer.tags)
    if protected and not permissions.may_claim_protected(ctx.rep, customer.pool_team_id, ctx.directory.teams):
        raise refuse(f"{ref} 是受保护的客户，只有公海所在团队的经理或管理员可以领取，请找经理",
                     f"{ref} is a protected customer: only a manager of its pool's team or an admin may claim it; "
                     "ask a manager")
    await _check_claim(ctx, ref, customer.pool_team_id, customer_id=customer.id)
    ctx.remember("customer", customer)
    customer.owner_id, customer.claimed_at = ctx.rep_id, ctx.now
    await ctx.update("customer", customer, owner_id=[None, ctx.rep_id])
    await _log(ctx, PoolEvent(EventKind.CLAIM, ctx.now, ctx.rep_id, customer_id=customer.id, by=ctx.rep_id,
                              team_id=customer.pool_team_id))
    return await _claimed(ctx, ref, customer.name)


async def claim_lead(ctx: Context, lead: Lead, name: str) -> Reply:
    ref = f"L{lead.id}"
    if lead.owner_id == ctx.rep.id:
        return Reply.text(ctx.t(f"{ref} 已经在你名下，没有更改。", f"{ref} is already yours; nothing changed."))
    if lead.owner_id is not None or lead.status is not LeadStatus.NEW:
        raise refuse(f"{ref} 已有负责人或已处理，不在公海里", f"{ref} is taken or closed: it is not in the pool")
    await _check_claim(ctx, ref, lead.team_id, lead_id=lead.id)
    released_by = await pool_of(ctx).released_by(lead.id or 0)
    ctx.remember("lead", lead)
    lead.assign(ctx.rep_id, lead.team_id if lead.team_id is not None else ctx.rep.team_id)
    await ctx.update("lead", lead, owner_id=[None, ctx.rep_id])
    await _log(ctx, PoolEvent(EventKind.CLAIM, ctx.now, ctx.rep_id, lead_id=lead.id, by=ctx.rep_id,
                              team_id=lead.team_id))
    took = await _customer_with_lead(ctx, lead, released_by)
    return await _claimed(ctx, ref, name, took)


async def _customer_with_lead(ctx: Context, lead: Lead, released_by: int | None) -> str:
    """The customer goes with a claimed lead when nobody holds it, or its owner is the rep who released this
    lead and holds nothing else on it (no open deal, no other assigned lead): the claimer owns it then (audited
    with the claim, undone with it). Its ref (C12), or "" when it stays where it is."""
    customer = await ctx.uow.customers.get(lead.customer_id)
    owner = customer.owner_id
    if owner == ctx.rep_id or (owner is not None and (owner != released_by or await _holds(ctx, lead, owner))):
        return ""
    ctx.remember("customer", customer)
    customer.owner_id, customer.claimed_at = ctx.rep_id, ctx.now
    await ctx.update("customer", customer, owner_id=[owner, ctx.rep_id], lead_id=lead.id)
    return f"C{customer.id}"


async def _holds(ctx: Context, lead: Lead, rep_id: int) -> bool:
    """Whether `rep_id` has an open deal or another assigned lead on `lead`'s customer."""
    deals, _ = await pool_of(ctx).open_deals(lead.customer_id, rep_id, limit=1)
    return deals > 0 or await pool_of(ctx).other_leads(lead.customer_id, rep_id, lead.id or 0) > 0


async def _claimed(ctx: Context, ref: str, name: str, customer: str = "") -> Reply:
    rules = rules_for(ctx, ctx.rep.team_id)
    count = await pool_of(ctx).claims_since(ctx.rep_id, day_start(ctx))
    limit = ctx.t(f"（今天已领取 {count}/{rules.daily_claims}）", f" (claimed today: {count}/{rules.daily_claims})") \
        if rules.daily_claims else ""
    also = ctx.t(f"客户 {customer} 也归你了。", f" The customer {customer} is yours too.") if customer else ""
    return Reply.text(ctx.t(f"已领取 {ref} {name}，现在由你负责{limit}。{also}放弃：放弃 {ref}",
                            f"Claimed {ref} {name}: it is yours now{limit}.{also} To give it back: release {ref}"))


async def release_customer(ctx: Context, customer: Customer, note: str = "") -> Reply:
    ref = f"C{customer.id}"
    if customer.owner_id is None:
        return Reply.text(ctx.t(f"{ref} {customer.name} 已经在公海里了，没有更改。",
                                f"{ref} {customer.name} is already in the pool; nothing changed."))
    if customer.owner_id != ctx.rep.id:
        raise refuse(f"{ref} 不在你名下，只有负责人可以放弃", f"{ref} is not yours: only its owner may release it")
    await _no_open_deals(ctx, customer)
    ctx.remember("customer", customer)
    team = ctx.settings.pool.pool_of(ctx.rep.team_id)
    customer.owner_id, customer.claimed_at, customer.pool_team_id = None, None, team
    await ctx.update("customer", customer, owner_id=[ctx.rep_id, None])
    await _log(ctx, PoolEvent(EventKind.RELEASE, ctx.now, ctx.rep_id, customer_id=customer.id, by=ctx.rep_id,
                              team_id=ctx.rep.team_id), note)
    return Reply.text(ctx.t(f"已放弃 {ref} {customer.name}，它回到了公海{_because(ctx, note)}。",
                            f"Released {ref} {customer.name} to the pool{_because(ctx, note)}."))


def _because(ctx: Context, note: str) -> str:
    return ctx.t(f"（原因：{note}）", f" (reason: {note})") if note else ""


async def _no_open_deals(ctx: Context, customer: Customer) -> None:
    """A customer goes back to the pool with none of its owner's open deals on it: the customer's owner and its
    deals' owner never part."""
    assert customer.id is not None
    count, ids = await pool_of(ctx).open_deals(customer.id, ctx.rep_id)
    if not count:
        return
    ref, refs = f"C{customer.id}", "、".join(f"#{i}" for i in ids) + ("…" if count > len(ids) else "")
    mates = [r for r in ctx.directory.reps if r.team_id == ctx.rep.team_id is not None and r.id != ctx.rep_id
             and r.active]
    mate = min(mates, key=lambda r: (r.is_manager, r.id or 0)).name if mates else ctx.t("同事姓名", "colleague")
    raise refuse(f"{ref} 上还有你负责的 {count} 个进行中的商机（{refs}）：先转给同事（转给 #{ids[0]} {mate}）或关闭，"
                 f"再放弃客户", f"{ref} still has {count} open deal(s) of yours ({refs.replace('、', ', ')}): hand "
                 f"them to a colleague (handover #{ids[0]} {mate}) or close them, then release the customer")


async def release_lead(ctx: Context, lead: Lead, name: str, note: str = "") -> Reply:
    ref = f"L{lead.id}"
    if lead.owner_id is None:
        return Reply.text(ctx.t(f"{ref} {name} 已经在公海里了，没有更改。",
                                f"{ref} {name} is already in the pool; nothing changed."))
    if lead.owner_id != ctx.rep.id or lead.status is not LeadStatus.ASSIGNED:
        raise refuse(f"{ref} 不在你名下或已转商机，不能放弃",
                     f"{ref} is not yours or was converted: it cannot be released")
    ctx.remember("lead", lead)
    lead.owner_id, lead.status = None, LeadStatus.NEW
    lead.team_id = ctx.settings.pool.pool_of(ctx.rep.team_id)
    await ctx.update("lead", lead, owner_id=[ctx.rep_id, None])
    await _log(ctx, PoolEvent(EventKind.RELEASE, ctx.now, ctx.rep_id, lead_id=lead.id, by=ctx.rep_id,
                              team_id=ctx.rep.team_id), note)
    went = await _customer_goes_too(ctx, lead, note)
    also = ctx.t(f"客户 {went} 也一起回到了公海", f"; the customer {went} went with it") if went else ""
    return Reply.text(ctx.t(f"已放弃 {ref} {name}，它回到了公海{_because(ctx, note)}{'，' + also if also else ''}。",
                            f"Released {ref} {name} to the pool{_because(ctx, note)}{also}."))


async def _customer_goes_too(ctx: Context, lead: Lead, note: str) -> str:
    """A released lead takes its customer along when the releaser owns it and holds nothing else on it."""
    customer = await ctx.uow.customers.get(lead.customer_id)
    if customer.owner_id != ctx.rep_id or await _holds(ctx, lead, ctx.rep_id):
        return ""
    ctx.remember("customer", customer)
    customer.owner_id, customer.claimed_at = None, None
    customer.pool_team_id = ctx.settings.pool.pool_of(ctx.rep.team_id)
    await ctx.update("customer", customer, owner_id=[ctx.rep_id, None], lead_id=lead.id)
    await _log(ctx, PoolEvent(EventKind.RELEASE, ctx.now, ctx.rep_id, customer_id=customer.id, by=ctx.rep_id,
                              team_id=ctx.rep.team_id), note)
    return f"C{customer.id}"


async def set_protected(ctx: Context, customer: Customer, on: bool) -> Reply:
    ref = f"C{customer.id}"
    owner = ctx.directory.rep(customer.owner_id)
    team = owner.team_id if owner is not None else customer.pool_team_id
    if not permissions.may_protect(ctx.rep, team, ctx.directory.teams):
        raise refuse(f"只有 {ref} 所在团队的经理或管理员可以{'保护' if on else '取消保护'}客户",
                     f"only a manager of {ref}'s team or an admin may {'protect' if on else 'unprotect'} it")
    if customer.protected == on:
        return Reply.text(ctx.t(f"{ref} {customer.name} {'已经受保护' if on else '本来就没有保护'}，没有更改。",
                                f"{ref} {customer.name} is {'already' if on else 'not'} protected; nothing changed."))
    ctx.remember("customer", customer)
    customer.protected = on
    await ctx.update("customer", customer, protected=[not on, on])
    await _log(ctx, PoolEvent(EventKind.PROTECT if on else EventKind.UNPROTECT, ctx.now, customer.owner_id,
                              customer_id=customer.id, by=ctx.rep_id, team_id=team))
    zh, en = ("已设为受保护客户，不会被收回公海", "protected now: it is never reclaimed") if on else \
        ("已取消保护", "no longer protected")
    return Reply.text(ctx.t(f"{ref} {customer.name} {zh}。", f"{ref} {customer.name} is {en}."))


async def give_back(ctx: Context, customer: Customer) -> Reply:
    """退回 C12: a manager of its pool's team (or an admin) gives a customer the scan took back to the owner it
    was taken from, with a fresh claim time; audited (undo takes it back), the owner told."""
    ref = f"C{customer.id}"
    if not permissions.may_protect(ctx.rep, customer.pool_team_id, ctx.directory.teams):
        raise refuse(f"只有 {ref} 所在公海团队的经理或管理员可以退回", f"only a manager of {ref}'s pool team or an "
                     "admin may give it back")
    last = await pool_of(ctx).last_event(customer.id or 0)
    if customer.owner_id is not None or last is None or last.kind is not EventKind.RECLAIM:
        raise refuse(f"{ref} 不是刚被收回公海的客户，无需退回（领取：领取 {ref}）",
                     f"{ref} was not just taken back by the pool: nothing to give back (to claim it: claim {ref})")
    owner = ctx.directory.rep(last.rep_id)
    if owner is None or not owner.active or owner.id is None:
        raise refuse(f"{ref} 原来的负责人已停用，不能退回", f"{ref}'s former owner is inactive: it cannot go back")
    ctx.remember("customer", customer)
    customer.owner_id, customer.claimed_at = owner.id, ctx.now
    await ctx.update("customer", customer, owner_id=[None, owner.id])
    await _log(ctx, PoolEvent(EventKind.RETURN, ctx.now, owner.id, customer_id=customer.id, by=ctx.rep_id,
                              team_id=customer.pool_team_id))
    await ctx.notify(owner.id, Text(f"{ctx.rep.name} 把 {ref} {customer.name} 退回给你（从公海收回后），请及时跟进。",
                                    f"{ctx.rep.name} gave {ref} {customer.name} back to you from the pool; "
                                    "please follow it up."))
    return Reply.text(ctx.t(f"已把 {ref} {customer.name} 退回给 {owner.name}，已通知。",
                            f"{ref} {customer.name} is {owner.name}'s again; they were told."))
