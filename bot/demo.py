"""`dealbot demo`: load a realistic sample company once, the same for the same seed.

Three teams with a manager and three reps each, 200 customers with contacts, 400 deals across every
stage with follow-ups, quotes, contracts, payments, invoices and reminders. People and customers are
matched by name, so existing ones (an admin, a rep from the users file) are kept, never duplicated.
Deals are written in chunks; the settings key "demo_progress" records how far it got (so an interrupted
run resumes with the same seed) and "demo_loaded" marks the end: a second run adds nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot import demo_data as data
from bot.demo_deals import DealBundle, DealRefs, build_deal, work_time
from bot.demo_plan import CompanyPlan, CustomerPlan, PersonPlan, plan_company
from domain.customer import Contact, Customer, normalize_name
from domain.opportunity import Stage
from domain.people import Rep, Role, Team
from domain.ports import UnitOfWork

LOADED_KEY = "demo_loaded"
PROGRESS_KEY = "demo_progress"
CHUNK = 100  # deals per transaction


@dataclass(slots=True)
class _Ids:
    """Database ids of the plan's people and customers, once written or found."""

    people: dict[str, tuple[int, int | None]] = field(default_factory=dict)  # ident -> (rep id, team id)
    customers: list[int] = field(default_factory=list)
    contacts: list[tuple[tuple[int, str], ...]] = field(default_factory=list)
    existing: Counter[str] = field(default_factory=Counter)  # what was already there, by kind

    def refs(self, plan: CompanyPlan, index: int) -> DealRefs:
        outline = plan.deals[index]
        rep_id, team_id = self.people[outline.owner]
        return DealRefs(self.customers[outline.customer], plan.customers[outline.customer].short_name,
                        rep_id, team_id, self.contacts[outline.customer])


async def load_demo(uow_factory: Callable[[], UnitOfWork], *, seed: int, now: datetime) -> str:
    """Load the demo company (or finish an interrupted load); a zh + en summary of what is there."""
    async with uow_factory() as uow:
        loaded = await uow.settings.get(LOADED_KEY)
        progress = await uow.settings.get(PROGRESS_KEY) or {}
    if loaded:
        return _already_loaded(loaded)
    seed = int(progress.get("seed", seed))
    plan = plan_company(seed)
    ids = await _write_people_and_customers(uow_factory, plan, now)
    bundles = [build_deal(seed, outline, ids.refs(plan, outline.index), now) for outline in plan.deals]
    totals = _totals(ids, bundles)
    marker = {"seed": seed, "at": now.isoformat(timespec="seconds"), **totals}
    start = min(int(progress.get("deals", 0)), len(bundles))
    while True:
        stop = min(start + CHUNK, len(bundles))
        async with uow_factory() as uow:
            for bundle in bundles[start:stop]:
                await _write_deal(uow, bundle)
            await uow.settings.put(PROGRESS_KEY, {"seed": seed, "deals": stop})
            if stop == len(bundles):
                await uow.settings.put(LOADED_KEY, marker)
            await uow.commit()
        if stop == len(bundles):
            break
        start = stop
    return _summary(plan, ids, totals)


async def _write_people_and_customers(uow_factory: Callable[[], UnitOfWork], plan: CompanyPlan,
                                      now: datetime) -> _Ids:
    ids = _Ids()
    async with uow_factory() as uow:
        teams = {name: await _team(uow, name, region, ids) for name, region, _ in data.TEAMS}
        for person in plan.people:
            rep = await _rep(uow, person, teams[person.team], ids)
            assert rep.id is not None
            ids.people[person.ident] = (rep.id, rep.team_id)
            if person.role is Role.MANAGER and teams[person.team].manager_id is None:
                teams[person.team].manager_id = rep.id
                await uow.teams.save(teams[person.team])
        for number, planned in enumerate(plan.customers):
            customer = await _customer(uow, plan, number, ids.people[planned.owner][0], now, ids)
            assert customer.id is not None
            ids.customers.append(customer.id)
            ids.contacts.append(await _contacts(uow, customer.id, planned, ids))
        await uow.commit()
    return ids


async def _team(uow: UnitOfWork, name: str, region: str, ids: _Ids) -> Team:
    team = await uow.teams.by_name(name)
    if team is not None:
        ids.existing["teams"] += 1
        return team
    return await uow.teams.add(Team(name=name, region=region))


async def _rep(uow: UnitOfWork, person: PersonPlan, team: Team, ids: _Ids) -> Rep:
    rep = await uow.reps.by_name(person.name)
    if rep is not None:
        ids.existing["reps"] += 1
        return rep
    taken = await uow.reps.by_identity("console", person.ident) is not None
    return await uow.reps.add(Rep(
        name=person.name, role=person.role, team_id=team.id, regions=[person.region],
        identities={} if taken else {"console": person.ident},
        email=f"{person.ident}@{data.STAFF_MAIL_DOMAIN}"))


async def _customer(uow: UnitOfWork, plan: CompanyPlan, number: int, owner_id: int, now: datetime,
                    ids: _Ids) -> Customer:
    planned = plan.customers[number]
    found = await uow.customers.by_name_key(normalize_name(planned.name))
    if found is not None:
        ids.existing["customers"] += 1
        return found
    return await uow.customers.add(Customer(
        name=planned.name, short_name=planned.short_name, industry=planned.industry, region=planned.region,
        tags=list(planned.tags), lifecycle=plan.lifecycle(number), phone=planned.phone, email=planned.email,
        domain=planned.domain, owner_id=owner_id,
        created_at=work_time(now - timedelta(days=planned.age_days))))


async def _contacts(uow: UnitOfWork, customer_id: int, planned: CustomerPlan,
                    ids: _Ids) -> tuple[tuple[int, str], ...]:
    stored = {c.name: c for c in await uow.contacts.for_customer(customer_id)}
    refs = []
    for person in planned.contacts:
        contact = stored.get(person.name)
        if contact is None:
            contact = await uow.contacts.add(Contact(
                customer_id=customer_id, name=person.name, title=person.title, phone=person.phone,
                email=person.email))
        else:
            ids.existing["contacts"] += 1
        assert contact.id is not None
        refs.append((contact.id, person.call))
    return tuple(refs)


async def _write_deal(uow: UnitOfWork, bundle: DealBundle) -> None:
    opp = await uow.opportunities.add(bundle.opportunity)
    assert opp.id is not None
    bundle.attach(opp.id)
    followups = [await uow.followups.add(f) for f in bundle.followups]
    for quote in bundle.quotes:
        await uow.quotes.add(quote)
    if bundle.contract is not None:
        await uow.contracts.add(bundle.contract)
    for milestone in bundle.milestones:
        await uow.milestones.add(milestone)
    for payment in bundle.payments:
        await uow.payments.add(payment)
    for invoice in bundle.invoices:
        await uow.invoices.add(invoice)
    if bundle.reminder is not None:
        bundle.reminder.followup_id = followups[-1].id
        await uow.reminders.add(bundle.reminder)


def _totals(ids: _Ids, bundles: Sequence[DealBundle]) -> dict[str, int]:
    stages = Counter(b.opportunity.stage for b in bundles)
    return {
        "teams": len(data.TEAMS), "reps": len(ids.people), "customers": len(ids.customers),
        "contacts": sum(len(c) for c in ids.contacts), "opportunities": len(bundles),
        **{stage.value: stages[stage] for stage in Stage},
        "followups": sum(len(b.followups) for b in bundles), "quotes": sum(len(b.quotes) for b in bundles),
        "contracts": sum(b.contract is not None for b in bundles),
        "payments": sum(len(b.payments) for b in bundles), "invoices": sum(len(b.invoices) for b in bundles),
        "reminders": sum(b.reminder is not None for b in bundles),
    }


def _summary(plan: CompanyPlan, ids: _Ids, t: dict[str, int]) -> str:
    zh_stages = "，".join(f"{stage.label('zh')} {t[stage.value]}" for stage in Stage)
    en_stages = ", ".join(f"{t[stage.value]} {stage.label('en').lower()}" for stage in Stage)
    manager = next(p for p in plan.people if p.role is Role.MANAGER)
    rep = next(p for p in plan.people if p.role is Role.REP)
    lines = [
        f"已加载示例公司（种子 {plan.seed}）：{t['teams']} 个团队，{t['reps']} 名销售（含 3 名经理），"
        f"{t['customers']} 个客户（{t['contacts']} 位联系人），{t['opportunities']} 个商机（{zh_stages}），"
        f"{t['followups']} 条跟进，{t['quotes']} 份报价，{t['contracts']} 份合同，{t['payments']} 笔回款，"
        f"{t['invoices']} 张发票，{t['reminders']} 条提醒。",
        f"Demo company loaded (seed {plan.seed}): {t['teams']} teams, {t['reps']} people (3 managers), "
        f"{t['customers']} customers ({t['contacts']} contacts), {t['opportunities']} deals ({en_stages}), "
        f"{t['followups']} follow-ups, {t['quotes']} quotes, {t['contracts']} contracts, "
        f"{t['payments']} payments, {t['invoices']} invoices, {t['reminders']} reminders.",
    ]
    if ids.existing:
        kept = ", ".join(f"{kind} {count}" for kind, count in sorted(ids.existing.items()))
        lines.append(f"已存在的同名数据保留不变 / Already there by name, kept as is: {kept}")
    lines.append(f"试试 / Try: dealbot chat --as {manager.ident}（{manager.name}，经理 manager）"
                 f" · dealbot chat --as {rep.ident}（{rep.name}，销售 rep）")
    return "\n".join(lines)


def _already_loaded(marker: Any) -> str:
    details = marker if isinstance(marker, dict) else {}
    seed, at = details.get("seed", "?"), details.get("at", "?")
    return (f"示例数据已经加载过（{at}，种子 {seed}），没有重复添加。\n"
            f"The demo data was already loaded ({at}, seed {seed}); nothing was added.")
