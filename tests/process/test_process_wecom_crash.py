"""One `dealbot serve` process under WeCom callback load, killed (SIGKILL) or stopped (SIGTERM) mid-way."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from tests.process.checks import assert_exactly_once
from tests.process.conftest import ServeFactory
from tests.process.harness import WeComApi, wait_until
from tests.process.load import Database, deliver, followups, seed, wait_ready

N = 300


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
    assert statuses.get("sending", 0) == 0, \
        f"outbox rows left sending after SIGTERM: {dict(statuses)}\n{server.log_tail()}"
    wecom_api.fake.send_delay = 0.0
    server.start()
    await wait_ready(server)
    await assert_exactly_once(db, wecom_api, messages, 60.0, server, repeats_allowed=False)
