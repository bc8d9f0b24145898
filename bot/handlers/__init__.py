"""Command handlers. Importing this package registers every command, in a fixed order."""

from bot.handlers import (
    analytics,
    customers,
    deals,
    email,
    held_mail,
    invoices,
    leads,
    mail_admin,
    money,
    plans,
    queries,
    sharing,
    targets,
    undo,
)

__all__ = ["analytics", "customers", "deals", "email", "held_mail", "invoices", "leads", "mail_admin", "money",
           "plans", "queries", "sharing", "targets", "undo"]
