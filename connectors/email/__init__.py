"""Email channel: IMAP capture, MIME parsing tuned for Chinese mail clients, SMTP sending (DESIGN §5)."""

from .bookmarks import BookmarkStore, InMemoryBookmarkStore
from .capture_settings import CaptureSettings, ImapAccount
from .connector import EmailConnector
from .imap import MailboxCapture
from .inbound import CHANNEL, inbound_from_parsed, to_inbound
from .inspect import inspect_mail
from .limits import MailLimits, bounded_key
from .parsing import ParsedMail, PlusAddress, parse_mail
from .quarantine import InMemoryQuarantineStore, QuarantinedMail, QuarantineStore
from .smtp import SmtpConfig, SmtpSender

__all__ = [
    "CHANNEL",
    "BookmarkStore",
    "CaptureSettings",
    "EmailConnector",
    "ImapAccount",
    "InMemoryBookmarkStore",
    "InMemoryQuarantineStore",
    "MailLimits",
    "MailboxCapture",
    "ParsedMail",
    "PlusAddress",
    "QuarantineStore",
    "QuarantinedMail",
    "SmtpConfig",
    "SmtpSender",
    "bounded_key",
    "inbound_from_parsed",
    "inspect_mail",
    "parse_mail",
    "to_inbound",
]
