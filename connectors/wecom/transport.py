"""WeCom's `{errcode, errmsg}` answers mapped to `DeliveryError`; the HTTP itself is `connectors.http`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from connectors.base import DeliveryError
from connectors.http import RETRY_UNKNOWN, HttpTransport, errcode, scrub

__all__ = ["HttpTransport", "api_error", "errcode", "scrub"]

RETRY_RATE = 60.0  # 45009 api freq out of limit, 45033 concurrency limit
RETRY_BUSY = 10.0  # -1 system busy
RETRY_RATE_CODES = frozenset({45009, 45033})
# Problems with the message itself or its recipient: resending the same message cannot succeed.
PERMANENT_CODES = frozenset({40003, 40008, 40058, 44004, 45002, 81013})


def api_error(data: Mapping[str, Any], what: str, secrets: Iterable[str] = ()) -> DeliveryError:
    """DeliveryError for a WeCom `{errcode, errmsg}` answer; permanent only for message faults."""
    code = errcode(data)
    reason = scrub(f"{what}: errcode {code} {str(data.get('errmsg', ''))[:200]}", secrets)
    if code in RETRY_RATE_CODES:
        return DeliveryError(reason, retry_after=RETRY_RATE)
    if code == -1:
        return DeliveryError(reason, retry_after=RETRY_BUSY)
    if code in PERMANENT_CODES:
        return DeliveryError(reason, retry_after=None)
    return DeliveryError(reason, retry_after=RETRY_UNKNOWN)

