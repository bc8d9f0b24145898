"""HTTP to a chat platform's JSON API with a timeout on every call, errors mapped to `DeliveryError`.

No exception text from aiohttp is ever propagated: it can contain the request URL, and platforms put
`access_token`, `corpsecret`, webhook `key` and robot `sign` in query strings. Messages go through `scrub`.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp

from connectors.base import DeliveryError

MASK = "***"
_QUERY_SECRET = re.compile(r"(access_token|corpsecret|key|sign|ticket)=[^&\s'\"]+", re.IGNORECASE)

RETRY_SERVER = 15.0  # HTTP 5xx, timeouts, network errors
RETRY_UNKNOWN = 300.0  # unexpected answer: likely configuration, keep the message and retry slowly


def errcode(data: Mapping[str, Any]) -> int:
    """The `errcode` of a `{errcode, errmsg}` answer (WeCom, DingTalk webhooks): 0 when absent, -2 when odd."""
    try:
        return int(data.get("errcode", 0))
    except (TypeError, ValueError, OverflowError):
        return -2


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """Replace every secret value and every token-bearing query parameter with `***`."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, MASK)
    return _QUERY_SECRET.sub(lambda m: f"{m.group(1)}={MASK}", text)


@dataclass(frozen=True, slots=True)
class FileField:
    """One file sent as a multipart/form-data field (a platform's media upload)."""

    name: str  # the form field, e.g. "media"
    filename: str
    data: bytes
    content_type: str

    def form(self) -> aiohttp.FormData:
        form = aiohttp.FormData()
        form.add_field(self.name, self.data, filename=self.filename, content_type=self.content_type)
        return form


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

    def where(self, url: str) -> str:
        """The URL as an error message may name it: no query, no secret."""
        return scrub(url.split("?", 1)[0], self.secrets)

    async def request(self, method: str, url: str, *, params: Mapping[str, str] | None = None,
                      body: Mapping[str, Any] | None = None,
                      headers: Mapping[str, str] | None = None,
                      upload: FileField | None = None) -> tuple[int, dict[str, Any]]:
        """One HTTP call: (status, JSON object; {} when the body is not one). Raises a retryable
        DeliveryError on timeout or network error; the caller reads the status. `upload` sends one file as
        multipart/form-data instead of a JSON body."""
        form = upload.form() if upload is not None else None
        try:
            async with self._client().request(method, url, params=params, json=body, data=form, headers=headers,
                                              timeout=self._timeout) as resp:
                try:
                    data = await resp.json(content_type=None)
                except ValueError:
                    data = None
                return resp.status, data if isinstance(data, dict) else {}
        except TimeoutError:
            raise DeliveryError(f"{self.where(url)}: timed out", retry_after=RETRY_SERVER) from None
        except aiohttp.ClientError as exc:
            raise DeliveryError(f"{self.where(url)}: {type(exc).__name__}", retry_after=RETRY_SERVER) from None

    async def request_json(self, method: str, url: str, *, params: Mapping[str, str],
                           body: Mapping[str, Any] | None = None, upload: FileField | None = None) -> dict[str, Any]:
        """One HTTP call that must answer 200 with a JSON object; anything else is a retryable DeliveryError."""
        status, data = await self.request(method, url, params=params, body=body, upload=upload)
        where = self.where(url)
        if status >= 500 or status == 429:
            raise DeliveryError(f"{where}: HTTP {status}", retry_after=RETRY_SERVER)
        if status != 200:
            raise DeliveryError(f"{where}: HTTP {status}", retry_after=RETRY_UNKNOWN)
        if not data:
            raise DeliveryError(f"{where}: answer is not a JSON object", retry_after=RETRY_SERVER)
        return data
