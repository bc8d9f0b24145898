"""`资源` / `resources` [P3 | 团队名 | 4周]: who is on which project and how loaded they are per week
(domain.delivery_load), over-allocation (> 100 %) flagged. A manager sees their teams' people, an admin
everyone, a rep themself."""

from __future__ import annotations

import re

from bot.args import Args
from bot.context import Context
from bot.delivery.resources import resource_view, view_lines
from bot.registry import command
from bot.reply import Reply

DEFAULT_WEEKS, MAX_WEEKS = 4, 12
_WEEKS = re.compile(r"(\d{1,3})\s*(?:周|个星期|星期|weeks?|wks?|w)(?![A-Za-z])", re.IGNORECASE)
_PROJECT = re.compile(r"(?<![A-Za-z0-9])[Pp](\d{1,9})(?![A-Za-z0-9])")


@command("资源", "资源负荷", "resources", "resource", "workload", section="delivery", writes=False,
         help_zh="每人每周的任务负荷（超过 100% 标 ⚠）：全部、某个项目或某个团队",
         help_en="Each person's task load per week (⚠ over 100%): everyone you see, one project or one team",
         usage_zh="资源 / 资源 P3 / 资源 华东一组 8周",
         usage_en="resources / resources P3 / resources 华东一组 8 weeks")
async def show_resources(ctx: Context, args: Args) -> Reply:
    text = args.rest()
    weeks = DEFAULT_WEEKS
    if found := _WEEKS.search(text):
        weeks = int(found.group(1))
        text = (text[:found.start()] + " " + text[found.end():]).strip()
        if not 1 <= weeks <= MAX_WEEKS:
            raise args.fail(f"周数要在 1 到 {MAX_WEEKS} 之间（例如：资源 4周）",
                            f"weeks must be 1 to {MAX_WEEKS} (e.g. resources 4 weeks)")
    project = None
    if found := _PROJECT.search(text):
        project = found.group(0)
        text = (text[:found.start()] + " " + text[found.end():]).strip()
    if project is not None and text:
        raise args.fail(f"项目和团队只写一个（多余的「{text}」）",
                        f"name a project or a team, not both (extra '{text}')")
    view = await resource_view(ctx, weeks, project, text or None)
    title = ctx.t(f"资源负荷 · {view.scope} · {weeks} 周", f"Workload · {view.scope} · {weeks} weeks")
    return Reply.card(title, lines=view_lines(ctx, view))
