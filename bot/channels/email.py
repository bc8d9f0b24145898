"""The email channel from config section [email]: IMAP capture in, SMTP out, the mail handler.

```toml
[email]
from_address = "sales@company.com"   # what we send from; sales+<token>@company.com reaches it
from_name = "明途销售"                # optional
domain = "company.com"               # our domain: Message-IDs, and mail from it is never a customer
imap_host = "imap.company.com"       # capture (optional: without it, the bot only sends)
imap_port = 993
imap_user = "sales@company.com"
imap_password = "..."                # or DEALBOT_EMAIL_IMAP_PASSWORD
imap_mailboxes = ["INBOX"]
imap_ssl = true                      # implicit TLS; imap_ssl = false + imap_starttls = true for 143
smtp_host = "smtp.company.com"
smtp_port = 587
smtp_user = "sales@company.com"
smtp_password = "..."                # or DEALBOT_EMAIL_SMTP_PASSWORD
smtp_starttls = true                 # omit: upgrade when offered; smtp_ssl = true for 465
# flood_limit = 20   flood_window_hours = 2   poll_interval = 60   use_idle = true   batch_size = 50
authserv_id = "mx.company.com"       # optional: trust only Authentication-Results headers with this id
# max_mail_mb = 25     # larger mails: headers + the first 512 KB, with a "too large" note; never parsed whole
# batch_mb = 32        # mail held in memory per fetched batch   max_mime_parts = 500   max_references = 50

[[email.accounts]]                   # more mailboxes to capture, e.g. a rep's (same keys, no prefix)
host = "imap.company.com"
user = "zhangwei@company.com"
password = "..."
mailboxes = ["INBOX", "Sent"]
```
Passwords never reach a log or an error message: errors name the key only.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from bot.config import Config, ConfigError
from bot.delivery.files import FileSettings
from bot.mail import DatabaseBookmarkStore, MailHandler, MailIdentity, store_identity
from bot.mail.quarantine import DatabaseQuarantineStore
from bot.service import Bot
from connectors.base import OutboundMessage
from connectors.email import CaptureSettings, EmailConnector, ImapAccount, MailLimits, SmtpConfig
from domain.ports import UnitOfWork

SECTION = "email"
NOTICE_SUBJECT = "dealbot 通知 / notice"
MAX_BATCH = 256
MB = 1024 * 1024


class EmailConfigError(ConfigError):
    """[email] is incomplete or has a value of the wrong kind. The message names keys, never values."""


class BotEmailConnector(EmailConnector):
    """What the bot sends is automatic (Auto-Submitted) unless the outbox row says otherwise: only
    a rep's own mail (`邮件 #12 ...`) carries `automatic: False`."""

    async def send(self, message: OutboundMessage) -> None:
        if "automatic" not in message.extra:
            message = dataclasses.replace(message, extra={**message.extra, "automatic": True},
                                          subject=message.subject or NOTICE_SUBJECT)
        await super().send(message)


def enabled(config: Config) -> bool:
    section = config.section(SECTION)
    return any(str(section.get(key) or "").strip() for key in ("from_address", "imap_host", "smtp_host"))


def _get(section: Mapping[str, Any], key: str, kind: Callable[[Any], Any], default: Any = None) -> Any:
    value = section.get(key)
    if value is None or value == "":
        return default
    if kind is not bool and isinstance(value, bool):
        raise EmailConfigError(f"[{SECTION}] {key} has the wrong type")
    if kind is bool and not isinstance(value, bool):
        raise EmailConfigError(f"[{SECTION}] {key} must be true or false")
    try:
        return kind(value)
    except (TypeError, ValueError):
        raise EmailConfigError(f"[{SECTION}] {key} has the wrong type") from None


def _folders(value: Any, key: str) -> tuple[str, ...]:
    if value is None:
        return ("INBOX",)
    folders = [value] if isinstance(value, str) else value
    if not isinstance(folders, list) or not folders or not all(isinstance(f, str) and f for f in folders):
        raise EmailConfigError(f"[{SECTION}] {key} must be a list of folder names")
    return tuple(folders)


def identity_from(config: Config) -> MailIdentity:
    section = config.section(SECTION)
    address = str(section.get("from_address") or section.get("imap_user") or "").strip()
    if "@" not in address:
        raise EmailConfigError(f"[{SECTION}] from_address is missing (or DEALBOT_EMAIL_FROM_ADDRESS)")
    mailboxes = tuple(account.address for account in imap_accounts(config) if account.address)
    return MailIdentity(address, str(section.get("domain") or "").strip(), mailboxes,
                        _get(section, "flood_limit", int, 20),
                        timedelta(hours=_get(section, "flood_window_hours", float, 2.0)),
                        _get(section, "authserv_id", str, "").strip())


def _account(values: Mapping[str, Any], prefix: str, fallback_address: str) -> ImapAccount:
    def key(name: str) -> str:
        return prefix + name

    missing = [key(name) for name in ("host", "user", "password") if not str(values.get(key(name)) or "").strip()]
    if missing:
        raise EmailConfigError(f"[{SECTION}] is missing {', '.join(missing)}")
    user = str(values[key("user")]).strip()
    address = str(values.get(key("address")) or (user if "@" in user else fallback_address)).strip().lower()
    use_ssl = _get(values, key("ssl"), bool, True)
    return ImapAccount(host=str(values[key("host")]).strip(), username=user, password=str(values[key("password")]),
                       address=address, port=_get(values, key("port"), int, 993 if use_ssl else 143),
                       ssl=use_ssl, starttls=_get(values, key("starttls"), bool, False),
                       folders=_folders(values.get(key("mailboxes")), key("mailboxes")))


def imap_accounts(config: Config) -> list[ImapAccount]:
    section = config.section(SECTION)
    address = str(section.get("from_address") or "").strip().lower()
    accounts = [_account(section, "imap_", address)] if str(section.get("imap_host") or "").strip() else []
    extra = section.get("accounts") or []
    if not isinstance(extra, list) or not all(isinstance(item, Mapping) for item in extra):
        raise EmailConfigError(f"[[{SECTION}.accounts]] must be tables")
    return accounts + [_account(item, "", "") for item in extra]


def smtp_config(config: Config, identity: MailIdentity) -> SmtpConfig | None:
    section = config.section(SECTION)
    if not str(section.get("smtp_host") or "").strip():
        return None
    use_tls = _get(section, "smtp_ssl", bool, False)
    return SmtpConfig(host=str(section["smtp_host"]).strip(), from_address=identity.address,
                      port=_get(section, "smtp_port", int, 465 if use_tls else 587),
                      username=_get(section, "smtp_user", str), password=_get(section, "smtp_password", str),
                      starttls=_get(section, "smtp_starttls", bool), use_tls=use_tls,
                      from_name=str(section.get("from_name") or ""), domain=identity.mail_domain)


def capture_settings(config: Config) -> CaptureSettings:
    section, defaults = config.section(SECTION), CaptureSettings()
    return dataclasses.replace(
        defaults, batch_size=_positive(section, "batch_size", int, defaults.batch_size),
        use_idle=_get(section, "use_idle", bool, defaults.use_idle),
        poll_interval=_get(section, "poll_interval", float, defaults.poll_interval),
        backfill=_get(section, "backfill", bool, defaults.backfill),
        batch_bytes=int(_positive(section, "batch_mb", float, defaults.batch_bytes / MB) * MB),
        limits=dataclasses.replace(mail_limits(section, defaults.limits),  # attachments filed on projects (#15)
                                   keep_attachment_bytes=FileSettings.from_section(config.section("files")).max_bytes))


def mail_limits(section: Mapping[str, Any], defaults: MailLimits) -> MailLimits:
    """[email] max_mail_mb, max_mime_parts, max_references: caps applied before a mail is parsed."""
    return dataclasses.replace(
        defaults, max_mail_bytes=int(_positive(section, "max_mail_mb", float, defaults.max_mail_bytes / MB) * MB),
        max_parts=_positive(section, "max_mime_parts", int, defaults.max_parts),
        max_references=_positive(section, "max_references", int, defaults.max_references))


def _positive(section: Mapping[str, Any], key: str, kind: Callable[[Any], Any], default: Any) -> Any:
    value = _get(section, key, kind, default)
    if value <= 0:
        raise EmailConfigError(f"[{SECTION}] {key} must be a positive number")
    return value


def build(config: Config, uow_factory: Callable[[], UnitOfWork]) -> BotEmailConnector | None:
    """The connector, or None when [email] is absent. Bookmarks live in the shared database."""
    if not enabled(config):
        return None
    identity = identity_from(config)
    return BotEmailConnector(imap_accounts(config), DatabaseBookmarkStore(uow_factory),
                             smtp_config(config, identity), capture_settings(config),
                             quarantine=DatabaseQuarantineStore(uow_factory))


async def attach(bot: Bot, config: Config, uow_factory: Callable[[], UnitOfWork]) -> MailHandler | None:
    """Register the mail handler on the bot and publish our identity (for `邮件 #12 ...` in any process)."""
    if not enabled(config):
        return None
    identity = identity_from(config)
    async with uow_factory() as uow:
        await store_identity(uow, identity)
        await uow.commit()
    handler = MailHandler(identity, bot.settings)
    bot.batch_handlers[SECTION] = handler
    # Captured mail arrives in bursts of a fetched batch; the handler's reads are per batch, so larger
    # batches cost less per mail. Chat messages in the same batch stay time-boxed (Bot.batch_budget).
    bot.processor.max_batch = max(bot.processor.max_batch, MAX_BATCH)
    return handler
