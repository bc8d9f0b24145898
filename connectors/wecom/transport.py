"""HTTP to WeCom's JSON API with a timeout on every call, errors mapped to `DeliveryError`.

No exception text from aiohttp is ever propagated: it can contain the request URL, and WeCom puts
`access_token`, `corpsecret` and webhook `key` in query strings. Messages go through `scrub`.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Mapping
from typing import Any

import aiohttp

from connectors.base import DeliveryError

MASK = "***"
_QUERY_SECRET = re.compile(r"(access_token|corpsecret|key)=[^&\s'\"]+", re.IGNORECASE)

RETRY_SERVER = 15.0  # HTTP 5xx, timeouts, network errors
RETRY_RATE = 60.0  # 45009 api freq out of limit, 45033 concurrency limit
RETRY_BUSY = 10.0  # -1 system busy
RETRY_UNKNOWN = 300.0  # unexpected errcode: likely configuration, keep the message and retry slowly
RETRY_RATE_CODES = frozenset({45009, 45033})
# Problems with the message itself or its recipient: resending the same message cannot succeed.
PERMANENT_CODES = frozenset({40003, 40008, 40058, 44004, 45002, 81013})


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """Replace every secret value and every token-bearing query parameter with `***`."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, MASK)
    return _QUERY_SECRET.sub(lambda m: f"{m.group(1)}={MASK}", text)


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


def errcode(data: Mapping[str, Any]) -> int:
    try:
        return int(data.get("errcode", 0))
    except (TypeError, ValueError):
        return -2


class HttpTransport:
    """Owns (or borrows) one aiohttp session; created lazily inside the running loop."""

    def __init__(self, *, timeout: float, secrets: Iterable[str] = (),
                 session: aiohttp.ClientSession | None = None) -> None:
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._secrets = tuple(s for s in secrets if s)
        self._tokens: deque[str] = deque(maxlen=8)  # recent access tokens, scrubbed too
        self._session = session
        self._owned = session is None

    def add_secret(self, value: str) -> None:
        """Remember a short-lived secret (an access token) so it is scrubbed as well."""
        if value and value not in self._tokens:
            self._tokens.append(value)

    @property
    def secrets(self) -> tuple[str, ...]:
        return (*self._secrets, *self._tokens)

    async def close(self) -> None:
        if self._owned and self._session is not None:
            await self._session.close()
        self._session = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
            self._owned = True
        return self._session

    async def request_json(self, method: str, url: str, *, params: Mapping[str, str],
                           body: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """One HTTP call; raises retryable DeliveryError on timeout, network error or bad answer."""
        where = scrub(url.split("?", 1)[0], self.secrets)
        try:
            async with self._client().request(method, url, params=params, json=body,
                                              timeout=self._timeout) as resp:
                if resp.status >= 500 or resp.status == 429:
                    raise DeliveryError(f"{where}: HTTP {resp.status}", retry_after=RETRY_SERVER)
                if resp.status != 200:
                    raise DeliveryError(f"{where}: HTTP {resp.status}", retry_after=RETRY_UNKNOWN)
                data = await resp.json(content_type=None)
        except TimeoutError:
            raise DeliveryError(f"{where}: timed out", retry_after=RETRY_SERVER) from None
        except (aiohttp.ClientError, ValueError) as exc:
            raise DeliveryError(f"{where}: {type(exc).__name__}", retry_after=RETRY_SERVER) from None
        if not isinstance(data, dict):
            raise DeliveryError(f"{where}: answer is not a JSON object", retry_after=RETRY_SERVER)
        return data
