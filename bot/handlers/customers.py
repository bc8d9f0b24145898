"""Customers: add, find."""

from __future__ import annotations

from bot.args import Args
from bot.capture.customers import add_customer, find_customers
from bot.context import Context
from bot.customer_health import customer_health, health_lines, may_see_health
from bot.handlers.common import money
from bot.handlers.names import unquote
from bot.registry import command
from bot.reply import CardBuilder, Reply
from domain import permissions
from domain.customer import Contact, Customer, derive_short_name
from domain.opportunity import OPEN_STAGES, Opportunity

CUSTOMER_OPTIONS = {
    "行业": "industry", "industry": "industry", "区域": "region", "地区": "region", "region": "region",
    "标签": "tags", "tags": "tags", "tag": "tags", "简称": "short_name", "short": "short_name",
    "电话": "phone", "phone": "phone", "邮箱": "email", "email": "email", "别名": "aliases", "alias": "aliases",
}


def split_list(value: str) -> list[str]:
    return [v for v in value.replace("，", ",").replace("、", ",").split(",") if v]


def customer_from_options(name: str, opts: dict[str, str]) -> Customer:
    return Customer(
        name=name, short_name=opts.get("short_name") or derive_short_name(name),
        industry=opts.get("industry", ""), region=opts.get("region", ""),
        tags=split_list(opts.get("tags", "")), aliases=split_list(opts.get("aliases", "")),
        phone=opts.get("phone", ""), email=opts.get("email", ""),
    )


@command("新客户", "customer add", "添加客户", "add customer", section="customers",
         help_zh="新建客户", help_en="Add a customer",
         usage_zh="新客户 公司全称 [行业 制造] [区域 华东] [标签 重点,央企] [简称 明途]",
         usage_en="customer add <full name> [industry X] [region Y] [tags a,b] [short X]")
async def create_customer(ctx: Context, args: Args) -> Reply:
    opts = args.options(CUSTOMER_OPTIONS)
    name = unquote(args.required_rest("缺少客户名称", "missing the customer name"))
    customer = await add_customer(ctx, customer_from_options(name, opts))
    return customer_card(ctx, customer, ctx.t("已创建客户", "Customer created"))


def customer_card(ctx: Context, customer: Customer, heading: str) -> Reply:
    card = CardBuilder(f"{heading}{ctx.t('：', ': ')}C{customer.id} {customer.name}", ctx.locale)
    card.add("简称", "Short name", customer.short_name).add("行业", "Industry", customer.industry)
    card.add("区域", "Region", customer.region).add("标签", "Tags", "、".join(customer.tags))
    card.add("电话", "Phone", customer.phone).add("邮箱", "Email", customer.email)
    return card.build()


@command("客户", "customer", "查客户", "find customer", section="customers", writes=False,
         help_zh="按全称或简称查找客户", help_en="Find a customer by full or short name",
         usage_zh="客户 明途", usage_en="customer mingtu")
async def find_customer(ctx: Context, args: Args) -> Reply:
    text = args.required_rest("请写客户名称或简称", "write a customer name or short name")
    found = await find_customers(ctx, text)
    if not found:
        return Reply.text(ctx.t(f"没有找到「{text}」相关的客户。可以用「新客户 {text}」创建。",
                                f"No customer matches '{text}'. Create it with 'customer add {text}'."))
    if len(found) > 1:
        lines = [f"C{c.id} {c.name}" for c in found]
        return Reply.card(ctx.t(f"找到 {len(found)} 个客户", f"{len(found)} customers found"), lines=lines)
    return await customer_overview(ctx, found[0])


async def customer_overview(ctx: Context, customer: Customer) -> Reply:
    """The customer's card, its contacts and the open deals the asker may see; the others only as a count,
    without amounts, and without the phone or mail of contacts only those deals use."""
    reply = customer_card(ctx, customer, ctx.t("客户", "Customer"))
    assert customer.id is not None
    deals = await ctx.uow.opportunities.list(customer_id=customer.id, limit=1000)
    seen, _ = permissions.split_visible(ctx.rep, deals, ctx.directory.team_of, ctx.directory.teams)
    shown = {o.id for o in seen}
    private = {o.contact_id for o in deals if o.id not in shown} - {o.contact_id for o in seen}
    lines = await _health(ctx, customer, seen)
    lines += [contact_line(c, c.id in private) for c in await ctx.uow.contacts.for_customer(customer.id)]
    lines += [f"#{o.id} {o.name} · {o.stage.label(ctx.locale)} · {money(o.amount, ctx.locale)}"
              for o in seen if o.stage in OPEN_STAGES]
    others = sum(1 for o in deals if o.stage in OPEN_STAGES and o.id not in shown)
    if others:
        lines.append(ctx.t(f"另有 {others} 个商机由同事负责", f"{others} more deals are handled by colleagues"))
    return reply + Reply.card("", lines=lines) if lines else reply


async def _health(ctx: Context, customer: Customer, seen: list[Opportunity]) -> list[str]:
    if customer.id is None or not may_see_health(ctx, customer, seen):
        return []
    health = await customer_health(ctx, customer.id)
    return health_lines(ctx, health) if health is not None else []


def contact_line(contact: Contact, private: bool) -> str:
    reach = "" if private else f" {contact.phone} {contact.email}"
    return f"👤 {contact.name}{contact.title}{reach}".rstrip()
