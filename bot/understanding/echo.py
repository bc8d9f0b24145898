"""The confirmation card: what was understood and recorded, with the resolved date written out."""

from __future__ import annotations

from bot.context import Context
from bot.handlers.common import money
from bot.i18n import Text
from bot.nlp import ParseResult, describe_when
from bot.reply import CardBuilder, Reply
from bot.understanding.subjects import Subjects
from domain.usage import FALLBACK

UNCLEAR = Text("没看懂这句话要记录什么：没有找到客户、商机号或要做的事。",
               "Could not tell what to record: no customer, deal number or action was found.")
EXAMPLE = Text("可以这样写：「今天拜访了明途的何总，预算80万，下周三上午10点再约」或「#12 报价36万」。",
               "Write it like: 'Met Mark Chen of Initrode today, budget $90k, follow up next Thursday' "
               "or '#12 quote 360k'.")
HOW_AMOUNT = Text("金额请写成 80万、800000元、¥80万 或 $90k 这样的形式。",
                  "Write amounts like 800k yuan, 80万, ¥800,000 or $90k.")
HOW_DATE = Text("时间请写成 明天下午3点、12月8日 10:00、下周三 这样的形式。",
                "Write dates like tomorrow 3pm, Dec 8 10:00 or next Wednesday.")
HOW_NAME = Text("请写客户全称（例如「杭州明途信息技术有限公司」）或商机号（例如 #12）。",
                "Write the customer's full name (e.g. 'Initrode Systems Ltd') or the deal number (e.g. #12).")
UNDO_HINT = ("不对？回复「撤销」撤销这次记录，或直接更正，例如「改成周三」「金额是55万」",
             "Not right? Reply 'undo' to revert it, or correct it, e.g. 'change to Wednesday', 'amount is 550k'")


def new(ctx: Context, subjects: Subjects, what: str) -> str:
    return ctx.t("（新）", " (new)") if what in subjects.created else ""


def recorded_card(ctx: Context, result: ParseResult, subjects: Subjects) -> Reply:
    if subjects.reply is not None:  # the dedupe offer or a contact update: said as it is
        return subjects.reply
    opp, lead = subjects.opportunity, subjects.lead
    title = ctx.t("已记录", "Recorded")
    if opp is not None:
        title += f" · #{opp.id} {opp.name}"
    elif lead is not None:
        title += ctx.t(f" · 线索 L{lead.id}", f" · lead L{lead.id}")
    card = CardBuilder(title, ctx.locale)
    if subjects.customer is not None:
        card.add("客户", "Customer", subjects.customer.name + new(ctx, subjects, "customer"))
    if subjects.contact is not None:
        contact = subjects.contact
        card.add("联系人", "Contact", f"{contact.name}{contact.title}" + new(ctx, subjects, "contact"))
    if opp is not None:
        card.add("商机", "Deal", f"#{opp.id} {opp.stage.label(ctx.locale)}" + new(ctx, subjects, "opportunity"))
        card.add("金额", "Amount", money(opp.amount, ctx.locale))
    if lead is not None:
        owner = ctx.directory.rep(lead.owner_id)
        card.add("预算", "Budget", money(lead.budget, ctx.locale)).add("负责人", "Owner", owner and owner.name)
    if opp is not None and opp.next_at is not None and "date_in_past" not in result.problem_codes():
        card.add("下一步", "Next step", describe_when(opp.next_at, ctx.now, ctx.locale) + ctx.t(" 提醒", " reminder"))
    for problem in result.problems:
        if problem.severity != "info":
            card.line("⚠️ " + problem.message(ctx.locale))
    for line in subjects.lines:
        card.line(line)
    return card.build(ctx.t(*UNDO_HINT))


def not_understood(ctx: Context, result: ParseResult, reason: Text | None = None) -> Reply:
    """Nothing is written; say what was not understood, how to write it, and what was read."""
    ctx.usage.note(FALLBACK)  # free text the bot could not place (a usage event's kind)
    shown = [p for p in result.problems if p.severity != "info"]
    lines = [p.message(ctx.locale) for p in shown]
    if reason is not None:
        lines.append(reason.get(ctx.locale))
    if not lines:  # never a refusal without a reason
        lines.append(UNCLEAR.get(ctx.locale))
    hints = [how_to_write(p.code) for p in shown] + ([EXAMPLE] if not shown or reason is not None else [])
    lines += [hint.get(ctx.locale) for hint in dict.fromkeys(h for h in hints if h is not None)]
    seen = [f"{e.text} → {e.value}" for e in result.spans]
    if seen:
        lines.append(ctx.t("我读到的：", "What I read: ") + "；".join(seen))
    lines.append(ctx.t("没有记录任何内容。可以补充后重发，或发送「帮助」查看命令写法。",
                       "Nothing was recorded. Send it again with the missing part, or send 'help' for commands."))
    return Reply.text(*lines, error=True)


def how_to_write(code: str) -> Text | None:
    """How to write the part a problem is about (by the problem code's family)."""
    if code.startswith("amount"):
        return HOW_AMOUNT
    if code.startswith(("date", "time")):
        return HOW_DATE
    if code.startswith(("company", "contact", "name", "opportunity")):
        return HOW_NAME
    if code.startswith("intent"):
        return EXAMPLE
    return None


def with_hint(ctx: Context, reply: Reply) -> Reply:
    return reply + Reply.text(ctx.t(*UNDO_HINT))
