"""A customer's mail on a project's thread that files a change request or a rating (issue #15), exactly as the
portal would: `变更：<text>` / `change: <text>`, `评分 4 <comment>` / `rating 4 <comment>` opening the mail
(its new text, without the quoted mail below).

Called by the mail batch (bot.mail.batch) for a customer's mail that landed on a deal — threaded by our
Message-ID, the reply token or the sender's open thread, never for a held (unverified) mail. The deal's newest
project takes it; a rating goes to the project's most recent milestone that is done or accepted. The mail is
recorded as a follow-up as always; an unreadable request (a rating of 9, an empty change) stores nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot.portal.voice import file_change_request, rate_milestone
from domain.customer_voice import checked_rating, rateable, request_from_text
from domain.delivery import Milestone, Project, WorkStatus
from domain.errors import DomainError
from domain.mail import MailLink
from domain.messaging import OutboxItem
from domain.ports import UnitOfWork

if TYPE_CHECKING:
    from bot.mail.lookups import Mail

_CHANGE = re.compile(r"^(?:变更请求|变更|change request|change)\s*[:：]\s*(?P<text>\S.*)$", re.IGNORECASE | re.DOTALL)
_RATING = re.compile(r"^(?:评分|打分|rating|rate)\s*[:：]?\s*(?P<score>\d{1,2})\s*(?:分|/\s*5|points?)?"
                     r"(?:\s*[,，。.;；:：—-]\s*|\s+|$)(?P<comment>.*)$", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True, slots=True)
class Voice:
    kind: str  # change | rating
    text: str  # the change asked for, or the rating's comment
    score: str = ""


def voice_of(text: str) -> Voice | None:
    """What the mail's new text opens with, if it is a change request or a rating."""
    body = text.strip()
    if (found := _CHANGE.match(body)) is not None:
        return Voice("change", found.group("text").strip())
    if (found := _RATING.match(body)) is not None:
        return Voice("rating", found.group("comment").strip(), found.group("score"))
    return None


async def _project_of(uow: UnitOfWork, deal_id: int) -> Project | None:
    projects = [p for p in await uow.projects.for_opportunity(deal_id) if p.status is not WorkStatus.CANCELLED]
    return projects[-1] if projects else None


def _latest_rateable(milestones: list[Milestone]) -> Milestone | None:
    done = [m for m in milestones if rateable(m)]
    return max(done, key=lambda m: (m.accepted_on or m.due_on, m.seq, m.id or 0)) if done else None


async def file_from_mail(uow: UnitOfWork, mail: Mail, link: MailLink, who: str, now: datetime,
                         order: tuple[str, ...]) -> list[OutboxItem]:
    """Store what the mail asks for on the deal's project; the owner's chat messages ([] when nothing)."""
    voice = voice_of(mail.msg.text)
    if voice is None or link.opportunity_id is None:
        return []
    project = await _project_of(uow, link.opportunity_id)
    if project is None or project.id is None:
        return []
    try:
        if voice.kind == "change":
            filed = await file_change_request(uow, project, request_from_text(voice.text, who), "email", now, order)
            return filed.outbox
        milestone = _latest_rateable(list(await uow.project_milestones.for_project(project.id)))
        if milestone is None:
            return []
        rating = checked_rating(voice.score, voice.text, who)
        return (await rate_milestone(uow, project, milestone, rating, "email", now, order)).outbox
    except DomainError:
        return []  # unreadable: the mail is still recorded and shown to the owner as any mail is
