"""The lead pool (公海, issue #14): `公海` lists what one may claim, `领取 C12` / `领取 L5` takes it, `放弃 C12`
puts it back, `保护 C12` / `取消保护 C12` (managers) keeps it from the reclaim scan, `保留 C12` (the 跟进 button
of a warning) says how to keep it. The rules are in domain.pool, the use cases in bot.pool_actions."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.args import Args
from bot.capture.customers import resolve_customer
from bot.context import Context
from bot.handlers.common import when
from bot.handlers.names import unquote
from bot.i18n import Text
from bot.pool_actions import (
    claim_customer,
    claim_lead,
    give_back,
    pool_of,
    release_customer,
    release_lead,
    rules_for,
    set_protected,
)
from bot.registry import command
from bot.reply import Reply
from domain import permissions
from domain.customer import Customer
from domain.errors import NotFound
from domain.lead import Lead
from domain.opportunity import OPEN_STAGES
from domain.pool import Deadline, Reason, judge
from domain.pool_ports import PoolEntry, PoolFilter

PAGE = 20
_CUSTOMER = re.compile(r"^[Cc](\d{1,9})$")
_LEAD = re.compile(r"^[Ll](\d{1,9})$")
_REF = re.compile(r"^[CcLl]\d{1,9}$")
_IDLE = re.compile(r"(\d{1,4})\s*天(?:未|没有?)跟进|(?i:idle)\s*(\d{1,4})")
_PAGE = re.compile(r"第\s*(\d{1,4})\s*页|(?i:page)\s*(\d{1,4})")
FILTERS = {"地区": "region", "区域": "region", "region": "region", "行业": "industry", "industry": "industry"}


async def target(ctx: Context, args: Args, leads: bool = True, verb: tuple[str, str] | None = None
                 ) -> Customer | Lead:
    """C12, L5, or a customer's name (`leads` False: a customer only is asked for). Words after a C12 / L5 are
    refused (`verb`: the command, for the example), or left for the caller when `verb` is None."""
    text = unquote(args.required_rest("请写客户（如 C12 或客户名）或线索（如 L5）",
                                      "write a customer (like C12 or its name) or a lead (like L5)") if leads else
                   args.required_rest("请写客户（如 C12 或客户名）", "write a customer (like C12 or its name)"))
    ref, _, extra = text.partition(" ")
    if _REF.match(ref) and extra.strip():
        if verb is not None:
            raise args.fail(f"多余的内容「{extra.strip()}」（只需要编号，例如：{verb[0]} {ref.upper()}）",
                            f"extra words '{extra.strip()}' (only the number, e.g. {verb[1]} {ref.upper()})")
        args.tokens = extra.split()
        text = ref
    if m := _LEAD.match(text):
        lead = await ctx.uow.leads.find(int(m.group(1)))
        if lead is None:
            raise NotFound("线索", text.upper(), "lead")
        return lead
    if m := _CUSTOMER.match(text):
        customer = await ctx.uow.customers.find(int(m.group(1)))
        if customer is None:
            raise NotFound("客户", text.upper(), "customer")
        return customer
    return await resolve_customer(ctx, text)


@command("公海", "pool", "客户公海", "lead pool", section="customers", writes=False,
         help_zh="公海里可以领取的客户和线索（可按地区、行业、未跟进天数筛选）",
         help_en="Customers and leads in the pool you may claim (filter by region, industry, days idle)",
         usage_zh="公海 [地区 华东] [行业 制造] [30天未跟进] [第2页]",
         usage_en="pool [region 华东] [industry 制造] [idle 30] [page 2]")
async def list_pool(ctx: Context, args: Args) -> Reply:
    opts = args.options(FILTERS)
    rest = args.rest()
    idle, page = _IDLE.search(rest), _PAGE.search(rest)
    leftover = _PAGE.sub("", _IDLE.sub("", rest)).strip()
    if leftover:
        raise args.fail(f"看不懂「{leftover}」", f"'{leftover}' is not a filter")
    days = int(idle.group(1) or idle.group(2)) if idle else None
    number = max(1, int(page.group(1) or page.group(2))) if page else 1
    where = PoolFilter(permissions.pool_team_ids(ctx.rep, ctx.directory.teams), opts.get("region", ""),
                       opts.get("industry", ""), ctx.now - timedelta(days=days) if days else None)
    total, entries = await pool_of(ctx).listing(where, (number - 1) * PAGE, PAGE)
    if not entries:
        return _nothing_on_page(ctx, total, number)
    lines = [f"{e.ref} {e.name}" + _protected(ctx, e) + "".join(f" · {v}" for v in (e.region, e.industry) if v)
             + " · " + _activity(ctx, e) for e in entries]
    pages = (total + PAGE - 1) // PAGE
    more = ctx.t(f"第 {number}/{pages} 页，下一页：公海 第{number + 1}页", f"page {number}/{pages}; next: pool page "
                 f"{number + 1}") if number < pages else ""
    first = next((e.ref for e in entries if _claimable(ctx, e)), None)
    hint = ctx.t(f"领取：领取 {first}", f"Claim: claim {first}") if first else \
        ctx.t("这一页没有你能领取的（受保护的客户由经理领取）",
              "nothing here you may claim (a manager claims protected ones)")
    footer = hint + (ctx.t(f"；{more}", f"; {more}") if more else "")
    return Reply.card(ctx.t(f"公海（{total}）", f"Pool ({total})"), lines=lines, footer=footer)


def _activity(ctx: Context, entry: PoolEntry) -> str:
    """The last follow-up, else (a lead) when it was created, else none."""
    if entry.last_activity is not None:
        return ctx.t("最近跟进 ", "last activity ") + when(entry.last_activity, ctx, True)
    if entry.created_at is not None:
        return ctx.t("创建 ", "created ") + when(entry.created_at, ctx, True)
    return ctx.t("最近跟进 无", "last activity none")


def _claimable(ctx: Context, entry: PoolEntry) -> bool:
    return not _protected(ctx, entry) or permissions.may_claim_protected(ctx.rep, entry.team_id,
                                                                         ctx.directory.teams)


def _protected(ctx: Context, entry: PoolEntry) -> str:
    """（受保护）after a protected customer: only a manager of its pool's team or an admin claims it."""
    if entry.protected or ctx.settings.pool.tag_protects(entry.tags):
        return ctx.t("（受保护）", " (protected)")
    return ""


def _nothing_on_page(ctx: Context, total: int, number: int) -> Reply:
    if not total:
        return Reply.text(ctx.t("公海里没有符合条件的客户或线索。", "Nothing in the pool matches."))
    pages = (total + PAGE - 1) // PAGE
    return Reply.text(ctx.t(f"公海共 {total} 个，只有 {pages} 页，没有第 {number} 页。",
                            f"The pool holds {total}: {pages} page{'s' if pages > 1 else ''} only, no page {number}."))


@command("领取", "claim", "认领", section="customers",
         help_zh="从公海领取客户或线索（每天有上限）", help_en="Claim a customer or lead from the pool (daily limit)",
         usage_zh="领取 C12（或 领取 L5）", usage_en="claim C12 (or claim L5)")
async def claim(ctx: Context, args: Args) -> Reply:
    found = await target(ctx, args, verb=("领取", "claim"))
    if isinstance(found, Lead):
        customer = await ctx.uow.customers.get(found.customer_id)
        return await claim_lead(ctx, found, customer.name)
    return await claim_customer(ctx, found)


@command("放弃", "release", "放回公海", "give up", section="customers", prefix=False,
         help_zh="把自己的客户或线索放回公海", help_en="Put a customer or lead of yours back into the pool",
         usage_zh="放弃 C12（或 放弃 L5）", usage_en="release C12 (or release L5)")
async def release(ctx: Context, args: Args) -> Reply:
    found = await target(ctx, args)
    note = args.rest().strip()[:200]  # the reason, after the ref: 放弃 C12 客户没需求了
    if isinstance(found, Lead):
        reply = await release_lead(ctx, found, (await ctx.uow.customers.get(found.customer_id)).name, note)
    else:
        reply = await release_customer(ctx, found, note)
    return reply.settling(Text("已放弃", "Released"))


@command("保护", "protect", "保护客户", section="customers", prefix=False,
         help_zh="设为受保护客户，不会被收回公海（经理或管理员）",
         help_en="Protect a customer from being reclaimed into the pool (managers, admins)",
         usage_zh="保护 C12", usage_en="protect C12")
async def protect(ctx: Context, args: Args) -> Reply:
    return await set_protected(ctx, await customer_target(ctx, args), True)


@command("取消保护", "unprotect", section="customers",
         help_zh="取消客户的保护（经理或管理员）", help_en="Stop protecting a customer (managers, admins)",
         usage_zh="取消保护 C12", usage_en="unprotect C12")
async def unprotect(ctx: Context, args: Args) -> Reply:
    return await set_protected(ctx, await customer_target(ctx, args, "取消保护", "unprotect"), False)


@command("退回", "give back", section="customers",
         help_zh="把刚被收回公海的客户退回给原负责人（经理或管理员）",
         help_en="Give a customer the pool took back to its former owner (managers, admins)",
         usage_zh="退回 C12", usage_en="give back C12")
async def give_back_customer(ctx: Context, args: Args) -> Reply:
    return await give_back(ctx, await customer_target(ctx, args, "退回", "give back"))


async def customer_target(ctx: Context, args: Args, verb: str = "保护", verb_en: str = "protect") -> Customer:
    found = await target(ctx, args, leads=False, verb=(verb, verb_en))
    if isinstance(found, Lead):
        raise args.fail(f"{verb} 只适用于客户，不适用于线索", f"{verb_en} applies to customers, not to leads")
    return found


@command("保留", "keep", section="customers", writes=False, prefix=False,
         help_zh="客户或线索什么时候会被收回公海，怎样保留",
         help_en="When a customer or lead of yours returns to the pool, and how to keep it",
         usage_zh="保留 C12 或 保留 L5", usage_en="keep C12 or keep L5")
async def keep(ctx: Context, args: Args) -> Reply:
    customer = await target(ctx, args, verb=("保留", "keep"))
    if isinstance(customer, Lead):
        return await _keep_lead(ctx, args, customer)
    ref = f"C{customer.id}"
    if customer.owner_id != ctx.rep.id:
        raise args.fail(f"{ref} 不在你名下", f"{ref} is not yours")
    assert customer.id is not None
    page = await pool_of(ctx).held_page(customer.id - 1, 1)
    holding = next((h for h in page.holdings if h.customer_id == customer.id), None)
    rules = rules_for(ctx, ctx.rep.team_id)
    protected = holding is None or ctx.settings.pool.tag_protects(customer.tags)
    due = None if protected or holding is None else judge(holding, rules, ctx.now)[1]
    if due is None:
        working = holding is not None and holding.owner_open_deals > 0
        return Reply.text(ctx.t(f"{ref} {customer.name} 不会被收回公海" + ("（你在它上面有进行中的商机）。" if working
                                                                         else "。"),
                                f"{ref} {customer.name} is not due to go back to the pool"
                                + (" (you have an open deal on it)." if working else ".")))
    how = await _how_to_keep(ctx, customer, due)
    return Reply.text(ctx.t(f"{ref} {customer.name}：{due.reason.words(due.days)}，将于 {when(due.at, ctx)} 回到公海。"
                            f"{how}", f"{ref} {customer.name}: {due.reason.words(due.days, 'en')}; it returns to the "
                            f"pool on {when(due.at, ctx)}. To keep it, {how}"))


async def _keep_lead(ctx: Context, args: Args, lead: Lead) -> Reply:
    """A held lead's deadline (no follow-up for `lead_no_followup_days`); converting it keeps it."""
    ref = f"L{lead.id}"
    if lead.owner_id != ctx.rep.id or lead.id is None:
        raise args.fail(f"{ref} 不在你名下", f"{ref} is not yours")
    page = await pool_of(ctx).held_leads_page(lead.id - 1, 1)
    holding = next((h for h in page.holdings if h.customer_id == lead.id), None)
    due = None if holding is None else judge(holding, rules_for(ctx, ctx.rep.team_id).for_leads(), ctx.now)[1]
    if due is None:
        return Reply.text(ctx.t(f"{ref} 不会被收回公海。", f"{ref} is not due to go back to the pool."))
    return Reply.text(ctx.t(f"{ref}：{due.reason.words(due.days)}，将于 {when(due.at, ctx)} 回到公海。"
                            f"保留：转为商机（线索 转商机 {ref}）；不要了：放弃 {ref}",
                            f"{ref}: {due.reason.words(due.days, 'en')}; it returns to the pool on "
                            f"{when(due.at, ctx)}. To keep it, convert it (lead convert {ref}); to give it up: "
                            f"release {ref}"))


async def _how_to_keep(ctx: Context, customer: Customer, due: Deadline) -> str:
    """What moves this deadline: a win (no win since claiming), else a follow-up on an open deal of theirs,
    else a new deal (a follow-up is written on a deal)."""
    if due.reason is Reason.NO_WIN:
        return ctx.t(f"需要在此之前赢单，或请经理设为受保护客户（保护 C{customer.id}）",
                     f"win a deal before then, or ask a manager to protect it (protect C{customer.id})")
    deals = [o for o in await ctx.uow.opportunities.list(customer_id=customer.id, stages=OPEN_STAGES, limit=5)
             if o.owner_id == ctx.rep.id]
    name = customer.short_name or customer.name
    if deals and due.reason is Reason.NO_FOLLOWUP:
        return ctx.t(f"写一条跟进即可保留，例如：跟进 #{deals[0].id} 电话沟通了需求",
                     f"log a follow-up, e.g. follow #{deals[0].id} called about the needs")
    return ctx.t(f"新建商机并跟进，例如：新商机 {name} 项目名 50万", f"open a deal, e.g. deal add {name} project 500k")
