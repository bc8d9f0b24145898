"""Command handlers. Importing this package registers every command, in a fixed order."""

from bot.handlers import customers, deals, email, leads, mail_admin, money, queries, sharing, undo

__all__ = ["customers", "deals", "email", "leads", "mail_admin", "money", "queries", "sharing", "undo"]
