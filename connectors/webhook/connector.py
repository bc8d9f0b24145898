"""POST each queued event to its subscription's URL, signed; the outbox retries what did not arrive.

2xx: delivered. 429, 5xx, timeouts and network errors: try again after `Retry-After` when the receiver sent one,
else after an exponential backoff (base_delay · 2^(attempt-1), at most max_delay); after `max_attempts` the
delivery is a dead letter. 3xx (redirects are not followed) and any other 4xx: a dead letter at once, with the
status as its reason. A subscription disabled or deleted since the event was queued: a dead letter too.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import aiohttp

from connectors.base import DeliveryError, Dispatch, OutboundMessage
from connectors.http import scrub
from connectors.webhook.sign import signature

CHANNEL = "webhook"
USER_AGENT = "dealbot-webhooks/1"
READ_LIMIT = 4096  # bytes of a receiver's answer read (and dropped)


@dataclass(frozen=True, slots=True)
class Target:
    url: str
    secret: str
    active: bool = True


Lookup = Callable[[int], Awaitable[Target | None]]


@dataclass(frozen=True, slots=True)
class RetryRules:
    max_attempts: int = 8
    base_delay: float = 30.0
    max_delay: float = 6 * 3600.0


class WebhookConnector:
    """`lookup(subscription_id)` reads the subscription when each delivery is sent (bot.channels.webhooks)."""

    channel = CHANNEL

    def __init__(self, lookup: Lookup, *, timeout: float = 10.0, rules: RetryRules | None = None,
                 wall_clock: Callable[[], float] = time.time) -> None:
        self.lookup = lookup
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self.rules = rules or RetryRules()
        self.wall_clock = wall_clock  # the signature's timestamp: the real time receivers compare with
        self._session: aiohttp.ClientSession | None = None

    async def start(self, dispatch: Dispatch) -> None:
        """Nothing arrives on this channel."""

    async def stop(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def send(self, message: OutboundMessage) -> None:
        subscription = int(message.extra.get("subscription_id", 0))
        target = await self.lookup(subscription)
        if target is None:
            raise DeliveryError(f"subscription W{subscription} was deleted", retry_after=None)
        if not target.active:
            raise DeliveryError(f"subscription W{subscription} is disabled", retry_after=None)
        status, retry_after = await self._post(target, message)
        if 200 <= status < 300:
            return
        if status == 429 or status >= 500:
            raise self._again(message, f"HTTP {status}", retry_after)
        reason = f"HTTP {status}" + (" (redirects are not followed)" if 300 <= status < 400 else "")
        raise DeliveryError(reason, retry_after=None)

    async def _post(self, target: Target, message: OutboundMessage) -> tuple[int, float | None]:
        body = message.text.encode("utf-8")
        stamp = int(self.wall_clock())
        headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT,
                   "X-Dealbot-Event": str(message.extra.get("event", "")),
                   "X-Dealbot-Delivery": f"D{message.extra.get('outbox_id', '')}",
                   "X-Dealbot-Timestamp": str(stamp), "X-Dealbot-Signature": signature(target.secret, stamp, body)}
        if self._session is None:
            self._session = aiohttp.ClientSession()
        try:
            async with self._session.post(target.url, data=body, headers=headers, allow_redirects=False,
                                          timeout=self.timeout) as response:
                await response.content.read(READ_LIMIT)
                return response.status, retry_after_seconds(response.headers.get("Retry-After"), self.wall_clock())
        except TimeoutError:
            raise self._again(message, f"timeout after {self.timeout.total:g} s", None) from None
        except aiohttp.ClientError as err:  # the text may hold the URL (and a token in it): the type only
            raise self._again(message, scrub(f"connection failed: {type(err).__name__}"), None) from None

    def _again(self, message: OutboundMessage, reason: str, retry_after: float | None) -> DeliveryError:
        attempt = int(message.extra.get("attempt", 1))
        if attempt >= self.rules.max_attempts:
            return DeliveryError(f"{reason}; gave up after {attempt} attempts", retry_after=None)
        backoff = self.rules.base_delay * 2 ** (attempt - 1)
        delay = retry_after if retry_after is not None else backoff
        return DeliveryError(reason, retry_after=min(self.rules.max_delay, max(0.0, delay)))


def retry_after_seconds(value: str | None, now: float) -> float | None:
    """`Retry-After` as seconds: a number of seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, moment.timestamp() - now) if isinstance(moment, datetime) else None
