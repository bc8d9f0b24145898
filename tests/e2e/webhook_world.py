"""A webhook receiver for the tests (issue #16): a real aiohttp server on loopback that checks every request's
signature with README's recipe (copied below verbatim, so the documentation is proven) and answers with the
statuses a test scripts."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from sqlalchemy import select

from domain.messaging import OutboxItem
from storage.models import OutboxRow
from storage.repositories.messaging import OUTBOX
from tests.e2e.harness import Console

# --- README "Webhooks / 事件推送", verbatim (its imports are at the top; test_readme_example_is_this_one) ---
TOLERANCE = 300  # seconds


def verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """True when the request comes from dealbot and is fresh. `body`: the raw bytes, before parsing the JSON."""
    timestamp = headers.get("X-Dealbot-Timestamp", "")
    signature = headers.get("X-Dealbot-Signature", "")
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > TOLERANCE:
        return False
    expected = "v1=" + hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)
# --- end of README's example ------------------------------------------------------------------------------

SECRET = re.compile(r"whsec_[0-9a-f]{48}")


@dataclass
class Arrival:
    path: str
    headers: dict[str, str]
    body: bytes
    signed: bool
    status: int

    @property
    def event(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.body)
        return parsed


@dataclass
class Receiver:
    """Per path: the subscription's secret and the statuses to answer (the last one repeats)."""

    server: TestServer | None = None
    secrets: dict[str, str] = field(default_factory=dict)
    answers: dict[str, list[int]] = field(default_factory=dict)
    arrivals: list[Arrival] = field(default_factory=list)

    def url(self, path: str) -> str:
        assert self.server is not None
        return str(self.server.make_url(path))

    def accepted(self, path: str | None = None) -> list[dict[str, Any]]:
        """The events answered 2xx with a valid signature, in order."""
        return [a.event for a in self.arrivals if a.signed and 200 <= a.status < 300 and path in (None, a.path)]

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        signed = verify(self.secrets.get(request.path, ""), dict(request.headers), body)
        script = self.answers.setdefault(request.path, [200])
        status = (script.pop(0) if len(script) > 1 else script[0]) if signed else 401
        self.arrivals.append(Arrival(request.path, dict(request.headers), body, signed, status))
        return web.Response(status=status)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    found = Receiver()
    app = web.Application()
    app.router.add_post("/{name}", found.handle)
    found.server = TestServer(app, host="127.0.0.1")
    await found.server.start_server()
    yield found
    await found.server.close()


async def subscribe(console: Console, receiver: Receiver, path: str, events: str = "", admin: str = "admin") -> str:
    """`推送 新建 <url> [事件 …]` as an admin; the receiver learns the secret the reply shows. Returns the reply."""
    words = f" events {events}" if events else ""
    reply = await console.say(f"推送 新建 {receiver.url(path)}{words}", as_user=admin)
    found = SECRET.search(reply)
    assert found is not None, reply
    receiver.secrets[path] = found.group(0)
    return reply


async def webhook_rows(console: Console) -> list[OutboxItem]:
    """Every webhook delivery (outbox row on channel "webhook") as stored, oldest first."""
    async with console.app.uow_factory() as uow:
        session = uow.session  # type: ignore[attr-defined]
        rows = await session.scalars(select(OutboxRow).where(OutboxRow.channel == "webhook").order_by(OutboxRow.id))
        return [OUTBOX.load(row) for row in rows]


async def win_deal(console: Console, rep: str = "zhangwei") -> None:
    """C1 明途 and deal #1 (80万), moved to won at 96万 by its owner."""
    for line in ("新客户 杭州明途信息技术有限公司 区域 华东", "新商机 明途 MES 80万", "阶段 #1 方案", "阶段 #1 谈判",
                 "赢单 #1 96万"):
        await console.say(line, as_user=rep)
