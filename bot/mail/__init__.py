"""Email on the bot side: capture lands each mail on its customer, lead or deal; replies thread back.

- `MailHandler`: the batch handler of captured mail (Bot.batch_handlers["email"]).
- `DatabaseBookmarkStore`: IMAP resume points in the shared database.
- `MailIdentity`: our address and domain (Message-IDs, plus-address replies, own-mail detection).
- `compose`: what the `邮件 #12 ...` command queues (bot.handlers.email).
"""

from bot.mail.bookmarks import DatabaseBookmarkStore
from bot.mail.handler import MailHandler
from bot.mail.identity import MailIdentity, store_identity, stored_identity

__all__ = ["DatabaseBookmarkStore", "MailHandler", "MailIdentity", "store_identity", "stored_identity"]
