"""The one home of what a customer files about a project (portal form or email reply): a change request or
a milestone rating is stored with a timeline event, and the project's owner is told in chat.

Callers check the fields first (domain.customer_voice), pass the project they are allowed to touch, and
put the returned outbox items in the same transaction (web: `uow.outbox.add_many`; mail: the batch's outbox).
The owner is the project's manager (项目负责人), else the deal's owner.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.i18n import Text
from domain.customer_voice import NotRateable, RequestText, rateable
from domain.delivery import ChangeRequest, Milestone, Project, ProjectEvent, Rating
from domain.errors import NotFound
from domain.messaging import OutboxItem
from domain.people import CHANNEL_ORDER, Rep
from domain.ports import UnitOfWork

LOW_SCORE = 2  # a rating at or below this asks the owner to follow up


@dataclass(frozen=True, slots=True)
class Filed:
    """What was stored, and the chat messages to queue in the same transaction."""

    ref: str  # CR3, or the milestone's name
    outbox: list[OutboxItem]


async def project_owner(uow: UnitOfWork, project: Project) -> Rep | None:
    """The project's manager, else the deal's owner (None when neither is an active rep)."""
    owner_id = project.manager_id
    if owner_id is None:
        deal = await uow.opportunities.find(project.opportunity_id)
        owner_id = deal.owner_id if deal is not None else None
    rep = await uow.reps.find(owner_id) if owner_id is not None else None
    return rep if rep is not None and rep.active else None


def tell(rep: Rep | None, text: Text, now: datetime, order: Sequence[str] = CHANNEL_ORDER) -> list[OutboxItem]:
    """A chat message to `rep` in their language on their first reachable channel."""
    target = rep.preferred_channel(order) if rep is not None else None
    if rep is None or target is None:
        return []
    return [OutboxItem(channel=target[0], recipient=target[1], text=text.get(rep.locale), created_at=now)]


def _via(source: str) -> tuple[str, str]:
    return {"portal": ("门户", "the portal"), "email": ("邮件", "email")}.get(source, (source, source))


async def file_change_request(uow: UnitOfWork, project: Project, asked: RequestText, source: str, now: datetime,
                              order: Sequence[str] = CHANNEL_ORDER) -> Filed:
    """A new open ChangeRequest, a public timeline event, and a message to the owner with how to decide it."""
    assert project.id is not None
    request = await uow.change_requests.add(ChangeRequest(
        project_id=project.id, title=asked.title, requested_at=now, description=asked.description,
        source=source, requester=asked.requester))
    ref = f"CR{request.id}"
    await uow.project_events.add(ProjectEvent(
        project_id=project.id, at=now, kind="change", public=True,
        text=f"{asked.requester} 提交了变更请求 {ref}：{asked.title}",
        text_en=f"{asked.requester} asked for a change ({ref}): {asked.title}"))
    via_zh, via_en = _via(source)
    details = f"\n{asked.description}" if asked.description else ""
    text = Text(f"项目 P{project.id}「{project.name}」收到客户变更请求 {ref}（{asked.requester}，来自{via_zh}）：\n"
                f"{asked.title}{details}\n处理：变更 {ref} 同意 [+10天] [+5万] [备注] ／ 变更 {ref} 驳回 原因",
                f"Project P{project.id} '{project.name}': change request {ref} from {asked.requester} "
                f"(via {via_en}):\n{asked.title}{details}\nDecide: change request {ref} accept [+10d] [+50000] "
                f"[note] / change request {ref} reject <reason>")
    return Filed(ref, tell(await project_owner(uow, project), text, now, order))


async def rateable_milestone(uow: UnitOfWork, project: Project, milestone_id: int) -> Milestone:
    """The project's milestone `milestone_id` if it may be rated; NotFound / NotRateable otherwise."""
    milestone = await uow.project_milestones.find(milestone_id)
    if milestone is None or milestone.project_id != project.id:
        raise NotFound("里程碑", f"M{milestone_id}", "milestone")
    if not rateable(milestone):
        raise NotRateable(name=milestone.name)
    return milestone


async def rate_milestone(uow: UnitOfWork, project: Project, milestone: Milestone, rating: tuple[int, str, str],
                         source: str, now: datetime, order: Sequence[str] = CHANNEL_ORDER) -> Filed:
    """Store the rating (replacing an earlier one of the milestone), a timeline event, the owner's message."""
    assert project.id is not None and milestone.id is not None
    score, comment, rater = rating
    replaced = [r for r in await uow.ratings.for_project(project.id) if r.milestone_id == milestone.id]
    for old in replaced:  # the newest row is the one the health score reads first
        await uow.ratings.delete(old)
    await uow.ratings.add(Rating(project_id=project.id, score=score, comment=comment, milestone_id=milestone.id,
                                 rated_at=now, source=source, rater=rater))
    who = rater or "客户"
    await uow.project_events.add(ProjectEvent(
        project_id=project.id, at=now, kind="rating", public=False,
        text=f"{who} 给里程碑「{milestone.name}」评了 {score} 分", text_en=f"{rater or 'The customer'} rated "
        f"milestone '{milestone.name}' {score} of 5"))
    again_zh, again_en = ("（更新了之前的评分）", " (replacing an earlier rating)") if replaced else ("", "")
    low_zh = "\n客户不满意，请尽快跟进。" if score <= LOW_SCORE else ""
    low_en = "\nThe customer is unhappy: please follow up soon." if score <= LOW_SCORE else ""
    said = f"：{comment}" if comment else ""
    text = Text(f"项目 P{project.id}「{project.name}」里程碑「{milestone.name}」收到客户评分 {score}/5"
                f"（{who}）{again_zh}{said}{low_zh}",
                f"Project P{project.id} '{project.name}': milestone '{milestone.name}' rated {score}/5 by "
                f"{rater or 'the customer'}{again_en}{': ' + comment if comment else ''}{low_en}")
    return Filed(milestone.name, tell(await project_owner(uow, project), text, now, order))

