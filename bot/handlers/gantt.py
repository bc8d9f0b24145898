"""`甘特 P3` / `gantt P3`: the project's Gantt chart as an image in chat, with a link to its web view.

Whoever may view the project (domain.permissions.project_right: the deal's circles, the project's manager,
people with a task in it) gets the PNG (drawn off the event loop) and one line linking to
`{[web] public_url}/team/projects/3`; a project one may not view answers exactly like one that does not exist.
Without a CJK font the reply says so and still gives the link (Chinese would come out as boxes).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from bot.args import Args
from bot.context import Context
from bot.delivery.access import open_project
from bot.delivery.gantt import gantt_png
from bot.delivery.gantt_model import RowKind, RowState
from bot.delivery.gantt_rows import gantt_chart
from bot.digest.fonts import ChartFontMissing, find_cjk_font
from bot.registry import command
from bot.reply import Picture, Reply


@command("甘特", "甘特图", "gantt", section="delivery", writes=False,
         help_zh="项目的甘特图（图片），附网页版链接",
         help_en="A project's Gantt chart (an image) with a link to its web view",
         usage_zh="甘特 P3", usage_en="gantt P3")
async def show_gantt(ctx: Context, args: Args) -> Reply:
    ref = args.required_rest("请写项目编号，例如：甘特 P3", "name the project, e.g. gantt P3")
    access = await open_project(ctx, ref)
    project = access.project
    assert project.id is not None
    milestones = await ctx.uow.project_milestones.for_project(project.id)
    tasks = await ctx.uow.tasks.for_project(project.id)
    chart = gantt_chart(project, milestones, tasks, _names(ctx), ctx.now.date(), ctx.locale)
    url = ctx.settings.web.url(f"/team/projects/{project.id}")
    tasks_drawn = sum(1 for r in chart.rows if r.kind is RowKind.TASK)
    late = sum(1 for r in chart.rows if r.state is RowState.OVERDUE)
    blocked = sum(1 for r in chart.rows if r.state is RowState.BLOCKED)
    summary = ctx.t(f"P{project.id} {project.name} 甘特图：{tasks_drawn} 个任务，{len(milestones)} 个里程碑"
                    f"（逾期 {late}，受阻 {blocked}）",
                    f"P{project.id} {project.name} Gantt: {tasks_drawn} tasks, {len(milestones)} milestones "
                    f"({late} overdue, {blocked} blocked)")
    link = ctx.t(f"网页版：{url}", f"Web view: {url}")
    try:
        font = find_cjk_font(ctx.settings.charts.font)
    except ChartFontMissing:
        return Reply.text(summary, ctx.t("没有中文字体，无法画图（安装 fonts-noto-cjk 或 mplfonts）。",
                                         "No CJK font to draw with (install fonts-noto-cjk or mplfonts)."), link)
    image = await asyncio.to_thread(gantt_png, chart, font)  # CPU work off the event loop
    return Reply.text(summary, link).with_picture(Picture(image.png, f"gantt-P{project.id}.png"))


def _names(ctx: Context) -> Callable[[int | None], str]:
    def name(rep_id: int | None) -> str:
        rep = ctx.directory.rep(rep_id)
        return rep.name if rep is not None else ""
    return name
