"""Sending mail with aiosmtplib: our own Message-IDs, threading headers, plus-address replies.

OutboundMessage.extra keys read here (all optional):
  message_id   "<id@our.domain>" to reuse across retries (else one is made with our domain)
  delivery_key set by the outbox, the same on every retry of one item: without message_id, the
               Message-ID is <delivery_key@our.domain>, so a repeat after a crash is the same mail
  in_reply_to  Message-ID we answer; references: list (or space-separated str) of earlier IDs
  reply_token  sets Reply-To: <local>+<token>@<domain> so the answer finds its thread
  automatic    True adds Auto-Submitted: auto-generated (reminders, digests); never for human replies
  cc           list of addresses
  html, inline_images, attachments, image   an HTML body with inline images, attachments, a picture (.rich)
"""

from __future__ import annotations

import logging
import re
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid
from typing import Any

import aiosmtplib

from connectors.base import DeliveryError, OutboundMessage, image_of

from .headers import parse_msgids
from .rich import add_rich_parts, with_image

log = logging.getLogger(__name__)
_TOKEN = re.compile(r"^[A-Za-z0-9._=-]{1,64}$")
_KEY = re.compile(r"^[A-Za-z0-9._-]{1,100}$")
MAX_REFERENCES = 20


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    host: str
    from_address: str
    port: int = 587
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool | None = None  # None: upgrade when the server offers it; True: require; False: never
    use_tls: bool = False  # implicit TLS (port 465)
    from_name: str = ""
    domain: str = ""  # for Message-IDs and plus addresses; defaults to the from_address domain
    reply_local_part: str = ""  # sales -> sales+<token>@domain; defaults to the from_address local part
    timeout: float = 30.0
    retry_after: float = 60.0  # for 4xx answers and network failures
    tls_context: ssl.SSLContext | None = field(default=None, repr=False, compare=False)

    @property
    def mail_domain(self) -> str:
        return self.domain or self.from_address.rpartition("@")[2]

    @property
    def reply_local(self) -> str:
        return self.reply_local_part or self.from_address.rpartition("@")[0]


class SmtpSender:
    def __init__(self, config: SmtpConfig, clock: Callable[[], datetime] | None = None) -> None:
        self.config = config
        self.clock = clock or (lambda: datetime.now(UTC))

    def build(self, message: OutboundMessage) -> EmailMessage:
        """The MIME message for an OutboundMessage; raises DeliveryError (permanent) on bad input."""
        cfg, extra = self.config, message.extra
        if not message.recipient:
            raise DeliveryError("email without recipient", retry_after=None)
        try:
            return self._build(message, cfg, extra)
        except (ValueError, TypeError, IndexError) as err:  # bad addresses, bad html/image items
            raise DeliveryError(f"email not buildable: {err}", retry_after=None) from None

    def _build(self, message: OutboundMessage, cfg: SmtpConfig, extra: dict[str, Any]) -> EmailMessage:
        mail = EmailMessage(policy=policy.SMTP)
        mail["From"] = formataddr((cfg.from_name, cfg.from_address)) if cfg.from_name else cfg.from_address
        mail["To"] = message.recipient
        cc = _as_list(extra.get("cc"), ",")
        if cc:
            mail["Cc"] = ", ".join(cc)
        mail["Subject"] = " ".join(message.subject.split())
        mail["Date"] = format_datetime(self.clock())
        given_id = parse_msgids(str(extra.get("message_id") or ""))
        key = str(extra.get("delivery_key") or "")  # the same on every retry of one outbox item
        mail["Message-ID"] = given_id[0] if given_id else (
            f"<{key}@{cfg.mail_domain}>" if _KEY.match(key) else make_msgid(domain=cfg.mail_domain))
        self._thread_headers(mail, extra)
        token = extra.get("reply_token")
        if token:
            mail["Reply-To"] = self.reply_address(str(token))
        if extra.get("automatic") is True:
            mail["Auto-Submitted"] = "auto-generated"
            mail["X-Auto-Response-Suppress"] = "All"  # keeps Exchange out-of-office answers away
        text = message.text or ""
        mail.set_content(text, charset="utf-8", cte="7bit" if text.isascii() else "base64")
        add_rich_parts(mail, with_image(extra, image_of(message), text))
        return mail

    def reply_address(self, token: str) -> str:
        if not _TOKEN.match(token):
            raise DeliveryError(f"reply token {token!r} is not usable in an address", retry_after=None)
        return str(Address(addr_spec=f"{self.config.reply_local}+{token}@{self.config.mail_domain}"))

    async def send(self, message: OutboundMessage) -> str:
        """Send; returns the Message-ID used. Failures raise DeliveryError (4xx/network: retry)."""
        mail = self.build(message)
        cfg = self.config
        try:
            errors, _ = await aiosmtplib.send(
                mail, hostname=cfg.host, port=cfg.port, username=cfg.username, password=cfg.password,
                start_tls=cfg.starttls, use_tls=cfg.use_tls, timeout=cfg.timeout, tls_context=cfg.tls_context,
            )
        except aiosmtplib.SMTPRecipientsRefused as err:
            codes = [item.code for item in err.recipients]
            raise self._error("all recipients refused", codes) from None
        except aiosmtplib.SMTPResponseException as err:
            raise self._error(f"{type(err).__name__}: {err.code} {err.message}", [err.code]) from None
        except (aiosmtplib.SMTPException, OSError) as err:
            raise DeliveryError(f"SMTP {type(err).__name__}: {err}", retry_after=cfg.retry_after) from None
        except ValueError as err:  # raised while flattening an unsendable message
            raise DeliveryError(f"email not sendable: {err}", retry_after=None) from None
        for recipient, response in errors.items():
            log.warning("email to %s partly refused: %s %s", recipient, response.code, response.message)
        return str(mail["Message-ID"])

    def _error(self, reason: str, codes: list[int]) -> DeliveryError:
        permanent = bool(codes) and all(500 <= code < 600 for code in codes)
        return DeliveryError(f"SMTP {reason} (codes {codes})",
                             retry_after=None if permanent else self.config.retry_after)

    def _thread_headers(self, mail: EmailMessage, extra: dict[str, Any]) -> None:
        parent = parse_msgids(str(extra.get("in_reply_to") or ""))
        references = parse_msgids(" ".join(_as_list(extra.get("references"), " ")))
        if parent:
            mail["In-Reply-To"] = parent[0]
            references = [ref for ref in references if ref != parent[0]] + [parent[0]]
        if references:
            mail["References"] = " ".join(references[-MAX_REFERENCES:])


def _as_list(value: object, separator: str) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [item.strip() for item in value.split(separator) if item.strip()]
    if isinstance(value, list | tuple):
        return [str(item) for item in value if item]
    return [str(value)]
