"""Command handlers. Importing this package registers every command, in a fixed order."""

from bot.handlers import (
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
    risks,
    sharing,
    undo,
)

__all__ = ["customers", "deals", "email", "held_mail", "invoices", "leads", "mail_admin", "money", "plans", "queries",
           "risks", "sharing", "undo"]
