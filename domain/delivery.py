"""Delivery after the deal is won (issue #15): projects, milestones, tasks, change requests, ratings, the
project's timeline of updates and the files attached to it.

A project belongs to one won deal (and its customer); its milestones may each be linked to one payment
milestone of the deal's plan (accepting the milestone, 验收, makes that payment due). Tasks belong to a project,
optionally to a milestone and to a parent task (subtasks one level deep), with an owner, dates, progress in
percent, a blocker and the tasks they depend on. Change requests and ratings come from the customer (portal,
email reply) or the team (chat).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from domain.money import Money


class WorkStatus(StrEnum):
    TODO = "todo"
    DOING = "doing"
    DONE = "done"
    BLOCKED = "blocked"
    CANCELLED = "cancelled"  # a project called off, a task dropped: kept, never counted as late

    def label(self, locale: str) -> str:
        return _STATUS_LABELS[self][0 if locale == "zh" else 1]


_STATUS_LABELS = {WorkStatus.TODO: ("未开始", "to do"), WorkStatus.DOING: ("进行中", "in progress"),
                  WorkStatus.DONE: ("已完成", "done"), WorkStatus.BLOCKED: ("受阻", "blocked"),
                  WorkStatus.CANCELLED: ("已取消", "cancelled")}


@dataclass(slots=True)
class Project:
    opportunity_id: int
    name: str
    manager_id: int | None = None  # 项目负责人 (delivery owner); the deal's owner when none is named
    starts_on: date | None = None
    ends_on: date | None = None
    status: WorkStatus = WorkStatus.TODO
    id: int | None = None
    customer_id: int | None = None  # the deal's customer, kept here for the portal's "only their own" checks
    template: str = ""  # the template it was made from ("" none)
    created_by: int | None = None
    created_at: datetime | None = None
    link_version: int = 1  # bumped to revoke every portal link of this project


@dataclass(slots=True)
class Milestone:
    project_id: int
    name: str
    due_on: date
    status: WorkStatus = WorkStatus.TODO
    id: int | None = None
    seq: int = 0  # order within the project (1, 2, …)
    starts_on: date | None = None
    accepted_on: date | None = None  # 验收: the customer accepted it
    accepted_by: int | None = None  # the rep who recorded the acceptance
    payment_milestone_id: int | None = None  # the payment it releases (domain.billing.PaymentMilestone)


@dataclass(slots=True)
class Task:
    title: str
    project_id: int | None = None
    milestone_id: int | None = None
    assignee_id: int | None = None
    due_on: date | None = None
    status: WorkStatus = WorkStatus.TODO
    id: int | None = None
    parent_id: int | None = None  # a subtask's task (one level)
    starts_on: date | None = None
    progress: int = 0  # percent, 0..100
    blocker: str = ""  # why it is stuck ("" when it is not)
    effort_days: Decimal | None = None  # 人天 of work, for the resource view
    depends_on: list[int] = field(default_factory=list)  # ids of tasks that must finish first
    created_at: datetime | None = None
    updated_at: datetime | None = None


class RequestState(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


@dataclass(slots=True)
class ChangeRequest:
    project_id: int
    title: str
    requested_at: datetime
    approved: bool | None = None  # None open, True accepted, False rejected (customer health reads this)
    id: int | None = None
    description: str = ""
    source: str = ""  # portal | email | chat
    requester: str = ""  # who asked: a contact's name or address, or a rep's name
    days_delta: int | None = None  # effect on the end date, in days (+ later)
    amount_delta: Money | None = None  # effect on the price
    decided_by: int | None = None
    decided_at: datetime | None = None
    note: str = ""  # the decision's reason

    @property
    def state(self) -> RequestState:
        if self.approved is None:
            return RequestState.OPEN
        return RequestState.ACCEPTED if self.approved else RequestState.REJECTED


@dataclass(slots=True)
class Rating:
    project_id: int
    score: int  # 1..5
    comment: str = ""
    id: int | None = None
    milestone_id: int | None = None
    rated_at: datetime | None = None
    source: str = ""  # portal | email | chat
    rater: str = ""  # a contact's name or address


@dataclass(slots=True)
class ProjectEvent:
    """One line of a project's timeline ("recent updates"): task progress, a milestone accepted, a change
    request, a file. `public` ones show on the customer portal."""

    project_id: int
    at: datetime
    kind: str  # task, milestone, change, rating, file, project
    text: str  # zh
    text_en: str = ""
    by_id: int | None = None
    public: bool = False
    id: int | None = None


@dataclass(slots=True)
class ProjectFile:
    """A file attached to a project (from chat, an email, the portal). The bytes live in the file store
    under `sha256`; it is only ever served as a download, never with an active content type."""

    project_id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    at: datetime
    task_id: int | None = None
    source: str = ""  # chat | email | portal
    uploaded_by: int | None = None
    public: bool = False
    id: int | None = None


@dataclass(frozen=True, slots=True)
class TemplateMilestone:
    name: str
    offset_days: int  # due this many days after the project starts
    payment_seq: int | None = None  # the payment milestone (seq of the deal's plan) it releases
    name_en: str = ""  # the name for a project opened by someone whose locale is en ("" the name)

    def label(self, locale: str) -> str:
        return self.name_en if locale == "en" and self.name_en else self.name


@dataclass(frozen=True, slots=True)
class ProjectTemplate:
    name: str
    milestones: tuple[TemplateMilestone, ...]


STANDARD_TEMPLATE = ProjectTemplate("标准", (
    TemplateMilestone("需求确认", 14, 1, "Requirements sign-off"), TemplateMilestone("开发", 60, None, "Development"),
    TemplateMilestone("上线", 80, 2, "Go-live"), TemplateMilestone("验收", 90, 3, "Acceptance")))
