"""Tencent Cloud API 3.0 request signing, TC3-HMAC-SHA256 (the "签名方法 v3" of the API docs).

    CanonicalRequest = Method \\n URI \\n Query \\n CanonicalHeaders \\n SignedHeaders \\n hex(sha256(payload))
    StringToSign     = "TC3-HMAC-SHA256" \\n Timestamp \\n Date/service/tc3_request \\n hex(sha256(CanonicalRequest))
    SecretSigning    = HMAC(HMAC(HMAC("TC3" + SecretKey, Date), service), "tc3_request")
    Signature        = hex(HMAC(SecretSigning, StringToSign))

Date is the UTC day of the timestamp (YYYY-MM-DD); header names and values are lower case, values trimmed; the
service answers AuthFailure.SignatureExpire when the timestamp is more than 5 minutes off its clock.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from datetime import UTC, datetime

ALGORITHM = "TC3-HMAC-SHA256"
SIGNED_HEADERS = ("content-type", "host", "x-tc-action")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).digest()


def utc_day(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")


def signature(secret_key: str, service: str, timestamp: int, headers: Mapping[str, str], payload: bytes,
              method: str = "POST") -> str:
    """The hex signature of a request to "/" without a query, signing `headers` (name -> value) in name order."""
    names = sorted(name.lower() for name in headers)
    lowered = {name.lower(): value for name, value in headers.items()}
    canonical_headers = "".join(f"{name}:{lowered[name].strip().lower()}\n" for name in names)
    canonical = "\n".join((method, "/", "", canonical_headers, ";".join(names), sha256_hex(payload)))
    day = utc_day(timestamp)
    to_sign = "\n".join((ALGORITHM, str(timestamp), f"{day}/{service}/tc3_request",
                         sha256_hex(canonical.encode("utf-8"))))
    key = _hmac(_hmac(_hmac(f"TC3{secret_key}".encode(), day), service), "tc3_request")
    return hmac.new(key, to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def authorization(secret_id: str, secret_key: str, service: str, timestamp: int, headers: Mapping[str, str],
                  payload: bytes) -> str:
    """The Authorization header value for a POST of `payload` with `headers` (those signed)."""
    names = ";".join(sorted(name.lower() for name in headers))
    sig = signature(secret_key, service, timestamp, headers, payload)
    return (f"{ALGORITHM} Credential={secret_id}/{utc_day(timestamp)}/{service}/tc3_request, "
            f"SignedHeaders={names}, Signature={sig}")
