"""`风险` / `risks`: the asker's current risk warnings (a manager: the team's; an admin: everyone's).

Current = stored in the ledger by the scan (scheduler.risks) and still true now: each warning is read
again from its subject, so one fixed since (the deal moved on, the payment arrived) is not shown, and one
the asker may no longer see (handed over) is left out by the same scope as the deal lists.
"""

from __future__ import annotations

from collections import Counter

from bot.args import Args
from bot.context import Context
from bot.handlers.common import view_scope
from bot.i18n import Text
from bot.registry import command
from bot.reply import Button, Reply
from domain.risk_ports import RiskRepository
from domain.risks import RiskDay, RiskRule, RiskSettings
from scheduler import risk_current
from scheduler.risk_current import newest_warnings
from scheduler.risk_messages import numbered

SHOWN = 10


@command("风险", "risks", "风险提醒", "risk warnings", section="queries", writes=False,
         help_zh="查看当前的风险提醒（经理看团队，管理员看全部）",
         help_en="Current risk warnings (managers: their team, admins: everyone's)",
         usage_zh="风险", usage_en="risks")
async def show_risks(ctx: Context, args: Args) -> Reply:
    settings = ctx.settings.risks if isinstance(ctx.settings.risks, RiskSettings) else RiskSettings()
    risks: RiskRepository | None = getattr(ctx.uow, "risks", None)
    if risks is None:
        return Reply.text(ctx.t("风险提醒还没有启用。", "Risk warnings are not set up."), error=True)
    scope = view_scope(ctx)
    warnings, more = await newest_warnings(risks, scope, RiskDay.of(ctx.now, settings.timezone), settings)
    if not warnings:
        return Reply.text(ctx.t("目前没有风险提醒。", "No risk warnings right now."))
    counts = Counter(w.rule for w in warnings)
    per_rule = " · ".join(f"{rule.label(ctx.locale)} {counts[rule]}" for rule in RiskRule if counts[rule])
    shown = warnings[:SHOWN]
    owners = {r.id: r.name for r in ctx.directory.reps if r.id is not None and r.id != ctx.rep.id}
    title = ctx.t(f"当前风险 {len(warnings)} 条", f"{len(warnings)} current risk warnings") if not more else ctx.t(
        f"最新 {risk_current.RECENT} 条风险提醒中仍成立的 {len(warnings)} 条",
        f"{len(warnings)} of the newest {risk_current.RECENT} risk warnings still hold")
    footer = ctx.t(f"仅显示最重要的 {SHOWN} 条", f"Showing the {SHOWN} most important") \
        if len(warnings) > SHOWN else ""
    reply = Reply.card(title, lines=[per_rule, *numbered(shown, ctx.locale, owners)], footer=footer)
    actions = dict.fromkeys(w.action(ctx.locale) for w in shown[:3])
    return reply.with_buttons(*(Button(Text(a, a), a) for a in actions))
