"""目标 / target: a sales target for a team or a rep over one month or quarter. Managers set them for their
teams and the reps in them, admins for anyone; reps may not. The reply shows the target against what is
won so far and the time elapsed."""

from __future__ import annotations

from bot.analytics_answers import COMPANY, COMPANY_WORDS, MAIN_CURRENCY, TARGET_KINDS, amounts_text, target_lines
from bot.analytics_periods import UnknownPeriod, period_label, resolve_period
from bot.analytics_scope import Asked, UnknownSubject, may_see_rep, visible_team_ids
from bot.args import Args
from bot.context import Context
from bot.nlp.period_words import period_mentions
from bot.registry import command
from bot.reply import Reply
from domain.analytics import Period, Scope, Target
from domain.errors import DomainError
from domain.money import Money
from domain.people import Role


class TargetDenied(DomainError):
    zh = "只有经理（为自己的团队和组员）和管理员可以设置业绩目标。"
    en = "Only managers (for their teams and the reps in them) and admins may set targets."


class TargetCurrency(DomainError):
    zh = "目标只能用公司的主币种（{main}）设置，「{written}」是 {code}。请写人民币金额，如 50万。"
    en = ("Targets are set in the company's main currency ({main}); '{written}' is {code}. "
          "Write an amount in {main}, e.g. 500k.")


class PeriodOver(DomainError):
    zh = "「{zh_period}」已经结束，不能再设目标。请写本期或以后的月份或季度，如 2027Q1。"
    en = "{en_period} is over: targets are set for the current or a later month or quarter, e.g. 2027Q1."


class CompanyTargetDenied(DomainError):
    zh = "只有管理员可以设置全公司目标。"
    en = "Only admins may set the company-wide target."


class TargetNotYours(DomainError):
    zh = "「{name}」不是你管理的团队或组员，不能为其设置目标。"
    en = "'{name}' is not a team or rep you manage; you may not set its target."


@command("目标", "target", section="queries",
         help_zh="设置业绩目标（团队或同事，按月或季度）", help_en="Set a sales target (team or rep, month or quarter)",
         usage_zh="目标 <团队|同事|全公司> <月份或季度> <金额>，如：目标 华东一组 2027Q1 500万",
         usage_en="target <team|rep|company> <period> <amount>, e.g. target 华东一组 2027Q1 5m")
async def set_target(ctx: Context, args: Args) -> Reply:
    if not ctx.rep.active or ctx.rep.role is Role.REP:
        raise TargetDenied()
    if not args.raw.strip():
        raise args.fail("请写团队或同事（管理员可写「全公司」）、月份或季度和金额",
                        "write the team or rep (admins: company), the month or quarter and the amount")
    period = _take_period(ctx, args)
    amount = args.amount()
    assert amount is not None
    name = args.rest().strip()
    if not name:
        raise args.fail("缺少团队或同事的名字", "missing the team or rep")
    if amount.amount <= 0:
        raise args.fail("目标金额必须大于 0", "the target must be above 0")
    if amount.currency != MAIN_CURRENCY:
        raise TargetCurrency(written=amount.format(ctx.locale), code=amount.currency, main=MAIN_CURRENCY)
    asked = _target_of(ctx, name)
    kind, scope_id = {"rep": ("rep", asked.rep_id), "all": ("company", COMPANY)}.get(
        asked.kind, ("team", asked.team_ids[0] if asked.team_ids else None))
    assert scope_id is not None
    before = await ctx.uow.targets.get(kind, scope_id, period.code)
    await ctx.uow.targets.set(Target(kind, scope_id, period.code, amount.amount, amount.currency), by=ctx.rep_id,
                              at=ctx.now)
    return await _confirmation(ctx, asked, period, amount, before)


def _take_period(ctx: Context, args: Args) -> Period:
    """The token (or two English words: next quarter) naming a month or quarter; removed from the args.
    A period written wrong (2027Q5) or already over (2020Q1) is refused, saying so."""
    tokens, today = args.tokens, ctx.now.date()
    for size in (2, 1):
        for i in range(len(tokens) - size + 1):
            words = " ".join(tokens[i:i + size])
            try:
                period = resolve_period(words, today, future=True)
            except UnknownPeriod:
                if size == 1 and period_mentions(words) == [words]:
                    raise args.fail(f"期间「{words}」无效（如 2027Q1、2027-01、下季度）",
                                    f"invalid period {words} (write e.g. 2027Q1, 2027-01, next quarter)") from None
                continue
            if period is None:
                continue
            if period.kind not in TARGET_KINDS:
                raise args.fail(f"目标按月或按季度设置，「{words}」不是月份或季度",
                                f"targets are set per month or quarter; '{words}' is neither")
            if period.end <= today:
                raise PeriodOver(zh_period=period_label(period, "zh"), en_period=period_label(period, "en"))
            del tokens[i:i + size]
            return period
    raise args.fail("缺少月份或季度（如 2027Q1、2027-01、本季度）",
                    "missing the month or quarter (e.g. 2027Q1, 2027-01, this quarter)")


def _target_of(ctx: Context, name: str) -> Asked:
    """The one team or rep named (exactly), if the asker manages it (admins: anyone); 全公司 / company
    (admins only)."""
    folded = name.casefold()
    if folded in COMPANY_WORDS:
        if ctx.rep.role is not Role.ADMIN:
            raise CompanyTargetDenied()
        return Asked(Scope(label="全公司", label_en="whole company"), "all")
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
