"""目标 / target: a sales target for a team or a rep over one month or quarter. Managers set them for their
teams and the reps in them, admins for anyone; reps may not. The reply shows the target against what is
won so far and the time elapsed."""

from __future__ import annotations

from bot.analytics_answers import TARGET_KINDS, amounts_text, target_lines
from bot.analytics_periods import UnknownPeriod, period_label, resolve_period
from bot.analytics_scope import Asked, UnknownSubject, may_see_rep, visible_team_ids
from bot.args import Args
from bot.context import Context
from bot.registry import command
from bot.reply import Reply
from domain.analytics import Period, Scope, Target
from domain.errors import DomainError
from domain.money import Money
from domain.people import Role


class TargetDenied(DomainError):
    zh = "只有经理（为自己的团队和组员）和管理员可以设置业绩目标。"
    en = "Only managers (for their teams and the reps in them) and admins may set targets."


class TargetNotYours(DomainError):
    zh = "「{name}」不是你管理的团队或组员，不能为其设置目标。"
    en = "'{name}' is not a team or rep you manage; you may not set its target."


@command("目标", "target", section="queries",
         help_zh="设置业绩目标（团队或同事，按月或季度）", help_en="Set a sales target (team or rep, month or quarter)",
         usage_zh="目标 华东一组 2027Q1 500万",
         usage_en="target <team|rep> <period> <amount>, e.g. target 华东一组 2027Q1 5m")
async def set_target(ctx: Context, args: Args) -> Reply:
    if not ctx.rep.active or ctx.rep.role is Role.REP:
        raise TargetDenied()
    period = _take_period(ctx, args)
    amount = args.amount()
    assert amount is not None
    name = args.rest().strip()
    if not name:
        raise args.fail("缺少团队或同事的名字", "missing the team or rep")
    if amount.amount <= 0:
        raise args.fail("目标金额必须大于 0", "the target must be above 0")
    asked = _target_of(ctx, name)
    kind, scope_id = ("rep", asked.rep_id) if asked.kind == "rep" else ("team", asked.team_ids[0])
    assert scope_id is not None
    before = await ctx.uow.targets.get(kind, scope_id, period.code)
    await ctx.uow.targets.set(Target(kind, scope_id, period.code, amount.amount, amount.currency), by=ctx.rep_id,
                              at=ctx.now)
    return await _confirmation(ctx, asked, period, amount, before)


def _take_period(ctx: Context, args: Args) -> Period:
    """The token (or two English words: next quarter) naming a month or quarter; removed from the args."""
    tokens = args.tokens
    for size in (2, 1):
        for i in range(len(tokens) - size + 1):
            words = " ".join(tokens[i:i + size])
            try:
                period = resolve_period(words, ctx.now.date(), future=True)
            except UnknownPeriod:
                continue
            if period is None:
                continue
            if period.kind not in TARGET_KINDS:
                raise args.fail(f"目标按月或按季度设置，「{words}」不是月份或季度",
                                f"targets are set per month or quarter; '{words}' is neither")
            del tokens[i:i + size]
            return period
    raise args.fail("缺少月份或季度（如 2027Q1、2027-01、本季度）",
                    "missing the month or quarter (e.g. 2027Q1, 2027-01, this quarter)")


def _target_of(ctx: Context, name: str) -> Asked:
    """The one team or rep named (exactly), if the asker manages it (admins: anyone)."""
    folded = name.casefold()
    rep = next((r for r in ctx.directory.reps if r.name.casefold() == folded and r.id is not None), None)
    team = next((t for t in ctx.directory.teams if t.name.casefold() == folded and t.id is not None), None)
    allowed = visible_team_ids(ctx)
    if rep is not None and rep.id is not None:
        if not may_see_rep(ctx, rep):
            raise TargetNotYours(name=name)
        return Asked(Scope(rep_ids=frozenset({rep.id}), label=rep.name, label_en=rep.name), "rep", rep_id=rep.id)
    if team is None or team.id is None:
        example = next((t.name for t in ctx.directory.teams), "华东一组")
        raise UnknownSubject(name=name, example=example)
    if allowed is not None and team.id not in allowed:
        raise TargetNotYours(name=name)
    return Asked(Scope(team_ids=frozenset({team.id}), label=team.name, label_en=team.name), "teams", (team.id,))


async def _confirmation(ctx: Context, asked: Asked, period: Period, amount: Money, before: Target | None) -> Reply:
    results = await ctx.uow.analytics.results(asked.scope, period)
    was = ""
    if before is not None:
        old = Money(before.amount, before.currency).format(ctx.locale)
        was = ctx.t(f"（原为 {old}）", f" (was {old})")
    title = ctx.t(f"已设置目标：{asked.scope.label} {period_label(period, 'zh')} {amount.format('zh')}{was}",
                  f"Target set: {asked.scope.label_en} {period_label(period, 'en')} {amount.format('en')}{was}")
    won = amounts_text(results.won_amounts, ctx.locale)
    lines = [ctx.t(f"已赢单 {results.won} 个 · {won}", f"Won so far: {results.won} · {won}")]
    lines += target_lines(ctx, {amount.currency: amount.amount}, results.won_amounts, period)
    return Reply.card(title, lines=lines)
