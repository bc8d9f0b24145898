"""Keep secrets out of logs, reprs and error messages.

`mask_url` hides the password in any URL (postgresql+asyncpg://user:***@host/db). `SecretFilter` is the
safety net: installed once (`install_secret_filter`), it masks URL passwords and every known secret value
in every log record, whichever logger or handler writes it.
"""

from __future__ import annotations

import logging
import re
import threading
import traceback
from collections.abc import Iterable, Mapping
from typing import Any

SECRET_WORDS = ("password", "secret", "token", "aes_key", "key", "robots")
MASK = "***"
MIN_SECRET_CHARS = 4  # shorter values would mask ordinary words everywhere

_URL_PASSWORD = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.\-]*://[^:/?#@\s]*:)(?P<pw>[^@\s/?#]+)(?=@)")
_WEBHOOK_SECRET = re.compile(r"whsec_[0-9A-Za-z]+")
_QUERY_PASSWORD = re.compile(r"(?P<head>[?&](?:password|pass|pwd|token|secret)=)(?P<pw>[^&\s#]+)", re.I)


def is_secret_key(key: str) -> bool:
    return any(word in key.lower() for word in SECRET_WORDS)


def mask_url(text: str) -> str:
    """Every URL password (and ?password= query value) in `text` replaced by ***."""
    text = _URL_PASSWORD.sub(lambda m: m.group("head") + MASK, text)
    return _QUERY_PASSWORD.sub(lambda m: m.group("head") + MASK, text)


def url_passwords(text: str) -> list[str]:
    return [m.group("pw") for m in _URL_PASSWORD.finditer(text)]


def redact(value: Any, key: str = "", secret: bool = False) -> Any:
    """A copy of a config tree with secret values as *** and URL passwords masked."""
    secret = secret or is_secret_key(key)
    if isinstance(value, Mapping):
        return {k: redact(v, str(k), secret) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v, key, secret) for v in value]
    if secret and value not in (None, "", 0):
        return MASK
    return mask_url(value) if isinstance(value, str) else value


def secret_values(value: Any, key: str = "", secret: bool = False) -> set[str]:
    """The secret strings in a config tree: values under secret keys and passwords inside URLs."""
    secret = secret or is_secret_key(key)
    found: set[str] = set()
    if isinstance(value, Mapping):
        for k, v in value.items():
            found |= secret_values(v, str(k), secret)
    elif isinstance(value, list):
        for v in value:
            found |= secret_values(v, key, secret)
    elif isinstance(value, str | int) and not isinstance(value, bool):
        text = str(value)
        if secret and len(text) >= MIN_SECRET_CHARS:
            found.add(text)
        found.update(pw for pw in url_passwords(text) if pw != MASK)
    return found


class SecretFilter(logging.Filter):
    """Masks secrets in a log record's message, arguments and exception text; never drops a record."""

    def __init__(self) -> None:
        super().__init__()
        self._secrets: tuple[str, ...] = ()
        self._lock = threading.Lock()

    def add(self, secrets: Iterable[str]) -> None:
        with self._lock:
            known = set(self._secrets) | {s for s in secrets if len(s) >= MIN_SECRET_CHARS}
            self._secrets = tuple(sorted(known, key=len, reverse=True))  # longest first

    def mask(self, text: str) -> str:
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, MASK)
        if "whsec_" in text:  # a webhook's signing secret (issue #16), e.g. in a logged reply
            text = _WEBHOOK_SECRET.sub(MASK, text)
        return mask_url(text)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: leave it to logging's own error report
            return True
        masked = self.mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = self.mask("".join(traceback.format_exception(*record.exc_info)).rstrip("\n"))
        if record.stack_info:
            record.stack_info = self.mask(record.stack_info)
        return True


SECRET_FILTER = SecretFilter()
_installed = False
_install_lock = threading.Lock()


def install_secret_filter(config_sections: Mapping[str, Any] | None = None) -> SecretFilter:
    """Mask the secrets of `config_sections` (and every URL password) in all log records from now on.

    The filter runs when a record is created (the log record factory), so it covers every logger and
    every handler, including handlers added later; it is also attached to the root logger's handlers.
    """
    global _installed
    if config_sections is not None:
        SECRET_FILTER.add(secret_values(config_sections))
    with _install_lock:
        if not _installed:
            previous = logging.getLogRecordFactory()

            def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
                record = previous(*args, **kwargs)
                SECRET_FILTER.filter(record)
                return record

            logging.setLogRecordFactory(factory)
            _installed = True
    for handler in logging.getLogger().handlers:
        if SECRET_FILTER not in handler.filters:
            handler.addFilter(SECRET_FILTER)
    return SECRET_FILTER
