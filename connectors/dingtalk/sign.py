"""DingTalk's HMAC signatures: custom group robots (加签) and the outgoing robot's HTTP callback.

Both sign `f"{timestamp}\n{secret}"` with HMAC-SHA256 keyed by the secret and send it base64-encoded;
the robot webhook carries it URL-encoded in the query, the callback in the `sign` header.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

FRESHNESS = 3600.0  # seconds: DingTalk refuses (and so do we) a timestamp more than 1 h off


def signature(secret: str, timestamp_ms: int | str) -> str:
    """base64(HMAC-SHA256(secret, f"{timestamp}\n{secret}")), not yet URL-encoded."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def check(secret: str, timestamp: str, sign: str, now: float, window: float = FRESHNESS) -> str | None:
    """Why an outgoing-robot request must be refused, or None when it is genuine and fresh."""
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 16) or not sign:
        return "missing timestamp or sign"
    if abs(now - int(timestamp) / 1000) > window:
        return "timestamp more than the freshness window off"
    if not hmac.compare_digest(signature(secret, timestamp).encode(), sign.encode("utf-8", "replace")):
        return "bad signature"
    return None
