"""Read-only views: my deals, one deal's card, help."""

from __future__ import annotations

from bot.approval_flow import state_tag
from bot.args import STAGE_WORDS, Args
from bot.context import Context
from bot.handlers import receivables
from bot.handlers.common import load_deal, may_view, money, view_scope, when
from bot.handlers.deals import LOST_LABELS
from bot.i18n import Text
from bot.registry import SECTIONS, command, registry
from bot.reply import CardBuilder, Reply
from bot.win_text import percent
from domain.errors import NotFound
from domain.listing import DealTotals
from domain.money import CNY, Money
from domain.opportunity import OPEN_STAGES
from domain.win_ports import WinDataRepository

SHOWN = 30  # deals listed; the header counts and adds up all of them


@command("我的商机", "my deals", "商机列表", "deals", section="queries", writes=False,
         help_zh="列出我能看到的进行中商机（经理看团队，管理员看全部）",
         help_en="List open deals I can see (managers: their team, admins: all)",
         usage_zh="我的商机 [谈判]", usage_en="my deals [negotiation]")
async def my_deals(ctx: Context, args: Args) -> Reply:
    wanted = [STAGE_WORDS[t.casefold()] for t in args.tokens if t.casefold() in STAGE_WORDS]
    scope = view_scope(ctx)
    stages = wanted or OPEN_STAGES
    shown = await ctx.uow.opportunities.visible(scope, stages=stages, limit=SHOWN)
    if not shown:
        return Reply.text(ctx.t("没有进行中的商机。", "No open deals."))
    totals = await ctx.uow.opportunities.totals(scope, stages=stages)
    names = {r.id: r.name for r in ctx.directory.reps}
    customers = await ctx.uow.customers.many(opp.customer_id for opp in shown)
    lines = []
    for opp in shown:
        customer = customers.get(opp.customer_id)
        if customer is None:
            raise NotFound("客户", f"#{opp.customer_id}", "customer")
        owner = f" @{names.get(opp.owner_id, '?')}" if opp.owner_id != ctx.rep.id else ""
        lines.append(f"#{opp.id} {customer.short_name or customer.name} · {opp.name} · "
                     f"{opp.stage.label(ctx.locale)} · {money(opp.amount, ctx.locale) or '-'}{owner}")
    title = ctx.t(f"进行中的商机 {totals.count} 个，合计 {total_text(totals, 'zh')}",
                  f"{totals.count} open deals, {total_text(totals, 'en')} in total")
    footer = ctx.t(f"仅显示最紧急的 {SHOWN} 个", f"Showing the {SHOWN} most urgent") if totals.count > SHOWN else ""
    return Reply.card(title, lines=lines, footer=footer)


def total_text(totals: DealTotals, locale: str) -> str:
    """¥1,200,000.00, or per currency when there are several: ¥1,200,000.00 + US$30,000.00."""
    currencies = sorted(totals.amounts, key=lambda c: (c != CNY, c)) or [CNY]
    return " + ".join(Money(totals.amount(c), c).format(locale) for c in currencies)


@command("商机", "deal", "查看", section="queries", writes=False,
         help_zh="查看商机卡片（也可以直接发 #12；导入的商机也可以用原系统的编号：商机 CRM-0042）",
         help_en="Show a deal card (or just send #12; an imported deal also by its old id: deal CRM-0042)",
         usage_zh="商机 #12", usage_en="deal #12")
async def deal_card(ctx: Context, args: Args) -> Reply:
    number = args.optional_opportunity()
    if number is None and (ref := args.rest().strip()):
        return await show_deal(ctx, await by_ref(ctx, args, ref))
    return await show_deal(ctx, number if number is not None else args.opportunity())


async def by_ref(ctx: Context, args: Args, ref: str) -> int:
    """The id of the deal imported with this ref (its id in the old system); one the asker may not see is
    answered exactly like a missing one."""
    found = (await ctx.uow.opportunities.by_refs([ref])).get(ref)
    if found is None or found.id is None or not may_view(ctx, found):
        raise args.fail(f"找不到编号为「{ref}」的商机（商机号写作 #12，导入的商机也可以用原系统的编号）",
                        f"no deal with the ref '{ref}' (deal numbers look like #12; imported deals also go by "
                        "their old id)")
    return found.id


async def show_deal(ctx: Context, ref: int) -> Reply:
    opp = await load_deal(ctx, ref, edit=False)
    assert opp.id is not None
    customer = await ctx.uow.customers.get(opp.customer_id)
    owner = ctx.directory.rep(opp.owner_id)
    contact = await ctx.uow.contacts.find(opp.contact_id) if opp.contact_id else None
    card = CardBuilder(f"#{opp.id} {opp.name}", ctx.locale)
    card.add("客户", "Customer", customer.name).add("联系人", "Contact", contact and f"{contact.name}{contact.title}")
    card.add("编号", "Ref", opp.ref)  # the deal's id in the system it was imported from
    card.add("阶段", "Stage", opp.stage.label(ctx.locale)).add("金额", "Amount", money(opp.amount, ctx.locale))
    card.add("负责人", "Owner", owner and owner.name)
    if not opp.stage.is_closed:
        card.add("赢单概率", "Win chance", await chance(ctx, opp.id))
    if not opp.stage.is_closed or opp.next_at is not None:  # closing ends the open deal's next step
        card.add("下一步", "Next step", f"{opp.next_step} {when(opp.next_at, ctx)}".strip())
    card.add("最近联系", "Last contact", when(opp.last_contact_at, ctx))
    if opp.lost_reason:
        reason = LOST_LABELS[opp.lost_reason][ctx.locale == "en"]
        card.add("输单原因", "Lost reason", f"{reason} {opp.lost_note}".strip())
    quotes = await ctx.uow.quotes.for_opportunity(opp.id)
    card.add("报价", "Quotes", " / ".join(f"v{q.version} {money(q.amount, ctx.locale)}"
                                                  + state_tag(ctx, q.approval) for q in quotes))
    footer = receivables.card_section(ctx, opp, await receivables.deal_money(ctx, opp), card)
    for f in list(await ctx.uow.followups.for_opportunity(opp.id))[-3:]:
        card.line(f"· {when(f.at, ctx, date_only=True)} {f.note}")
    return card.build(footer)


async def chance(ctx: Context, deal_id: int) -> str:
    """The nightly score of an open deal: "62%（30天内 18%）· 建议 #12 看原因"; "" before its first score."""
    wins: WinDataRepository | None = getattr(ctx.uow, "wins", None)
    score = (await wins.scores([deal_id])).get(deal_id) if wins is not None else None
    if score is None:
        return ""
    p, soon = percent(score.p_win), percent(score.p_win_30d)
    return ctx.t(f"{p}（30天内 {soon}）· 发送「建议 #{deal_id}」查看原因",
                 f"{p} (within 30 days {soon}) · send \"suggest #{deal_id}\" for why")


@command("帮助", "help", "?", "？", section="general", writes=False,
         help_zh="查看命令说明", help_en="Show the commands", usage_zh="帮助 [命令]", usage_en="help [command]")
async def show_help(ctx: Context, args: Args) -> Reply:
    topic = args.rest()
    if topic and (section := section_named(topic)) is not None:  # 帮助 审批: that section's commands
        return section_card(ctx, section)
    if topic and (cmd := registry.lookup(topic)):
        words = " / ".join((cmd.name, *cmd.aliases))
        return Reply.text(f"{words}", cmd.help.get(ctx.locale), ctx.t("用法：", "Usage: ") + cmd.usage.get(ctx.locale),
                          *see_also(ctx, cmd.name))
    if topic:
        return unknown_topic(ctx, topic)
    cards = [section_card(ctx, key) for key in SECTIONS if any(c.section == key for c in registry.commands)]
    intro = Reply.text(ctx.t("dealbot 命令（也可以直接用一句话描述发生了什么）：",
                             "dealbot commands (or just describe what happened in a sentence):"))
    result = intro
    for card in [*cards, _questions_card(ctx)]:
        result = result + card
    return result


# Commands easily mistaken for one another: `帮助 转给` (one deal) also names 离职交接 (a leaver's whole book).
RELATED = {"转给": ("离职交接",), "离职交接": ("转给",)}


def see_also(ctx: Context, name: str) -> list[str]:
    lines = []
    for other in RELATED.get(name, ()):
        if (cmd := registry.lookup(other)) is not None:
            lines.append(ctx.t("另见 ", "See also ") + f"{cmd.usage.get(ctx.locale)}  — {cmd.help.get(ctx.locale)}")
    return lines


def section_named(topic: str) -> str | None:
    """The help section a word names (提醒, reminders, Reminders, reminder), if any."""
    word = topic.strip().casefold()
    for key, title in SECTIONS.items():
        if word in (key, key.rstrip("s"), title.zh.casefold(), title.en.casefold()):
            return key
    return None


def section_card(ctx: Context, key: str) -> Reply:
    lines = [f"{c.usage.get(ctx.locale)}  — {c.help.get(ctx.locale)}" for c in registry.commands if c.section == key]
    return Reply.card(SECTIONS[key].get(ctx.locale), lines=lines)


QUESTION_EXAMPLES = Text(
    "这个月业绩如何 · 华东一组这个季度赢单多少 · 这个季度赢率多少 · 本月新增多少商机 · 谁的业绩最好 · "
    "张伟这个季度排第几 · 哪些商机卡住了 · 谁的跟进逾期了 · 明天要跟进哪些 · 张伟的商机 · 明途信息的历史",
    "how did Q4 go · win rate this quarter · new deals this month · leaderboard this month · "
    "where does Zhang Wei rank this quarter · which deals are stuck? · who is behind on follow-ups · "
    "tomorrow's follow-ups · Zhang Wei's deals · history of Zenith Robotics")


def _questions_card(ctx: Context) -> Reply:
    """你也可以直接问: questions about the numbers answered in free text (bot.nlp.questions)."""
    lines = [QUESTION_EXAMPLES.get(ctx.locale),
             ctx.t("期间可写：今天、明天、本周、这个月、上个月、下季度、Q4、2026Q4、上半年、近30天、2026-11-15",
                   "Periods: today, tomorrow, this week, this month, last month, next quarter, Q4, 2026Q4, H1, "
                   "last 30 days, 2026-11-15")]
    return Reply.card(ctx.t("你也可以直接问", "You can also just ask"), lines=lines)


def unknown_topic(ctx: Context, topic: str) -> Reply:
    """`帮助 foo`: say foo is not a command, suggest close ones, point at the full list."""
    word = topic[:30]
    close = registry.suggest(word) or registry.suggest(word.split(" ", 1)[0])
    lines = [ctx.t(f"没有「{word}」这个命令。", f"There is no command '{word}'.")]
    if close:
        lines.append(ctx.t("你是不是想查：", "Did you mean: ") + ctx.t("、", ", ").join(close)
                     + ctx.t(f"？例如「帮助 {close[0]}」。", f"? For example 'help {close[0]}'."))
    lines.append(ctx.t("发送「帮助」查看全部命令。", "Send 'help' for all commands."))
    return Reply.text(*lines, error=True)
