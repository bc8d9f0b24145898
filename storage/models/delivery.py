"""Delivery after the deal is won: projects, milestones, tasks, change requests, ratings."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, Code, LongText, never_reused, optional_parent, parent


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


class MilestoneRow(Base):
    __tablename__ = "milestones"
    __table_args__ = never_reused()

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = parent("projects.id")
    name: Mapped[str]
    due_on: Mapped[date]
    status: Mapped[Code]


class TaskRow(Base):
    __tablename__ = "tasks"
    __table_args__ = never_reused()

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str]
    project_id: Mapped[int | None] = parent("projects.id")
    milestone_id: Mapped[int | None] = optional_parent("milestones.id")
    assignee_id: Mapped[int | None] = mapped_column(index=True)
    due_on: Mapped[date | None]
    status: Mapped[Code]


class ChangeRequestRow(Base):
    __tablename__ = "change_requests"
    __table_args__ = never_reused()

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = parent("projects.id")
    title: Mapped[str]
    requested_at: Mapped[datetime]
    approved: Mapped[bool | None]


class RatingRow(Base):
    __tablename__ = "ratings"
    __table_args__ = never_reused()

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = parent("projects.id")
    score: Mapped[int]
    comment: Mapped[LongText]
