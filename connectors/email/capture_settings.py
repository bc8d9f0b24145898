"""Where and how to capture: an IMAP account, and the capture loop's settings and limits."""

from __future__ import annotations

from dataclasses import dataclass, field
from ssl import SSLContext

from .limits import DEFAULT_LIMITS, MailLimits


@dataclass(frozen=True, slots=True)
class ImapAccount:
    host: str
    username: str
    password: str = field(repr=False)
    address: str = ""  # the mailbox's own address: conversation_id and base of sales+<token>@ replies
    port: int = 993
    ssl: bool = True  # implicit TLS (993); set False and starttls True for 143 + STARTTLS
    starttls: bool = False
    folders: tuple[str, ...] = ("INBOX",)
    timeout: float = 60.0
    ssl_context: SSLContext | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class CaptureSettings:
    batch_size: int = 50
    use_idle: bool = True
    idle_renew: float = 25 * 60.0  # RFC 2177: re-issue IDLE before the server's 30-minute timeout
    idle_check_interval: float = 1.0  # how quickly stop() interrupts IDLE
    poll_interval: float = 60.0  # between checks without IDLE; also the longest wait inside IDLE
    backoff_initial: float = 1.0
    backoff_max: float = 300.0
    backfill: bool = True  # first run captures what is already there; False starts at the newest UID
    limits: MailLimits = DEFAULT_LIMITS  # size, MIME part and References caps, applied before parsing
    batch_bytes: int = 32 * 1024 * 1024  # a fetched batch holds at most this much mail (at least one)
    max_dispatch_failures: int = 3  # then the mail is quarantined and the bookmark moves past it
