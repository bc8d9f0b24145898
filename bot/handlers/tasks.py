"""Tasks of a delivery project (issue #15): `任务 P3 新增 接口开发 负责人 王五 截止 下周五 [里程碑 M5] [工时 5人天]`,
`子任务 T12 联调`, and on a task: `完成 80%` / `完成`, `指派 王五`, `阻塞 等客户提供账号` / `解除阻塞`, `依赖 T10`,
`截止 3月20日`; `任务 T12` shows it; `任务 P3` lists the project's open tasks
(bot.handlers.task_lists). The project's workers may do all of it; a task's assignee may report
their own progress and blockers."""

from __future__ import annotations

from decimal import Decimal

from bot.args import Args
from bot.context import Context
from bot.delivery import events, task_actions
from bot.delivery.access import Access, not_found, open_project, open_task, ref_number
from bot.delivery.cards import short_day, task_line
from bot.delivery.words import effort, percent, person_id, read_day, split_verb, take_day, take_effort, take_word
from bot.handlers.task_lists import project_tasks
from bot.registry import command
from bot.reply import Reply
from domain.delivery import Task
from domain.permissions import Right

ADD = ("新增", "添加", "新建", "add", "new")
PROGRESS, ASSIGN = ("完成", "进度", "done", "progress"), ("指派", "分配", "assign")
BLOCK, UNBLOCK = ("阻塞", "受阻", "block", "blocked"), ("解除阻塞", "取消阻塞", "unblock")
DEPEND, DUE = ("依赖", "depends", "depend"), ("截止", "due")
VERBS = PROGRESS + ASSIGN + BLOCK + UNBLOCK + DEPEND + DUE
ASSIGNEE, DUE_KEYS = ("负责人", "assignee", "owner", "指派"), ("截止", "due")
USAGE = ("任务 P3 新增 接口开发 负责人 王五 截止 下周五 [里程碑 M5] [工时 5人天] / 任务 P3 / 任务 T12 完成 80% / "
         "任务 T12 指派 王五 / 任务 T12 阻塞 等客户提供账号 / 任务 T12 解除阻塞 / 任务 T12 依赖 T10 / "
         "任务 T12 截止 3月20日",
         "task P3 add API work assignee 王五 due next Friday [milestone M5] [effort 5d] / task P3 / "
         "task T12 done 80% / "
         "task T12 assign 王五 / task T12 block waiting for the customer's account / task T12 unblock / "
         "task T12 depends T10 / task T12 due Mar 20")


@command("任务", "task", section="delivery", prefix=False,
         help_zh="交付任务：新增、进度、完成、指派（通知被指派人）、阻塞、依赖、截止日期；任务 P3 列出项目的未完成任务",
         help_en="Delivery tasks: add, progress, done, assign (the assignee is told), block, depend, due date; "
                 "task P3 lists the project's open tasks",
         usage_zh=USAGE[0], usage_en=USAGE[1])
async def tasks(ctx: Context, args: Args) -> Reply:
    ref = args.tokens.pop(0) if args.tokens else ""
    verb = args.tokens.pop(0).casefold() if args.tokens else ""
    if ref[:1] in ("P", "p") and ref_number("P", ref) is not None:
        if verb in ADD:
            return await add_task(ctx, args, await open_project(ctx, ref, Right.WORK))
        args.tokens[:0] = [verb] if verb else []
        return await project_tasks(ctx, args, ref)
    if ref[:1] not in ("T", "t") or ref_number("T", ref) is None:
        raise args.fail("请写项目号（新增任务）或任务号", "write the project (to add a task) or the task number")
    verb = split_verb(args, verb, ADD + VERBS) if verb else ""
    if not verb:
        task = (await open_task(ctx, ref))[0]
        subtasks = [t for t in await ctx.uow.tasks.for_project(task.project_id or 0) if t.parent_id == task.id]
        return Reply.text(task_line(ctx, task, subtasks), *[f"  {task_line(ctx, s)}" for s in subtasks])
    return Reply.text(await act(ctx, args, ref, verb))


async def act(ctx: Context, args: Args, ref: str, verb: str) -> str:
    own = verb in PROGRESS + BLOCK + UNBLOCK  # an assignee's own report
    if verb not in VERBS:
        raise args.fail(f"看不懂「{verb}」", f"cannot read '{verb}'")
    task, access = await open_task(ctx, ref, Right.WORK, own=own)
    if verb in PROGRESS:
        words = args.rest()
        done = not words or words in ("了", "啦")  # 任务 T12 完成了
        return await task_actions.set_progress(ctx, task, access, 100 if done else percent(args, words))
    if verb in ASSIGN:
        return await task_actions.assign(ctx, task, access, person_id(ctx, args.required_rest(
            "缺少被指派人", "missing who to assign")))
    if verb in BLOCK:
        return await task_actions.block(ctx, task, access, args.required_rest("缺少阻塞原因", "missing the reason"))
    if verb in UNBLOCK:
        return await task_actions.block(ctx, task, access, "")
    if verb in DUE:
        return await task_actions.set_due(ctx, task, access, read_day(args, args.tokens, ("截止日期", "due date")))
    other = args.required_rest("缺少被依赖的任务（如 T10）", "missing the task it depends on (like T10)")
    number = ref_number("T", other)
    found = await ctx.uow.tasks.find(number) if number is not None else None
    if found is None or found.project_id != task.project_id:
        raise not_found("T", other)
    return await task_actions.depend(ctx, task, access, found)


async def add_task(ctx: Context, args: Args, access: Access, parent: Task | None = None) -> Reply:
    project = access.project
    assert project.id is not None
    who = take_word(args, ASSIGNEE)
    due = take_day(args, DUE_KEYS, ("截止日期", "due date"))
    stone_ref = take_word(args, ("里程碑", "milestone"))
    days = take_effort(args, ("工时", "effort"))
    title = args.required_rest("缺少任务名称", "missing the task's title")
    assignee = person_id(ctx, who) if who else (parent.assignee_id if parent else None)
    stone_id = parent.milestone_id if parent else None
    if stone_ref is not None:
        number = ref_number("M", stone_ref)
        stone = await ctx.uow.project_milestones.find(number) if number is not None else None
        if stone is None or stone.project_id != project.id:
            raise not_found("M", stone_ref)
        stone_id = stone.id
    task = Task(title, project.id, stone_id, assignee, due, parent_id=parent.id if parent else None,
                effort_days=effort(args, days) if days else None)
    task, told = await create_task(ctx, access, task)
    return Reply.text(_added(ctx, task, ("子任务", "Subtask") if task.parent_id else ("任务", "Task"), parent, told))


async def create_task(ctx: Context, access: Access, task: Task) -> tuple[Task, bool]:
    """Store a new task of `access.project` (`任务 P3 新增`, the API's POST /tasks), on its timeline; its
    assignee is told unless that is oneself. (task, whether the assignee was told)."""
    assert access.project.id is not None
    task.starts_on, task.created_at, task.updated_at = task.starts_on or ctx.now.date(), ctx.now, ctx.now
    task = await ctx.uow.tasks.add(task)
    await events.created(ctx, "task", task)
    kind = ("子任务", "Subtask") if task.parent_id else ("任务", "Task")
    await events.record(ctx, access.project.id, "task", f"新增{kind[0]} T{task.id} {task.title}",
                        f"{kind[1]} T{task.id} {task.title} added")
    told = task.assignee_id not in (None, ctx.rep.id)  # named, or a subtask's from its task; never oneself
    if told:
        await task_actions.tell_assignee(ctx, task, access)
    return task, told


def _added(ctx: Context, task: Task, kind: tuple[str, str], parent: Task | None, told: bool) -> str:
    under = ctx.t(f"（T{parent.id} 下）", f" (under T{parent.id})") if parent else ""
    due = ctx.t(f"，截止 {short_day(task.due_on, ctx)}", f", due {short_day(task.due_on, ctx)}") if task.due_on else ""
    effort_text = ctx.t(f"，{task.effort_days.normalize()} 人天", f", {task.effort_days.normalize()}d") \
        if isinstance(task.effort_days, Decimal) else ""
    tell = ctx.t("，已通知负责人", "; the assignee was told") if told else ""
    return ctx.t(f"已新增{kind[0]} T{task.id} {task.title}{under}{due}{effort_text}{tell}",
                 f"{kind[1]} T{task.id} {task.title} added{under}{due}{effort_text}{tell}")


@command("子任务", "subtask", section="delivery", prefix=False,
         help_zh="在任务下新增子任务（进度汇总到上级任务）", help_en="Add a subtask (its progress rolls into the task)",
         usage_zh="子任务 T12 联调 [负责人 王五] [截止 下周五] [工时 2人天]",
         usage_en="subtask T12 integration test [assignee 王五] [due next Friday] [effort 2d]")
async def subtask(ctx: Context, args: Args) -> Reply:
    ref = args.tokens.pop(0) if args.tokens else ""
    if ref_number("T", ref) is None or ref[:1] not in ("T", "t"):
        raise args.fail("缺少上级任务号（如 T12）", "missing the task number (like T12)")
    parent, access = await open_task(ctx, ref, Right.WORK)
    if parent.parent_id is not None:
        raise args.fail(f"T{parent.id} 本身是子任务，子任务只有一层（请写在 T{parent.parent_id} 下）",
                        f"T{parent.id} is itself a subtask; subtasks are one level deep (add it under "
                        f"T{parent.parent_id})")
    return await add_task(ctx, args, access, parent)
