"""Delivery after the deal is won: projects, milestones, tasks, change requests, ratings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class WorkStatus(StrEnum):
    TODO = "todo"
    DOING = "doing"
    DONE = "done"
    BLOCKED = "blocked"


@dataclass(slots=True)
class Project:
    opportunity_id: int
    name: str
    manager_id: int | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    status: WorkStatus = WorkStatus.TODO
    id: int | None = None


@dataclass(slots=True)
class Milestone:
    project_id: int
    name: str
    due_on: date
    status: WorkStatus = WorkStatus.TODO
    id: int | None = None


@dataclass(slots=True)
class Task:
    title: str
    project_id: int | None = None
    milestone_id: int | None = None
    assignee_id: int | None = None
    due_on: date | None = None
    status: WorkStatus = WorkStatus.TODO
    id: int | None = None


@dataclass(slots=True)
class ChangeRequest:
    project_id: int
    title: str
    requested_at: datetime
    approved: bool | None = None
    id: int | None = None


@dataclass(slots=True)
class Rating:
    project_id: int
    score: int  # 1..5
    comment: str = ""
    id: int | None = None
