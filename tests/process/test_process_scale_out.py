"""Several `dealbot serve` processes on one PostgreSQL database: shared work queues, a dead peer, killed
database connections. (SQLite has one writer and is not a scale-out target.)"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import asyncpg
from sqlalchemy.engine import make_url

from tests.conftest import asyncpg_dsn
from tests.process.checks import assert_exactly_once
from tests.process.conftest import ServeFactory
from tests.process.harness import ServeProcess, WeComApi
from tests.process.load import Database, deliver, followups, redeliver, seed, settled, spread, wait_ready

N = 150  # callbacks per load: still mid-load when a process is killed half-way
LONG = 300  # a load that outlasts the five rounds of terminated connections (2 s); the freeze test's
# time goes to leases, not to the load, so it keeps the longer load too


async def two_processes(serve: ServeFactory, url: str) -> tuple[ServeProcess, ServeProcess]:
    first = serve("a", url).start()
    await wait_ready(first)  # the first one migrates the database; the second starts on a migrated one
    second = serve("b", url).start()
    await wait_ready(second)
    return first, second


async def test_two_processes_each_given_every_callback_process_and_answer_each_message_once(
        serve: ServeFactory, pg_process_db_url: str, wecom_api: WeComApi,
        database: Callable[[str], Database]) -> None:
    """Every callback reaches both processes at the same time (WeCom retries, two nodes behind one
    name): one follow-up per message, one answer per message. Nobody crashes here, so no reply may be
    sent twice, not even when WeCom answers so slowly that sending a claimed batch outlasts the lease."""
    a, b = await two_processes(serve, pg_process_db_url)
    db = database(pg_process_db_url)
    messages = followups(await seed(a, db), N)
    assert await deliver([a, b], messages) == {m.msg_id for m in messages}
    await assert_exactly_once(db, wecom_api, messages, 60.0, a, b, repeats_allowed=False)
    wecom_api.fake.send_delay = 0.5  # a claimed batch now takes longer to send than the 3-second lease
    slow = followups(await db.deals(), 16)
    assert await deliver([a, b], slow) == {m.msg_id for m in slow}
    await assert_exactly_once(db, wecom_api, slow, 60.0, a, b, repeats_allowed=False)  # slow WeCom phase
    a.check_alive()
    b.check_alive()


async def test_the_survivor_takes_over_the_work_a_killed_peer_had_accepted_without_a_restart(
        serve: ServeFactory, pg_process_db_url: str, wecom_api: WeComApi,
        database: Callable[[str], Database]) -> None:
    """A load balancer spreads callbacks over two processes; one is SIGKILLed half-way. WeCom retries
    what got no 200 (it reaches the survivor); what the dead one had acknowledged is stored but not
    processed, or claimed, or answered half-way: the survivor finishes all of it within a minute."""
    a, b = await two_processes(serve, pg_process_db_url)
    db = database(pg_process_db_url)
    messages = followups(await seed(a, db), N)

    def kill_a_half_way(accepted: int) -> None:
        if accepted >= N // 2 and a.alive():
            a.kill()

    accepted = await spread([a, b], messages, on_accepted=kill_a_half_way)
    assert not a.alive() and accepted["a"], "the kill did not land mid-load"
    retried = [m for m in messages if m.msg_id not in accepted["a"] | accepted["b"]]
    assert await redeliver([b], retried) == {m.msg_id for m in retried}
    await assert_exactly_once(db, wecom_api, messages, 60.0, b)
    b.check_alive()


async def terminate_backends(server_url: str, database: str, times: int, pause: float) -> int:
    """`pg_terminate_backend` every connection to `database` (but ours), `times` times; how many it killed."""
    killed = 0
    connection = await asyncpg.connect(asyncpg_dsn(server_url), timeout=10)
    try:
        for _ in range(times):
            await asyncio.sleep(pause)
            killed += len(await connection.fetch(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 "
                "AND pid <> pg_backend_pid()", database))
    finally:
        await connection.close()
    return killed


async def test_database_connections_killed_mid_batch_lose_nothing_and_double_nothing(
        serve: ServeFactory, pg_process_db_url: str, wecom_api: WeComApi,
        database: Callable[[str], Database]) -> None:
    """While one process takes a load and processes it, every connection of its database is terminated
    five times. WeCom retries what got no 200; each message is then processed and answered once."""
    server = serve("a", pg_process_db_url).start()
    await wait_ready(server)
    db = database(pg_process_db_url)
    messages = followups(await seed(server, db), LONG)
    await db.engine.dispose()  # the test's own reads reconnect afterwards
    name = make_url(pg_process_db_url).database
    assert name is not None
    load = asyncio.ensure_future(deliver([server], messages))
    killed = await terminate_backends(pg_process_db_url, name, times=5, pause=0.4)
    accepted = await load
    assert killed > 0, "no connection was terminated"
    retried = [m for m in messages if m.msg_id not in accepted]
    assert await redeliver([server], retried) == {m.msg_id for m in retried}, server.log_tail()
    await assert_exactly_once(db, wecom_api, messages, 60.0, server)
    server.check_alive()


async def test_a_stalled_process_that_resumes_after_its_lease_redoes_nothing_the_other_took_over(
        serve: ServeFactory, pg_process_db_url: str, wecom_api: WeComApi,
        database: Callable[[str], Database]) -> None:
    """The first process is frozen (SIGSTOP) half-way through a load while it holds claims and queued
    work; a second process starts, WeCom's retries reach it, and it takes the frozen one's work over once
    the leases run out. Then the frozen one resumes with its stale in-memory queue: it must change
    nothing (its claims are gone), so every message is still processed exactly once."""
    a = serve("a", pg_process_db_url).start()
    await wait_ready(a)
    db = database(pg_process_db_url)
    messages = followups(await seed(a, db), LONG)

    def freeze_half_way(accepted: int) -> None:
        if accepted >= LONG // 2 and a.alive() and not frozen:
            a.pause()
            frozen.append(True)

    frozen: list[bool] = []
    accepted = await deliver([a], messages, on_accepted=freeze_half_way, timeout=5.0, give_up=lambda: bool(frozen))
    assert frozen and len(accepted) < LONG, "the freeze did not land mid-load"
    b = serve("b", pg_process_db_url).start()
    await wait_ready(b)
    retried = [m for m in messages if m.msg_id not in accepted]
    assert await redeliver([b], retried) == {m.msg_id for m in retried}
    await db.wait_processed(messages, 60.0, b)
    a.resume()
    await settled(a, db)  # it is running again and has worked through what it had queued before
    await assert_exactly_once(db, wecom_api, messages, 60.0, a, b)
    a.check_alive()
    b.check_alive()
