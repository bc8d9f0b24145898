"""Command handlers. Importing this package registers every command, in a fixed order."""

from bot.handlers import (
    analytics,
    approvals,
    close_date,
    customers,
    daily_reports,
    dashboard,
    deals,
    email,
    gantt,
    handover,
    held_mail,
    invoices,
    leads,
    mail_admin,
    money,
    plans,
    pool,
    project_files,
    project_milestones,
    projects,
    queries,
    quiet,
    quote_mail,
    reminders,
    resources,
    risks,
    sharing,
    sms,
    suggest,
    targets,
    task_lists,
    tasks,
    undo,
    visits,
)

__all__ = ["analytics", "approvals", "close_date", "customers", "daily_reports", "deals", "email", "handover",
           "held_mail", "invoices", "leads", "mail_admin", "money", "plans", "pool", "project_files",
           "project_milestones", "projects", "queries", "quiet",
           "quote_mail", "reminders", "risks", "sharing", "sms", "suggest", "targets", "tasks", "undo", "visits"]
__all__ += ["dashboard"]  # issue #15: the web dashboard link
from bot.handlers import changes, portal  # noqa: E402  issue #15: customer portal links and change requests

__all__ += ["changes", "portal"]
__all__ += ["gantt", "resources"]  # issue #15: Gantt images and the resource view
__all__ += ["task_lists"]
from bot.handlers import tokens  # noqa: E402  issue #16: API tokens

__all__ += ["tokens"]
from bot.handlers import webhooks  # noqa: E402  issue #16: outgoing webhooks

__all__ += ["webhooks"]
from bot.handlers import feedback  # noqa: E402  issue #16: 反馈 / feedback

__all__ += ["feedback"]
