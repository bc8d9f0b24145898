"""Leads: create (auto-assigned by rules), list, convert into a deal."""

from __future__ import annotations

from collections.abc import Iterable

from bot.args import Args
from bot.capture.contacts import add_or_match
from bot.capture.customers import ensure_customer
from bot.capture.deals import open_deal
from bot.context import Context
from bot.handlers.common import money
from bot.handlers.customers import CUSTOMER_OPTIONS, customer_from_options
from bot.handlers.names import split_person, unquote
from bot.i18n import Text
from bot.registry import command
from bot.reply import CardBuilder, Reply
from domain import assignment, permissions
from domain.customer import Contact, Customer
from domain.errors import NotFound
from domain.lead import Lead, LeadStatus
from domain.money import Money
from domain.people import Rep, Role

LEAD_OPTIONS = {**CUSTOMER_OPTIONS, "联系人": "contact", "contact": "contact", "职位": "title",
                "title": "title", "备注": "note", "note": "note", "来源": "source", "source": "source"}


async def assign(ctx: Context, lead: Lead) -> None:
    """Apply the configured rules; round-robin cursors live in shared settings."""
    members = rotation(ctx.directory.reps)
    cursors = await ctx.uow.settings.get("assignment_cursors") or {}
    result = assignment.assign_lead(
        lead, ctx.settings.assignment_rules, members, {int(k): v for k, v in cursors.items()},
        default_team_id=ctx.settings.default_team_id,
        default_rep_id=ctx.rep.id if (ctx.rep.id or 0) > 0 else None)  # an API token (id < 0) takes no leads
    lead.assign(result.owner_id, result.team_id)
    if result.team_id is not None and result.cursor is not None:
        cursors[str(result.team_id)] = result.cursor
        await ctx.uow.settings.put("assignment_cursors", cursors)


def rotation(reps: Iterable[Rep]) -> dict[int, list[int]]:
    """Who takes turns in each team: its active reps; a team of managers only rotates among them."""
    everyone: dict[int, list[Rep]] = {}
    for rep in sorted(reps, key=lambda r: r.id or 0):
        if rep.active and rep.id is not None and rep.team_id is not None:
            everyone.setdefault(rep.team_id, []).append(rep)
    return {team: [r.id for r in (([r for r in people if r.role is Role.REP]) or people) if r.id is not None]
            for team, people in everyone.items()}


def can_see_lead(ctx: Context, lead: Lead) -> bool:
    """The owner, a manager of the lead's team, or an admin."""
    managed = permissions.managed_team_ids(ctx.rep, ctx.directory.teams)
    return ctx.rep.role is Role.ADMIN or lead.owner_id == ctx.rep.id or lead.team_id in managed


async def require_lead_access(ctx: Context, lead: Lead) -> None:
    """Others than those who can see the lead get "not found"."""
    if not can_see_lead(ctx, lead):
        raise NotFound("线索", f"L{lead.id}", "lead")


def person_label(contact: Contact) -> str:
    """何 + 总 → 何总; Mr He + CTO → Mr He (CTO)."""
    if contact.title and contact.name.isascii():
        return f"{contact.name} ({contact.title})"
    return f"{contact.name}{contact.title}"


async def create_lead(ctx: Context, customer: Customer, budget: Money | None, opts: dict[str, str],
                      source: str = "chat", owner: tuple[int | None, int | None] | None = None
                      ) -> tuple[Lead, Contact | None]:
    """A new lead (its contact matched or added), assigned by the rules unless `owner` (owner id, team id)
    says where it goes, audited; its owner is told."""
    assert customer.id is not None
    contact = None
    if name := opts.get("contact"):  # an existing contact of the customer is matched, not doubled
        contact, _ = await add_or_match(ctx, customer.id, name, opts.get("phone", ""), opts.get("email", ""),
                                        opts.get("title", ""))
    lead = Lead(customer_id=customer.id, title=opts.get("note", ""), budget=budget,
                contact_id=contact.id if contact else None, region=opts.get("region") or customer.region,
                industry=opts.get("industry") or customer.industry, source=source, created_at=ctx.now)
    if owner is None:
        await assign(ctx, lead)
    else:
        lead.assign(*owner)
    lead = await ctx.uow.leads.add(lead)
    await ctx.audit("lead", lead.id, "create", customer=customer.name)
    if lead.owner_id is not None:
        await ctx.notify(lead.owner_id, Text(f"新线索 L{lead.id} 分配给你：{customer.name}",
                                             f"New lead L{lead.id} assigned to you: {customer.name}"))
    return lead, contact


@command("新线索", "lead add", "添加线索", "add lead", section="leads",
         help_zh="新建线索，按规则自动分配", help_en="Add a lead; it is assigned by the rules",
         usage_zh="新线索 公司全称 [联系人 何总] [电话 138...] [预算 60万] [区域 华东] [行业 制造]",
         usage_en="lead add <company> [contact Mr He] [phone ...] [budget 600k] [region X] [industry Y]")
async def add_lead(ctx: Context, args: Args) -> Reply:
    budget_text = args.options({"预算": "budget", "budget": "budget"}).get("budget")
    budget = Args(budget_text, args.usage, ctx.now).amount() if budget_text else None
    opts = args.options(LEAD_OPTIONS, long_values=frozenset({"note"}))
    name, person = split_person(unquote(args.required_rest("缺少公司名称", "missing the company name")))
    if person and not opts.get("contact"):
        opts["contact"] = person  # Shanghai Zenith Robotics Co., Ltd. Mr He: the name ends at its legal form
    customer, created = await ensure_customer(ctx, customer_from_options(name, opts))
    lead, contact = await create_lead(ctx, customer, budget, opts)
    owner = ctx.directory.rep(lead.owner_id)
    card = CardBuilder(ctx.t(f"已创建线索 L{lead.id}", f"Lead L{lead.id} created"), ctx.locale)
    card.add("客户", "Customer", customer.name + (ctx.t("（新客户）", " (new)") if created else ""))
    card.add("联系人", "Contact", contact and person_label(contact))
    card.add("预算", "Budget", money(budget, ctx.locale)).add("负责人", "Owner", owner and owner.name)
    return card.build(ctx.t(f"转商机：线索 转商机 L{lead.id}", f"Convert: lead convert L{lead.id}"))


@command("线索 转商机", "lead convert", "转商机", section="leads",
         help_zh="把线索转为商机", help_en="Convert a lead into a deal",
         usage_zh="线索 转商机 L3 [商机名称]", usage_en="lead convert L3 [deal name]")
async def convert_lead(ctx: Context, args: Args) -> Reply:
    ref = args.lead()
    lead = await ctx.uow.leads.find(ref)
    if lead is None:
        raise NotFound("线索", f"L{ref}", "lead")
    await require_lead_access(ctx, lead)
    ctx.remember("lead", lead)
    customer = await ctx.uow.customers.get(lead.customer_id)
    name = unquote(args.rest()) or ctx.t(f"{customer.short_name or customer.name}项目", f"{customer.name} project")
    opp = await open_deal(ctx, customer, name, lead.budget, owner_id=lead.owner_id, team_id=lead.team_id,
                          contact_id=lead.contact_id, lead_id=lead.id)
    assert opp.id is not None
    lead.mark_converted(opp.id)
    await ctx.update("lead", lead, status=lead.status.value)
    return Reply.text(ctx.t(f"线索 L{lead.id} 已转为商机 #{opp.id} {name}",
                            f"Lead L{lead.id} converted into deal #{opp.id} {name}"))


@command("线索", "leads", "我的线索", "my leads", section="leads", writes=False,
         help_zh="我的线索", help_en="My leads", usage_zh="线索", usage_en="leads")
async def list_leads(ctx: Context, args: Args) -> Reply:
    owners = None if ctx.rep.is_manager else [ctx.rep_id]
    leads = [lead for lead in await ctx.uow.leads.list(owner_ids=owners)
             if lead.status in (LeadStatus.NEW, LeadStatus.ASSIGNED) and can_see_lead(ctx, lead)]
    if not leads:
        return Reply.text(ctx.t("没有待跟进的线索。", "No open leads."))
    lines = []
    for lead in leads[:30]:
        customer = await ctx.uow.customers.get(lead.customer_id)
        lines.append(f"L{lead.id} {customer.name} {money(lead.budget, ctx.locale)}".rstrip())
    return Reply.card(ctx.t(f"线索（{len(leads)}）", f"Leads ({len(leads)})"), lines=lines)
