"""What a customer may say about a delivery project (issue #15): change requests and milestone ratings, as
typed into the portal or an email reply, checked before anything is stored; and what an accepted change
does to the plan (the project's end and its milestones still to come move by the agreed days).

A rating is taken only for a milestone that is done or accepted (验收); rating the same milestone again
replaces the earlier rating (the customer's latest word counts, and it counts as the newest rating in the
customer health score).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from domain.delivery import Milestone, Project, WorkStatus
from domain.delivery_rules import milestone_accepted
from domain.errors import DomainError

TITLE_CHARS = 200  # a change request's summary
TEXT_CHARS = 4000  # its details, or a rating's comment
NAME_CHARS = 80  # who asked
MAX_SHIFT_DAYS = 3650


class VoiceInvalid(DomainError):
    """A form or mail field that cannot be taken: `field`/`field_en` say which, `reason`/`reason_en` why."""

    zh = "{field}：{reason}"
    en = "{field_en}: {reason_en}"

    def __init__(self, field: str, field_en: str, reason: str, reason_en: str) -> None:
        super().__init__(field=field, field_en=field_en, reason=reason, reason_en=reason_en)
        self.field_key = field_en


class NotRateable(DomainError):
    zh = "里程碑「{name}」还没有完成或验收，完成后才能评分。"
    en = "Milestone '{name}' is not done or accepted yet; it can be rated once it is."


@dataclass(frozen=True, slots=True)
class RequestText:
    title: str
    description: str
    requester: str


def _too_long(field: tuple[str, str], limit: int) -> VoiceInvalid:
    return VoiceInvalid(field[0], field[1], f"最多 {limit} 个字", f"at most {limit} characters")


def _clean(text: str) -> str:
    """Control characters (except line breaks and tabs) removed, outer blanks trimmed."""
    return "".join(ch for ch in text if ch in "\n\t" or (ch >= " " and ch != "\x7f")).strip()


_NAME, _TITLE, _DETAILS = ("姓名", "your name"), ("变更内容", "the change"), ("详细说明", "details")
_SCORE, _COMMENT = ("评分", "score"), ("意见", "comment")


def checked_request(title: str, description: str, requester: str) -> RequestText:
    """A change request's fields, or VoiceInvalid naming the first bad one."""
    title, description, requester = _clean(title), _clean(description), _clean(requester)
    if not requester:
        raise VoiceInvalid(*_NAME, "请填写你的姓名", "please give your name")
    if len(requester) > NAME_CHARS:
        raise _too_long(_NAME, NAME_CHARS)
    if not title:
        raise VoiceInvalid(*_TITLE, "请写下要变更什么", "please say what should change")
    if len(title) > TITLE_CHARS:
        raise _too_long(_TITLE, TITLE_CHARS)
    if len(description) > TEXT_CHARS:
        raise _too_long(_DETAILS, TEXT_CHARS)
    return RequestText(title, description, requester)


def request_from_text(text: str, requester: str) -> RequestText:
    """A change request written in one piece (a mail): its first line is the summary, all of it the details."""
    text = _clean(text)
    first = text.splitlines()[0].strip() if text else ""
    title = first if len(first) <= TITLE_CHARS else first[: TITLE_CHARS - 1] + "…"
    return checked_request(title, text if text != first else "", requester[:NAME_CHARS])


def checked_rating(score: str | int, comment: str, rater: str) -> tuple[int, str, str]:
    """(score 1..5, comment, rater), or VoiceInvalid."""
    text = str(score).strip()
    if not text.isdigit() or not 1 <= int(text) <= 5:
        raise VoiceInvalid(*_SCORE, "请选择 1 到 5 分", "choose 1 to 5")
    comment, rater = _clean(comment), _clean(rater)
    if len(comment) > TEXT_CHARS:
        raise _too_long(_COMMENT, TEXT_CHARS)
    if len(rater) > NAME_CHARS:
        raise _too_long(_NAME, NAME_CHARS)
    return int(text), comment, rater


def rateable(milestone: Milestone) -> bool:
    """Done or accepted: the customer has something to judge."""
    return milestone_accepted(milestone)


def still_to_come(milestone: Milestone) -> bool:
    return milestone.status not in (WorkStatus.DONE, WorkStatus.CANCELLED) and milestone.accepted_on is None


def shift_plan(project: Project, milestones: list[Milestone], days: int) -> list[Milestone]:
    """Move the project's end and every milestone still to come by `days`; the milestones moved."""
    if not days:
        return []
    step = timedelta(days=days)
    if project.ends_on is not None:
        project.ends_on = project.ends_on + step
    moved = [m for m in milestones if still_to_come(m)]
    for m in moved:
        m.due_on = m.due_on + step
        if m.starts_on is not None:
            m.starts_on = m.starts_on + step
    return moved


def checked_days(days: int) -> int:
    if abs(days) > MAX_SHIFT_DAYS:
        raise VoiceInvalid("天数", "days", f"最多 ±{MAX_SHIFT_DAYS} 天", f"at most ±{MAX_SHIFT_DAYS} days")
    return days


def progress(milestones: list[Milestone]) -> int:
    """Percent of milestones done or accepted (cancelled ones left out)."""
    counted = [m for m in milestones if m.status is not WorkStatus.CANCELLED]
    if not counted:
        return 0
    return round(100 * sum(1 for m in counted if rateable(m)) / len(counted))

