"""Email channel: IMAP capture, MIME parsing tuned for Chinese mail clients, SMTP sending (DESIGN §5)."""

from .bookmarks import BookmarkStore, InMemoryBookmarkStore
from .connector import EmailConnector
from .imap import CaptureSettings, ImapAccount, MailboxCapture
from .inbound import CHANNEL, inbound_from_parsed, to_inbound
from .inspect import inspect_mail
from .parsing import ParsedMail, PlusAddress, parse_mail
from .smtp import SmtpConfig, SmtpSender

__all__ = [
    "CHANNEL",
    "BookmarkStore",
    "CaptureSettings",
    "EmailConnector",
    "ImapAccount",
    "InMemoryBookmarkStore",
    "MailboxCapture",
    "ParsedMail",
    "PlusAddress",
    "SmtpConfig",
    "SmtpSender",
    "inbound_from_parsed",
    "inspect_mail",
    "parse_mail",
    "to_inbound",
]
