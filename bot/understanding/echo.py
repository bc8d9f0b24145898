"""The confirmation card: what was understood and recorded, with the resolved date written out."""

from __future__ import annotations

from bot.context import Context
from bot.handlers.common import money
from bot.nlp import ParseResult, describe_when
from bot.reply import CardBuilder, Reply
from bot.understanding.subjects import Subjects

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


def not_understood(ctx: Context, result: ParseResult) -> Reply:
    """Nothing is written; say what was not understood and what was."""
    lines = [p.message(ctx.locale) for p in result.problems if p.severity != "info"]
    seen = [f"{e.text} → {e.value}" for e in result.spans]
    if seen:
        lines.append(ctx.t("我读到的：", "What I read: ") + "；".join(seen))
    lines.append(ctx.t("没有记录任何内容。可以补充后重发，或发送「帮助」查看命令写法。",
                       "Nothing was recorded. Send it again with the missing part, or send 'help' for commands."))
    return Reply.text(*lines, error=True)


def with_hint(ctx: Context, reply: Reply) -> Reply:
    return reply + Reply.text(ctx.t(*UNDO_HINT))
