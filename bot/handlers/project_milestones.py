"""Milestones of a delivery project (issue #15): `里程碑 P3 新增 上线 2027-03-01 [回款 2]` adds one,
`里程碑 M5 验收` accepts it (its payment falls due, the deal's owner is told: bot.delivery.acceptance),
`里程碑 M5 延期 3月15日` moves it; `里程碑 P3` lists them."""

from __future__ import annotations

from datetime import date

from bot.args import Args
from bot.context import Context
from bot.delivery import events, lifecycle
from bot.delivery.acceptance import accept
from bot.delivery.access import Access, open_milestone, open_project
from bot.delivery.cards import milestone_line, short_day, zh_day
from bot.delivery.words import as_day, read_day, split_verb, take_word
from bot.registry import command
from bot.reply import Reply
from domain.delivery import Milestone
from domain.delivery_rules import milestone_accepted
from domain.permissions import Right

ADD, ACCEPT, MOVE = ("新增", "添加", "add", "new"), ("验收", "accept", "accepted"), ("延期", "改期", "move", "postpone")
USAGE = ("里程碑 P3 新增 上线 2027-03-01 [回款 2] / 里程碑 M5 验收 / 里程碑 M5 延期 3月15日 / 里程碑 P3",
         "milestone P3 add Go-live 2027-03-01 [payment 2] / milestone M5 accept / milestone M5 move Mar 15 / "
         "milestone P3")


@command("里程碑", "milestone", "milestones", section="delivery", prefix=False,
         help_zh="交付里程碑：新增、验收（关联的回款随之到期并通知负责人）、延期、查看",
         help_en="Delivery milestones: add, accept (the linked payment falls due and the owner is told), move, list",
         usage_zh=USAGE[0], usage_en=USAGE[1])
async def milestones(ctx: Context, args: Args) -> Reply:
    ref = args.tokens.pop(0) if args.tokens else ""
    verb = split_verb(args, args.tokens.pop(0).casefold(), ADD + ACCEPT + MOVE) if args.tokens else ""
    if ref[:1] in ("P", "p"):
        if verb in ADD:
            return await add_milestone(ctx, args, await open_project(ctx, ref, Right.WORK))
        if not verb:
            return await list_milestones(ctx, await open_project(ctx, ref))
    elif ref[:1] in ("M", "m") and verb in ACCEPT + MOVE:
        stone, access = await open_milestone(ctx, ref, Right.WORK)
        if verb in ACCEPT:
            if args.tokens:
                raise args.fail(f"多余的内容「{args.rest()}」", f"unexpected '{args.rest()}'")
            return Reply.text(*await accept(ctx, stone, access))
        return await move_milestone(ctx, args, stone, access)
    raise args.fail("请写项目号或里程碑号和要做的事", "write the project or milestone number and what to do")


async def list_milestones(ctx: Context, access: Access) -> Reply:
    assert access.project.id is not None
    stones = await ctx.uow.project_milestones.for_project(access.project.id)
    tasks = await ctx.uow.tasks.for_project(access.project.id)
    seqs = {p.id: p.seq for p in await ctx.uow.milestones.history(access.deal.id or 0) if p.id is not None}
    lines = [milestone_line(ctx, s, tasks, seqs) for s in stones] or [ctx.t("还没有里程碑。", "No milestones yet.")]
    return Reply.card(ctx.t(f"P{access.project.id} {access.project.name} 的里程碑",
                            f"Milestones of P{access.project.id} {access.project.name}"), lines=lines)


async def add_milestone(ctx: Context, args: Args, access: Access) -> Reply:
    project = access.project
    assert project.id is not None
    pay = take_word(args, ("回款", "payment"))
    picked = args.when(required=True)
    assert picked is not None
    due = as_day(picked)
    name = args.required_rest("缺少里程碑名称", "missing the milestone's name")
    payment_id = None
    if pay is not None:
        plan = await ctx.uow.milestones.for_opportunity(project.opportunity_id)
        payment_id = next((p.id for p in plan if str(p.seq) == pay.lstrip("#") and p.replaced_at is None), None)
        if payment_id is None:
            raise args.fail(f"商机 #{project.opportunity_id} 的回款计划里没有第 {pay} 笔",
                            f"the payment plan of deal #{project.opportunity_id} has no payment {pay}")
    have = await ctx.uow.project_milestones.for_project(project.id)
    if payment_id is not None and (taken := next((s for s in have if s.payment_milestone_id == payment_id), None)):
        raise args.fail(f"回款 #{pay} 已由 M{taken.id} {taken.name} 的验收触发；一笔回款只关联一个里程碑",
                        f"payment {pay} is already released by M{taken.id} {taken.name}; a payment has one milestone")
    stone = await ctx.uow.project_milestones.add(Milestone(
        project.id, name, due, seq=max((s.seq for s in have), default=0) + 1, payment_milestone_id=payment_id))
    await events.created(ctx, "project_milestone", stone)
    await events.record(ctx, project.id, "milestone", f"新增里程碑 M{stone.id} {name}（{zh_day(stone.due_on)}）",
                        f"Milestone M{stone.id} {name} added (due {stone.due_on.isoformat()})", public=True)
    await _extend_project(ctx, access, stone.due_on)
    again = await lifecycle.reopened(ctx, access)
    added = ctx.t(f"已新增里程碑 M{stone.id} {name}，{short_day(stone.due_on, ctx)}到期",
                  f"Milestone M{stone.id} {name} added, due {short_day(stone.due_on, ctx)}")
    return Reply.text(added, again) if again else Reply.text(added)


async def move_milestone(ctx: Context, args: Args, stone: Milestone, access: Access) -> Reply:
    day = read_day(args, args.tokens, ("日期", "date"))
    if milestone_accepted(stone):
        raise args.fail(f"M{stone.id} 已经验收，不能再延期", f"M{stone.id} is already accepted; it cannot move")
    ctx.remember("project_milestone", stone)
    before, stone.due_on = stone.due_on, day
    await ctx.update("project_milestone", stone, due_on=[before, day])
    await events.record(ctx, access.project.id, "milestone",
                        f"里程碑 M{stone.id} {stone.name} 调整到 {zh_day(day)}（原 {zh_day(before)}）",
                        f"Milestone M{stone.id} {stone.name} moved to {day.isoformat()} (was {before.isoformat()})",
                        public=True)
    await _extend_project(ctx, access, day)
    return Reply.text(ctx.t(f"已将 M{stone.id} {stone.name} 从 {short_day(before, ctx)} 调整到 {short_day(day, ctx)}",
                            f"M{stone.id} {stone.name} moved from {short_day(before, ctx)} to {short_day(day, ctx)}"))


async def _extend_project(ctx: Context, access: Access, day: date) -> None:
    """A milestone due after the project's end moves the end."""
    project = access.project
    if project.ends_on is None or day > project.ends_on:
        ctx.remember("project", project)
        before, project.ends_on = project.ends_on, day
        await ctx.update("project", project, ends_on=[before, day])
