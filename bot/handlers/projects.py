"""Delivery projects in chat (issue #15): `项目` lists the open projects one may see (progress, next
milestone, late marks; pages), `项目 P3` shows one, `项目 新建 #12 [模板 标准] [开始 下周一] [负责人 王五]`
opens the project of a won deal from a template; `项目 P3 关闭 [强制]` / `项目 P3 取消 原因` close or call it off
(bot.delivery.lifecycle); `项目 全部` lists done and cancelled ones too; `我的任务` lists one's open tasks."""

from __future__ import annotations

from bot.args import Args
from bot.context import Context
from bot.delivery import lifecycle
from bot.delivery.access import lists, open_project, ref_number
from bot.delivery.cards import list_line, project_card, short_day, task_line
from bot.delivery.chat_files import arm_for_files
from bot.delivery.create import create_project, refuse_second, refuse_unless_won
from bot.delivery.group_bind import project_group_action
from bot.delivery.words import page_of, person_id, take_day, take_flag, take_word
from bot.handlers.common import load_deal, view_scope
from bot.registry import command
from bot.reply import Reply
from domain.permissions import Right

PAGE = 10
NEW_WORDS = ("新建", "new", "create", "add", "新增")
CLOSE, CANCEL, FORCE = ("关闭", "结项", "完成", "close", "complete", "done"), ("取消", "cancel"), ("强制", "force")
ALL = ("全部", "所有", "all")
PAGES = ("项目 第2页 / 项目 全部 第2页", "projects page 2 / projects all page 2")
USAGE_NEW = ("项目 新建 #12 [模板 标准] [开始 下周一] [负责人 王五]（同一商机再建一个：加「再建」）",
             "project new #12 [template standard] [start next Monday] [manager 王五] (a second one: add 'again')")


@command("项目", "projects", "project", "交付项目", section="delivery", writes=True, prefix=False,
         help_zh="交付项目：列出我能看到的进行中项目（进度、下一里程碑、延误；项目 全部 含已完成和已取消）；"
                 "项目 P3 查看详情；项目 新建 #12 建项目；项目 P3 关闭 / 项目 P3 取消 原因",
         help_en="Delivery projects: list the open ones I can see (progress, next milestone, late marks; projects "
                 "all adds done and cancelled ones); project P3 shows one; project new #12 opens one; project P3 "
                 "close / project P3 cancel <reason>",
         usage_zh="项目 [全部] [第2页] / 项目 P3 / 项目 P3 关闭 [强制] / 项目 P3 取消 原因 / " + USAGE_NEW[0],
         usage_en="projects [all] [page 2] / project P3 / project P3 close [force] / project P3 cancel <reason> / "
                  + USAGE_NEW[1])
async def projects(ctx: Context, args: Args) -> Reply:
    first = args.tokens[0].casefold() if args.tokens else ""
    if first in NEW_WORDS:
        del args.tokens[0]
        return await new_project(ctx, args)
    if (bound := await project_group_action(ctx, args)) is not None:  # P3 绑定群 (bot.delivery.group_bind)
        return bound
    if first and ref_number("P", first) is not None and len(args.tokens) == 1:
        shown = await open_project(ctx, first)
        await arm_for_files(ctx, shown)  # a file sent in the next 10 minutes goes to it (bot.delivery.chat_files)
        return await project_card(ctx, shown)
    if first and ref_number("P", first) is not None:
        return await project_action(ctx, args)
    everything = take_flag(args, ALL)
    return await project_list(ctx, page_of(args, PAGES), everything)


async def project_action(ctx: Context, args: Args) -> Reply:
    """`项目 P3 关闭 [强制]` / `项目 P3 取消 原因` (bot.delivery.lifecycle)."""
    ref, verb = args.tokens.pop(0), args.tokens.pop(0).casefold()
    if verb in CLOSE:
        force = take_flag(args, FORCE)
        if extra := args.rest():
            raise args.fail(f"多余的内容「{extra}」（强制关闭请写：项目 {ref} 关闭 强制）",
                            f"unexpected '{extra}' (to force it: project {ref} close force)")
        return Reply.text(*await lifecycle.close(ctx, await open_project(ctx, ref, Right.WORK), force))
    if verb in CANCEL:
        reason = args.required_rest(f"缺少取消原因，例如：项目 {ref} 取消 客户预算冻结",
                                    f"missing the reason, e.g. project {ref} cancel budget frozen")
        return Reply.text(await lifecycle.cancel(ctx, await open_project(ctx, ref, Right.WORK), reason))
    raise args.fail(f"看不懂「{verb}」，可以写：项目 {ref} / 项目 {ref} 关闭 / 项目 {ref} 取消 原因",
                    f"cannot read '{verb}'; write: project {ref} / project {ref} close / project {ref} cancel <reason>")


async def project_list(ctx: Context, number: int, everything: bool = False) -> Reply:
    found, total = await lists(ctx).open_projects(view_scope(ctx), ctx.rep_id, (number - 1) * PAGE, PAGE,
                                                  closed=everything)
    if not found:
        return Reply.text(ctx.t("没有进行中的交付项目。赢单后会自动建项目，也可以：项目 新建 #12",
                                "No open delivery projects. One opens when a deal is won, or: project new #12")
                          if total == 0 else ctx.t(f"共 {total} 个项目，没有第 {number} 页。",
                                                   f"{total} project{'s' * (total > 1)} in all; "
                                                   f"there is no page {number}."))
    ids = [p.id for p in found if p.id is not None]
    stones, tasks = await lists(ctx).milestones_of(ids), await lists(ctx).tasks_of(ids)
    lines = [list_line(ctx, p, stones.get(p.id or 0, []), tasks.get(p.id or 0, [])) for p in found]
    pages = (total + PAGE - 1) // PAGE
    more = ctx.t(" 全部", " all") if everything else ""
    if number < pages:
        lines.append(ctx.t(f"第 {number}/{pages} 页，下一页：项目{more} 第{number + 1}页",
                           f"page {number}/{pages}; next: projects{more} page {number + 1}"))
    title = ctx.t(f"交付项目（全部 {total}）", f"Delivery projects (all {total})") if everything \
        else ctx.t(f"交付项目（{total}）", f"Delivery projects ({total})")
    return Reply.card(title, lines=lines)


@command("项目 新建", "新建项目", "project new", "new project", section="delivery",
         help_zh="为赢单的商机建交付项目（按模板生成里程碑，并关联回款计划）",
         help_en="Open the delivery project of a won deal (milestones from a template, linked to the payment plan)",
         usage_zh=USAGE_NEW[0], usage_en=USAGE_NEW[1])
async def new_project(ctx: Context, args: Args) -> Reply:
    opp = await load_deal(ctx, args.opportunity())
    again = take_flag(args, ("再建", "again", "another"))
    word = take_word(args, ("模板", "template"))
    starts = take_day(args, ("开始", "start", "starts", "from"), ("开始日期", "start date"))
    manager = take_word(args, ("负责人", "manager", "pm", "owner"))
    if extra := args.rest():
        raise args.fail(f"多余的内容「{extra}」", f"unexpected '{extra}'")
    refuse_unless_won(opp)
    template = ctx.settings.delivery.template(word)
    if template is None:
        raise args.fail(f"没有模板「{word}」（可用：{ctx.settings.delivery.names()}）",
                        f"no template '{word}' (known: {ctx.settings.delivery.names(', ')})")
    manager_id = person_id(ctx, manager) if manager else None
    if not again:
        await refuse_second(ctx, opp)
    project, stones = await create_project(ctx, opp, template, starts or ctx.now.date(), manager_id)
    linked = sum(1 for s in stones if s.payment_milestone_id is not None)
    lines = [ctx.t(f"已创建交付项目 P{project.id} {project.name}（模板：{template.name}，{len(stones)} 个里程碑，"
                   f"{linked} 个关联回款）", f"Delivery project P{project.id} {project.name} created (template: "
                   f"{template.name}, {len(stones)} milestones, {linked} linked to payments)")]
    lines += [f"  M{s.id} {s.name} {short_day(s.due_on, ctx)}" for s in stones]
    return Reply.text(*lines)


@command("我的任务", "my tasks", "mytasks", section="delivery", writes=False,
         help_zh="我负责的未完成任务（按截止日期）", help_en="My open tasks, soonest due first",
         usage_zh="我的任务", usage_en="my tasks")
async def my_tasks(ctx: Context, args: Args) -> Reply:
    found = await lists(ctx).open_tasks_of(ctx.rep_id)
    if not found:
        return Reply.text(ctx.t("你没有未完成的任务。", "You have no open tasks."))
    return Reply.card(ctx.t(f"我的任务（{len(found)}）", f"My tasks ({len(found)})"),
                      lines=[f"P{t.project_id} · " + task_line(ctx, t) for t in found])
