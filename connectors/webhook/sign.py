"""The webhook signature: `X-Dealbot-Signature: v1=<hex HMAC-SHA256(secret, f"{timestamp}.{raw body}")>`.

The timestamp (`X-Dealbot-Timestamp`, Unix seconds) is signed with the body, so a captured delivery cannot be
replayed later: receivers reject a timestamp more than TOLERANCE seconds away from their clock.
"""

from __future__ import annotations

import hashlib
import hmac

TOLERANCE = 300  # seconds a receiver accepts between the timestamp and its clock
VERSION = "v1"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The header value, `v1=<hex>`."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode("ascii") + body, hashlib.sha256)
    return f"{VERSION}={digest.hexdigest()}"


def verify(secret: str, header: str, timestamp: str, body: bytes, now: float, tolerance: int = TOLERANCE) -> bool:
    """What a receiver checks (README has the same recipe): a fresh timestamp and a matching signature."""
    try:
        sent = int(timestamp)
    except ValueError:
        return False
    if abs(now - sent) > tolerance:
        return False
    return any(hmac.compare_digest(signature(secret, sent, body), value.strip()) for value in header.split(","))
