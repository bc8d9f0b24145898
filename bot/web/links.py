"""Signed, expiring links: the only credential a web page accepts (portal links, dashboard logins, sessions).

A token is `<payload>.<mac>`, both base64url without padding:
- payload: "purpose:subject_id:expires(unix seconds):version:locale" (ASCII);
- mac: the first 16 bytes of HMAC-SHA256(secret, "dealbot-link-v1|" + payload).

The purpose is inside the signed payload, so a portal link is no login and a login link no session.
`verify` checks format, signature (constant-time), purpose, then expiry; only a genuine link can be
"expired" (LinkExpired, answered 410), anything else is LinkInvalid (answered 403 without details).
`version` is the subject's link counter at signing time: the caller compares it with the current one
(`bot.web.versions`), so bumping the counter revokes every link and session issued before.

Pure standard library: usable from chat handlers, scheduler jobs and the web layer alike.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import UTC, datetime

MAC_BYTES = 16
_DOMAIN = b"dealbot-link-v1|"
_PURPOSE = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
LOCALES = ("zh", "en")


class LinkInvalid(Exception):
    """Not a link we signed for this purpose: bad format, tampered, or another purpose."""


class LinkExpired(Exception):
    """A genuine link whose time is up; `locale` is the language it was signed with (its page answers in it)."""

    def __init__(self, locale: str = "zh") -> None:
        super().__init__("expired")
        self.locale = locale


@dataclass(frozen=True, slots=True)
class Claims:
    purpose: str
    subject_id: int
    expires_at: datetime  # UTC
    version: int
    locale: str


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    if not re.fullmatch(r"[A-Za-z0-9_-]*", text):
        raise LinkInvalid("bad characters")
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise LinkInvalid("bad base64") from None
    if b64url(data) != text:  # one spelling per token: no spare bits to flip
        raise LinkInvalid("not canonical")
    return data


def _key(secret: str | bytes) -> bytes:
    key = secret.encode() if isinstance(secret, str) else secret
    if not key:
        raise ValueError("the link secret is empty")
    return key


def mac(secret: str | bytes, message: bytes, size: int = MAC_BYTES) -> bytes:
    """HMAC-SHA256 of `message` under the link secret (domain-separated), truncated to `size` bytes."""
    return hmac.new(_key(secret), _DOMAIN + message, hashlib.sha256).digest()[:size]


def sign(secret: str | bytes, purpose: str, subject_id: int, expires_at: datetime, version: int = 1,
         locale: str = "zh") -> str:
    """A URL-safe token (about 60 characters) saying: `purpose` for `subject_id` until `expires_at` (aware)."""
    if not _PURPOSE.match(purpose):
        raise ValueError(f"bad purpose {purpose!r}")
    if locale not in LOCALES:
        raise ValueError(f"bad locale {locale!r}")
    if expires_at.tzinfo is None:
        raise ValueError("expires_at must be timezone-aware")
    payload = f"{purpose}:{int(subject_id)}:{int(expires_at.timestamp())}:{int(version)}:{locale}".encode()
    return f"{b64url(payload)}.{b64url(mac(secret, payload))}"


def verify(secret: str | bytes, token: str, purpose: str, now: datetime) -> Claims:
    """The claims of a token we signed for `purpose`; LinkInvalid or LinkExpired otherwise."""
    body, dot, signature = token.partition(".")
    if not dot or not body or not signature or len(token) > 512:
        raise LinkInvalid("bad format")
    payload, given = _unb64(body), _unb64(signature)
    if not hmac.compare_digest(mac(secret, payload), given):
        raise LinkInvalid("bad signature")
    claims = _parse(payload)
    if not hmac.compare_digest(claims.purpose.encode(), purpose.encode()):
        raise LinkInvalid("wrong purpose")
    if now >= claims.expires_at:
        raise LinkExpired(claims.locale)
    return claims


def _parse(payload: bytes) -> Claims:
    try:
        purpose, subject, expires, version, locale = payload.decode("ascii").split(":")
        return Claims(purpose, int(subject), datetime.fromtimestamp(int(expires), UTC), int(version),
                      locale if locale in LOCALES else "zh")
    except (UnicodeDecodeError, ValueError, OverflowError, OSError):
        raise LinkInvalid("bad payload") from None
