"""Open the delivery project of a won deal (issue #15), from a template: its milestones fall due at the
template's offsets from the start day and are linked, by seq, to the payment milestones of the deal's plan
in force. One project per deal unless asked again on purpose (再建). Used by `项目 新建 #12` and by 赢单
(when `[delivery] auto_project` is on)."""

from __future__ import annotations

from datetime import date

from bot.context import Context
from bot.delivery import events
from domain.delivery import Milestone, Project, ProjectTemplate
from domain.delivery_rules import from_template
from domain.errors import DomainError
from domain.opportunity import Opportunity, Stage


class DealNotWon(DomainError):
    zh = "商机 #{ref} 还没有赢单（{stage}），只有赢单的商机才能建交付项目。先：赢单 #{ref}"
    en = "Deal #{ref} is not won ({stage_en}); only a won deal gets a delivery project. First: won #{ref}"


class ProjectExists(DomainError):
    zh = "商机 #{ref} 已经有交付项目 {projects}。查看：项目 {first}；确需再建一个请写：项目 新建 #{ref} 再建"
    en = ("Deal #{ref} already has delivery project {projects_en}. See: project {first}; to open another one on "
          "purpose write: project new #{ref} again")


def refuse_unless_won(opp: Opportunity) -> None:
    if opp.stage is not Stage.WON:
        raise DealNotWon(ref=opp.id, stage=opp.stage.label("zh"), stage_en=opp.stage.label("en"))


async def refuse_second(ctx: Context, opp: Opportunity) -> None:
    assert opp.id is not None
    found = list(await ctx.uow.projects.for_opportunity(opp.id))
    if found:
        refs = [f"P{p.id}" for p in found]
        raise ProjectExists(ref=opp.id, projects="、".join(refs), projects_en=", ".join(refs), first=refs[0])


async def create_project(ctx: Context, opp: Opportunity, template: ProjectTemplate, starts_on: date,
                         manager_id: int | None = None) -> tuple[Project, list[Milestone]]:
    """The project and its milestones, audited (undo removes them), with a public timeline line."""
    assert opp.id is not None
    uow = ctx.uow
    payments = {p.seq: p.id for p in await uow.milestones.for_opportunity(opp.id)
                if p.id is not None and p.replaced_at is None}
    project = await uow.projects.add(Project(
        opp.id, opp.name, manager_id or opp.owner_id, starts_on, None, customer_id=opp.customer_id,
        template=template.name, created_by=ctx.rep.id, created_at=ctx.now))
    assert project.id is not None
    await events.created(ctx, "project", project)
    stones = from_template(template, project.id, starts_on, payments, ctx.locale)
    for stone in stones:
        await uow.project_milestones.add(stone)
        await events.created(ctx, "project_milestone", stone)
    if stones:
        project.ends_on = max(s.due_on for s in stones)
        await uow.projects.save(project)
    await events.record(ctx, project.id, "project",
                        f"交付项目已创建（模板：{template.name}，{len(stones)} 个里程碑）",
                        f"Delivery project created (template: {template.name}, {len(stones)} milestones)",
                        public=True)
    return project, stones


async def on_win(ctx: Context, opp: Opportunity) -> str:
    """The line 赢单 adds when `[delivery] auto_project` opens the project ("" when it does not)."""
    settings = ctx.settings.delivery
    template = settings.template(None)
    if not settings.auto_project or template is None or opp.id is None:
        return ""
    if await ctx.uow.projects.for_opportunity(opp.id):
        return ""
    project, _ = await create_project(ctx, opp, template, ctx.now.date())
    return ctx.t(f"已创建交付项目 P{project.id}（模板：{template.name}）",
                 f"Delivery project P{project.id} created (template: {template.name})")
