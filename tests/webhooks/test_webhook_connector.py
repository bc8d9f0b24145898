"""The webhook connector against a local HTTP server: what is delivered, retried (and when), or dead at once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from email.utils import format_datetime

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from connectors.base import DeliveryError, OutboundMessage
from connectors.webhook.connector import RetryRules, Target, WebhookConnector, retry_after_seconds
from connectors.webhook.sign import signature, verify

NOW = 1_796_624_921.0
BODY = '{"id":"evt_1","type":"deal.won","occurred_at":"2026-11-24T02:00:00Z","data":{"name":"明途"}}'


class Scripted:
    """Answers each request with the next (status, headers) of its script and keeps what it got."""

    def __init__(self) -> None:
        self.script: list[tuple[int, dict[str, str]]] = [(200, {})]
        self.got: list[tuple[dict[str, str], bytes]] = []
        self.delay = 0.0

    async def handle(self, request: web.Request) -> web.Response:
        self.got.append((dict(request.headers), await request.read()))
        await asyncio.sleep(self.delay)
        status, headers = self.script.pop(0) if len(self.script) > 1 else self.script[0]
        return web.Response(status=status, headers=headers)


@pytest.fixture
async def server() -> AsyncIterator[tuple[Scripted, TestServer]]:
    scripted = Scripted()
    app = web.Application()
    app.router.add_post("/hook", scripted.handle)
    app.router.add_post("/elsewhere", scripted.handle)
    test_server = TestServer(app, host="127.0.0.1")
    await test_server.start_server()
    yield scripted, test_server
    await test_server.close()


def connector(url: str, active: bool = True, timeout: float = 5.0, exists: bool = True) -> WebhookConnector:
    async def lookup(subscription_id: int) -> Target | None:
        return Target(url, "whsec_test", active) if exists and subscription_id == 2 else None

    return WebhookConnector(lookup, timeout=timeout, rules=RetryRules(max_attempts=3, base_delay=10, max_delay=100),
                            wall_clock=lambda: NOW)


def message(attempt: int = 1) -> OutboundMessage:
    return OutboundMessage("webhook", "W2", BODY, extra={"subscription_id": 2, "event": "deal.won",
                                                          "event_id": "evt_1", "outbox_id": 17, "attempt": attempt})


async def send(hook: WebhookConnector, attempt: int = 1) -> DeliveryError | None:
    try:
        await hook.send(message(attempt))
    except DeliveryError as err:
        return err
    finally:
        await hook.stop()
    return None


async def test_a_delivery_is_posted_signed_with_the_documented_headers(server: tuple[Scripted, TestServer]) -> None:
    scripted, test_server = server
    assert await send(connector(str(test_server.make_url("/hook")))) is None
    [(headers, body)] = scripted.got
    assert body == BODY.encode("utf-8")
    assert headers["X-Dealbot-Event"] == "deal.won" and headers["X-Dealbot-Delivery"] == "D17"
    assert headers["X-Dealbot-Timestamp"] == "1796624921"
    assert headers["X-Dealbot-Signature"] == signature("whsec_test", 1796624921, body)
    assert verify("whsec_test", headers["X-Dealbot-Signature"], headers["X-Dealbot-Timestamp"], body, NOW + 299)
    assert not verify("whsec_test", headers["X-Dealbot-Signature"], headers["X-Dealbot-Timestamp"], body, NOW + 301)
    assert not verify("whsec_other", headers["X-Dealbot-Signature"], headers["X-Dealbot-Timestamp"], body, NOW)
    assert headers["Content-Type"] == "application/json; charset=utf-8"


@pytest.mark.parametrize(("status", "headers", "attempt", "retry_after"), [
    (500, {}, 1, 10.0), (503, {}, 2, 20.0), (429, {"Retry-After": "42"}, 1, 42.0),
    (503, {"Retry-After": "7"}, 2, 7.0), (502, {"Retry-After": "9999"}, 1, 100.0)])
async def test_server_errors_and_429_are_retried_after_retry_after_or_the_backoff(
        server: tuple[Scripted, TestServer], status: int, headers: dict[str, str], attempt: int,
        retry_after: float) -> None:
    scripted, test_server = server
    scripted.script = [(status, headers)]
    err = await send(connector(str(test_server.make_url("/hook"))), attempt)
    assert err is not None and err.retry_after == retry_after and str(err) == f"HTTP {status}"


async def test_the_last_attempt_is_a_dead_letter(server: tuple[Scripted, TestServer]) -> None:
    scripted, test_server = server
    scripted.script = [(500, {})]
    err = await send(connector(str(test_server.make_url("/hook"))), attempt=3)
    assert err is not None and err.retry_after is None and str(err) == "HTTP 500; gave up after 3 attempts"


@pytest.mark.parametrize(("status", "reason"), [(400, "HTTP 400"), (404, "HTTP 404"), (410, "HTTP 410"),
                                                (301, "HTTP 301 (redirects are not followed)")])
async def test_other_4xx_and_redirects_are_dead_at_once(server: tuple[Scripted, TestServer], status: int,
                                                        reason: str) -> None:
    scripted, test_server = server
    scripted.script = [(status, {"Location": str(test_server.make_url("/elsewhere"))})]
    err = await send(connector(str(test_server.make_url("/hook"))))
    assert err is not None and err.retry_after is None and str(err) == reason
    assert len(scripted.got) == 1  # the redirect was not followed


async def test_a_timeout_is_retried(server: tuple[Scripted, TestServer]) -> None:
    scripted, test_server = server
    scripted.delay = 0.5
    err = await send(connector(str(test_server.make_url("/hook")), timeout=0.05))
    assert err is not None and err.retry_after == 10.0 and str(err) == "timeout after 0.05 s"


async def test_a_closed_port_is_retried_without_the_url_in_the_reason() -> None:
    err = await send(connector("http://127.0.0.1:9/hook?token=s3cret"))
    assert err is not None and err.retry_after == 10.0
    assert str(err).startswith("connection failed: ") and "s3cret" not in str(err)


async def test_a_disabled_or_deleted_subscription_is_a_dead_letter(server: tuple[Scripted, TestServer]) -> None:
    scripted, test_server = server
    url = str(test_server.make_url("/hook"))
    disabled, deleted = await send(connector(url, active=False)), await send(connector(url, exists=False))
    assert disabled is not None and disabled.retry_after is None and str(disabled) == "subscription W2 is disabled"
    assert deleted is not None and deleted.retry_after is None and str(deleted) == "subscription W2 was deleted"
    assert scripted.got == []


def test_retry_after_reads_seconds_and_http_dates() -> None:
    later = datetime.fromtimestamp(NOW + 120, UTC)
    assert retry_after_seconds("30", NOW) == 30.0
    assert retry_after_seconds(format_datetime(later, usegmt=True), NOW) == 120.0
    assert retry_after_seconds("soon", NOW) is None and retry_after_seconds(None, NOW) is None
