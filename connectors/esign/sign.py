"""e签宝 open API v3 signatures (open.esign.cn, 开发者指南 › 签名鉴权).

Requests: `X-Tsign-Open-Ca-Signature` = Base64(HMAC-SHA256(AppSecret, the string to sign)), where the string is
`METHOD\\nAccept\\nContent-MD5\\nContent-Type\\nDate\\n` + path and query (no custom header line; query keys in
ascending order, not encoded), and Content-MD5 = Base64 of the body's raw 16-byte MD5 (empty without a body).
Callbacks: `X-Tsign-Open-SIGNATURE` = hex(HMAC-SHA256(AppSecret, X-Tsign-Open-TIMESTAMP + query values + body)).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import parse_qsl

ACCEPT = "*/*"
JSON_TYPE = "application/json; charset=UTF-8"


def content_md5(body: bytes) -> str:
    return base64.b64encode(hashlib.md5(body).digest()).decode("ascii") if body else ""


def sorted_path(path: str) -> str:
    """The path with its query keys in ascending order, values as written (the API signs them unencoded)."""
    if "?" not in path:
        return path
    base, query = path.split("?", 1)
    pairs = sorted(parse_qsl(query, keep_blank_values=True))
    return base + ("?" + "&".join(f"{k}={v}" for k, v in pairs) if pairs else "")


def string_to_sign(method: str, md5: str, content_type: str, path: str, accept: str = ACCEPT, date: str = "") -> str:
    return f"{method.upper()}\n{accept}\n{md5}\n{content_type}\n{date}\n{sorted_path(path)}"


def request_signature(secret: str, method: str, md5: str, content_type: str, path: str, accept: str = ACCEPT,
                      date: str = "") -> str:
    text = string_to_sign(method, md5, content_type, path, accept, date)
    digest = hmac.new(secret.encode(), text.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def callback_signature(secret: str, timestamp: str, query: str, body: bytes) -> str:
    """Over the timestamp, the query's values in ascending key order, and the raw body."""
    values = "".join(v for _, v in sorted(parse_qsl(query, keep_blank_values=True)))
    message = timestamp.encode() + values.encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
