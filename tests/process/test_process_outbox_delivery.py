"""Two `dealbot serve` processes on one PostgreSQL share 400 due outbox items: each reaches its
recipient exactly once, also when one process is SIGKILLed in the middle of dispatching.

Exactly once as the recipient sees it: the claim (FOR UPDATE SKIP LOCKED, a lease renewed while sending)
gives each item to one process, so without a crash each is sent once. A kill between WeCom's answer and
the "sent" mark makes the survivor send that item again after the lease: the WeCom connector asks WeCom to
drop such a repeat (`enable_duplicate_check`), and the fake WeCom applies that rule (`shown`), as WeCom does.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from domain.messaging import OutboxItem
from storage.engine import make_session_factory
from storage.uow import SqlAlchemyUnitOfWork
from tests.process.conftest import ServeFactory
from tests.process.harness import ServeProcess, WeComApi
from tests.process.load import Database, wait_ready

ITEMS = 400
RECIPIENTS = [f"member{i:03d}" for i in range(100)]  # 4 each: under WeCom's 30 per member per minute


async def queue_items(db: Database, count: int) -> list[str]:
    """`count` due outbox items, round-robin over the recipients, each text carrying a unique marker."""
    run = secrets.token_hex(3)
    markers = [f"投递{run}{i:04d}" for i in range(count)]
    now = datetime.now(UTC)
    items = [OutboxItem("wecom", RECIPIENTS[i % len(RECIPIENTS)], f"第 {i} 条 {marker}", created_at=now)
             for i, marker in enumerate(markers)]
    async with SqlAlchemyUnitOfWork(make_session_factory(db.engine)) as uow:
        await uow.outbox.add_many(items)
        await uow.commit()
    return markers


def per_marker(bodies: list[dict[str, Any]], markers: list[str]) -> Counter[str]:
    wanted = set(markers)
    counts: Counter[str] = Counter()
    for body in bodies:
        content = str(body.get(str(body.get("msgtype")), {}).get("content", ""))
        counts.update(word for word in content.split() if word in wanted)
    return counts


async def wait_all_sent(db: Database, api: WeComApi, markers: list[str], timeout: float,
                        *servers: ServeProcess) -> None:
    deadline = time.monotonic() + timeout
    while True:
        statuses = await db.outbox_statuses()
        if statuses.get("sent", 0) == len(markers) and len(per_marker(api.delivered(), markers)) == len(markers):
            return
        if time.monotonic() > deadline:
            logs = "\n".join(s.log_tail(1500) for s in servers)
            raise AssertionError(f"not all sent after {timeout} s: outbox {dict(statuses)}, "
                                 f"{len(per_marker(api.delivered(), markers))} reached WeCom\n{logs}")
        await asyncio.sleep(0.2)


async def start_two(serve: ServeFactory, url: str) -> tuple[ServeProcess, ServeProcess]:
    a = serve("a", url).start()
    await wait_ready(a)  # the first migrates the database
    b = serve("b", url).start()
    await wait_ready(b)
    return a, b


async def workers_that_sent(db: Database) -> Counter[str]:
    rows = await db.rows("SELECT claimed_by, count(*) FROM outbox WHERE status = 'sent' GROUP BY claimed_by")
    return Counter({str(row[0]): int(row[1]) for row in rows})


async def test_two_dispatchers_deliver_hundreds_of_due_items_exactly_once_between_them(
        serve: ServeFactory, pg_process_db_url: str, wecom_api: WeComApi,
        database: Callable[[str], Database]) -> None:
    a, b = await start_two(serve, pg_process_db_url)
    db = database(pg_process_db_url)
    markers = await queue_items(db, ITEMS)
    await wait_all_sent(db, wecom_api, markers, 120.0, a, b)
    raw = per_marker(wecom_api.delivered(), markers)
    assert set(raw) == set(markers) and set(raw.values()) == {1}, "no crash: every item sent exactly once"
    assert len(await workers_that_sent(db)) == 2, "both processes took a share"
    a.check_alive()
    b.check_alive()


async def test_a_dispatcher_killed_mid_dispatch_loses_nothing_and_its_peer_shows_nothing_twice(
        serve: ServeFactory, pg_process_db_url: str, wecom_api: WeComApi,
        database: Callable[[str], Database]) -> None:
    a, b = await start_two(serve, pg_process_db_url)
    db = database(pg_process_db_url)
    wecom_api.fake.send_delay = 0.01  # keep sends in flight when the kill lands
    markers = await queue_items(db, ITEMS)
    deadline = time.monotonic() + 60
    while len(per_marker(wecom_api.delivered(), markers)) < ITEMS // 3:
        assert time.monotonic() < deadline, "dispatching never got a third of the way"
        await asyncio.sleep(0.01)
    a.kill()
    assert len(per_marker(wecom_api.delivered(), markers)) < ITEMS, "the kill did not land mid-dispatch"
    await wait_all_sent(db, wecom_api, markers, 120.0, b)
    shown = per_marker(wecom_api.fake.shown(), markers)
    assert set(shown) == set(markers) and set(shown.values()) == {1}, "each item shown to its recipient once"
    raw = per_marker(wecom_api.delivered(), markers)
    repeated = {m for m, n in raw.items() if n > 1}
    assert all(n <= 2 for n in raw.values())
    copies = [body for body in wecom_api.delivered() if any(m in str(body) for m in repeated)]
    assert all(body.get("enable_duplicate_check") == 1 for body in copies)
    b.check_alive()
