"""Delivery projects (issue #15): a project's customer, template and link version; milestones in order with
their acceptance and the payment they release; tasks with subtasks, start dates, progress, blockers, effort and
dependencies; change requests with their effect and decision; ratings per milestone; the project timeline and
its files.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 03:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.types import ExactDecimal, UTCDateTime

revision: str = "0021"
down_revision: str | Sequence[str] | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS: dict[str, list[sa.Column[object]]] = {
    "projects": [
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("template", sa.String(64), server_default="", nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=True),
        sa.Column("link_version", sa.Integer(), server_default="1", nullable=False),
    ],
    "milestones": [
        sa.Column("seq", sa.Integer(), server_default="0", nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("accepted_on", sa.Date(), nullable=True),
        sa.Column("accepted_by", sa.Integer(), nullable=True),
        sa.Column("payment_milestone_id", sa.Integer(), nullable=True),
    ],
    "tasks": [
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("progress", sa.Integer(), server_default="0", nullable=False),
        sa.Column("blocker", sa.String(255), server_default="", nullable=False),
        sa.Column("effort_days", ExactDecimal(18, 2), nullable=True),
        sa.Column("depends_on", sa.JSON(), server_default="[]", nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=True),
    ],
    "change_requests": [
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("source", sa.String(32), server_default="", nullable=False),
        sa.Column("requester", sa.String(255), server_default="", nullable=False),
        sa.Column("days_delta", sa.Integer(), nullable=True),
        sa.Column("amount_delta", ExactDecimal(18, 2), nullable=True),
        sa.Column("amount_delta_currency", sa.String(3), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
    ],
    "ratings": [
        sa.Column("milestone_id", sa.Integer(), nullable=True),
        sa.Column("rated_at", UTCDateTime(), nullable=True),
        sa.Column("source", sa.String(32), server_default="", nullable=False),
        sa.Column("rater", sa.String(255), server_default="", nullable=False),
    ],
}
# (table, column, referred table, ondelete): added in batch mode, as SQLite cannot add a constraint in place
_KEYS = (("milestones", "payment_milestone_id", "payment_milestones", "SET NULL"),
         ("tasks", "parent_id", "tasks", "SET NULL"), ("ratings", "milestone_id", "milestones", "SET NULL"))
AUTOINCREMENT = ("project_files",)  # ids people see (F3): never handed out twice
_KEEP_IDS = {"sqlite_autoincrement": True}  # SQLite's copy keeps AUTOINCREMENT (the models' never_reused)
_INDEXES = (("ix_projects_customer_id", "projects", ["customer_id"]),
            ("ix_milestones_payment_milestone_id", "milestones", ["payment_milestone_id"]),
            ("ix_tasks_parent_id", "tasks", ["parent_id"]), ("ix_tasks_status_due_on", "tasks", ["status", "due_on"]),
            ("ix_ratings_milestone_id", "ratings", ["milestone_id"]))


def upgrade() -> None:
    for table, columns in _COLUMNS.items():
        for column in columns:
            op.add_column(table, column)
    for table, key, referred, ondelete in _KEYS:
        with op.batch_alter_table(table, table_kwargs=_KEEP_IDS) as batch:
            batch.create_foreign_key(f"fk_{table}_{key}_{referred}", referred, [key], ["id"], ondelete=ondelete)
    for name, table, indexed in _INDEXES:
        op.create_index(name, table, indexed)
    _create_events()
    _create_files()


def _create_events() -> None:
    op.create_table(
        "project_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("text_en", sa.Text(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("public", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], ondelete="CASCADE",
                                name="fk_project_events_project_id_projects"),
        sa.PrimaryKeyConstraint("id", name="pk_project_events"),
    )
    op.create_index("ix_project_events_project_id_at", "project_events", ["project_id", "at"])


def _create_files() -> None:
    op.create_table(
        "project_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("content_type", sa.String(127), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(32), server_default="", nullable=False),
        sa.Column("uploaded_by", sa.Integer(), nullable=True),
        sa.Column("public", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], ondelete="CASCADE",
                                name="fk_project_files_project_id_projects"),
        sa.ForeignKeyConstraint(["task_id"], ["tasks.id"], ondelete="SET NULL", name="fk_project_files_task_id_tasks"),
        sa.PrimaryKeyConstraint("id", name="pk_project_files"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_project_files_project_id", "project_files", ["project_id"])
    op.create_index("ix_project_files_task_id", "project_files", ["task_id"])


def downgrade() -> None:
    for name in ("ix_project_files_task_id", "ix_project_files_project_id"):
        op.drop_index(name, table_name="project_files")
    op.drop_table("project_files")
    op.drop_index("ix_project_events_project_id_at", table_name="project_events")
    op.drop_table("project_events")
    for name, table, _ in reversed(_INDEXES):
        op.drop_index(name, table_name=table)
    for table, key, referred, _ in _KEYS:
        with op.batch_alter_table(table, table_kwargs=_KEEP_IDS) as batch:
            batch.drop_constraint(f"fk_{table}_{key}_{referred}", type_="foreignkey")
    for table, columns in _COLUMNS.items():
        with op.batch_alter_table(table, table_kwargs=_KEEP_IDS) as batch:
            for added in columns:
                batch.drop_column(added.name)
