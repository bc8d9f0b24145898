"""One `dealbot serve` process under WeCom callback load, killed (SIGKILL) or stopped (SIGTERM) mid-way."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from tests.process.conftest import ServeFactory
from tests.process.harness import WeComApi, wait_until
from tests.process.load import Database, Message, deliver, followups, seed, sends_per_marker, wait_ready

N = 300


async def assert_exactly_once(db: Database, api: WeComApi, messages: list[Message], timeout: float,
                              *servers: object) -> None:
    """Every message processed once (one follow-up row, inbox row done) and answered: one app message
    quoting it reached WeCom, or more only if each carried `enable_duplicate_check` (WeCom drops repeats)."""
    await db.wait_processed(messages, timeout, *servers)  # type: ignore[arg-type]
    inbox = await db.inbox()
    assert {m.msg_id for m in messages} <= set(inbox)
    assert all(inbox.values()), "an inbox row is left unprocessed"
    markers = await db.followup_markers(messages)
    doubled = {k: v for k, v in markers.items() if v > 1}
    lost = [m.marker for m in messages if markers[m.marker] == 0]
    assert not doubled, f"{len(doubled)} messages processed more than once, e.g. {list(doubled.items())[:3]}"
    assert not lost, f"{len(lost)} messages processed but left no follow-up, e.g. {lost[:3]}"

    await wait_answered(db, api, messages, timeout)
    sends = sends_per_marker(api.delivered(), messages)
    repeated = [m.marker for m in messages if sends[m.marker] > 1]
    if repeated:  # at-least-once outbox: a reply sent just before the kill may go out again
        bodies = [b for b in api.delivered() if any(mark in str(b) for mark in repeated)]
        assert all(b.get("enable_duplicate_check") == 1 for b in bodies), \
            "a reply was sent twice without WeCom's duplicate check"


async def wait_answered(db: Database, api: WeComApi, messages: list[Message], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while (answered := len(sends_per_marker(api.delivered(), messages))) < len(messages):
        if time.monotonic() > deadline:
            raise AssertionError(f"{len(messages) - answered} of {len(messages)} messages never answered after "
                                 f"{timeout} s; outbox rows by status: {dict(await db.outbox_statuses())}")
        await asyncio.sleep(0.2)


async def test_sigkill_mid_load_then_redelivery_processes_and_answers_every_message_once(
        serve: ServeFactory, process_db_url: str, wecom_api: WeComApi,
        database: Callable[[str], Database]) -> None:
    """SIGKILL under load, restart, WeCom redelivers every callback: each message processed exactly once
    and answered. The outbox is at-least-once (a send can complete at WeCom just before the kill,
    without being marked sent): such a repeat must carry `enable_duplicate_check`, so WeCom drops it."""
    server = serve("a", process_db_url).start()
    await wait_ready(server)
    db = database(process_db_url)
    messages = followups(await seed(server, db), N)

    def kill_half_way(accepted: int) -> None:
        if accepted >= N // 2:
            server.kill()

    first = await deliver([server], messages, on_accepted=kill_half_way)
    assert N // 2 <= len(first) < N, f"the kill did not land mid-load ({len(first)} of {N} acknowledged)"
    server.start()
    await wait_ready(server)
    again = await deliver([server], messages)  # WeCom redelivers: every callback again
    assert again == {m.msg_id for m in messages}
    await assert_exactly_once(db, wecom_api, messages, 90.0, server)


async def test_sigterm_mid_send_leaves_nothing_claimed_as_sending(
        serve: ServeFactory, process_db_url: str, wecom_api: WeComApi,
        database: Callable[[str], Database]) -> None:
    """Replies are in flight at a slow WeCom when SIGTERM arrives: the graceful stop finishes or releases
    them, so no outbox row stays `sending`; after a restart every reply is delivered."""
    server = serve("a", process_db_url).start()
    await wait_ready(server)
    db = database(process_db_url)
    messages = followups(await seed(server, db), 20)
    wecom_api.fake.send_delay = 1.0
    assert await deliver([server], messages) == {m.msg_id for m in messages}
    wait_until(lambda: wecom_api.in_flight() > 0, 30, "a send in flight at WeCom")
    code = await asyncio.to_thread(server.terminate, 40.0)
    assert code == 0, server.log_tail()
    statuses = await db.outbox_statuses()
    assert statuses.get("sending", 0) == 0, f"outbox rows left sending after SIGTERM: {dict(statuses)}"
    wecom_api.fake.send_delay = 0.0
    server.start()
    await wait_ready(server)
    await assert_exactly_once(db, wecom_api, messages, 60.0, server)
