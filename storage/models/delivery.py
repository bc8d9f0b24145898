"""Delivery after the deal is won: projects, milestones, tasks, change requests, ratings, the project
timeline and its files (columns beyond revision 0001 added by 0021)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Index, String, false
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, Code, Currency, LongText, never_reused, optional_parent, parent


class ProjectRow(Base):
    __tablename__ = "projects"
    __table_args__ = never_reused()

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = parent("opportunities.id")
    name: Mapped[str]
    manager_id: Mapped[int | None] = mapped_column(index=True)
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    status: Mapped[Code]
    customer_id: Mapped[int | None] = mapped_column(index=True)
    template: Mapped[str] = mapped_column(String(64), server_default="")
    created_by: Mapped[int | None]
    created_at: Mapped[datetime | None]
    link_version: Mapped[int] = mapped_column(server_default="1")


class MilestoneRow(Base):
    __tablename__ = "milestones"
    __table_args__ = never_reused()

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = parent("projects.id")
    name: Mapped[str]
    due_on: Mapped[date]
    status: Mapped[Code]
    seq: Mapped[int] = mapped_column(server_default="0")
    starts_on: Mapped[date | None]
    accepted_on: Mapped[date | None]
    accepted_by: Mapped[int | None]
    payment_milestone_id: Mapped[int | None] = optional_parent("payment_milestones.id")


class TaskRow(Base):
    __tablename__ = "tasks"
    __table_args__ = never_reused(Index("ix_tasks_status_due_on", "status", "due_on"))

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str]
    project_id: Mapped[int | None] = parent("projects.id")
    milestone_id: Mapped[int | None] = optional_parent("milestones.id")
    assignee_id: Mapped[int | None] = mapped_column(index=True)
    due_on: Mapped[date | None]
    status: Mapped[Code]
    parent_id: Mapped[int | None] = optional_parent("tasks.id")
    starts_on: Mapped[date | None]
    progress: Mapped[int] = mapped_column(server_default="0")
    blocker: Mapped[str] = mapped_column(String(255), server_default="")
    effort_days: Mapped[Decimal | None]
    depends_on: Mapped[list[int]] = mapped_column(server_default="[]")
    created_at: Mapped[datetime | None]
    updated_at: Mapped[datetime | None]


class ChangeRequestRow(Base):
    __tablename__ = "change_requests"
    __table_args__ = never_reused()

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = parent("projects.id")
    title: Mapped[str]
    requested_at: Mapped[datetime]
    approved: Mapped[bool | None]
    description: Mapped[LongText] = mapped_column(server_default="")
    source: Mapped[Code] = mapped_column(server_default="")
    requester: Mapped[str] = mapped_column(server_default="")
    days_delta: Mapped[int | None]
    amount_delta: Mapped[Decimal | None]
    amount_delta_currency: Mapped[Currency | None]
    decided_by: Mapped[int | None]
    decided_at: Mapped[datetime | None]
    note: Mapped[LongText] = mapped_column(server_default="")


class RatingRow(Base):
    __tablename__ = "ratings"
    __table_args__ = never_reused()

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = parent("projects.id")
    score: Mapped[int]
    comment: Mapped[LongText]
    milestone_id: Mapped[int | None] = optional_parent("milestones.id")
    rated_at: Mapped[datetime | None]
    source: Mapped[Code] = mapped_column(server_default="")
    rater: Mapped[str] = mapped_column(server_default="")


class ProjectEventRow(Base):
    __tablename__ = "project_events"
    __table_args__ = (Index("ix_project_events_project_id_at", "project_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = parent("projects.id", cascade=True, index=False)
    at: Mapped[datetime]
    kind: Mapped[Code]
    text: Mapped[LongText]
    text_en: Mapped[LongText]
    by_id: Mapped[int | None]
    public: Mapped[bool] = mapped_column(server_default=false())


class ProjectFileRow(Base):
    __tablename__ = "project_files"
    __table_args__ = never_reused()

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = parent("projects.id", cascade=True)
    filename: Mapped[str]
    content_type: Mapped[str] = mapped_column(String(127))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]
    task_id: Mapped[int | None] = optional_parent("tasks.id")
    source: Mapped[Code] = mapped_column(server_default="")
    uploaded_by: Mapped[int | None]
    public: Mapped[bool] = mapped_column(server_default=false())
