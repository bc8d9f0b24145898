"""WeCom callback load against serve processes, and what the database holds afterwards.

Each load message is a follow-up on the sending rep's deal carrying a unique marker
(`跟进 #3 电话沟通 标记<run>0042`): processing it once creates exactly one follow-up row with that
marker and one reply card quoting it, so rows and sends can be counted per message.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.engine import make_engine
from tests.process.harness import REPS, ServeProcess
from tests.wecom import wecom_crypto_ref as ref
from tests.wecom.wecom_support import AES_KEY, AGENT_ID, CORP_ID, TOKEN

PATH = "/wecom/callback"
TIMEOUT = aiohttp.ClientTimeout(total=15)


@dataclass(frozen=True, slots=True)
class Message:
    msg_id: str
    user: str
    text: str
    marker: str


def sealed(msg: Message | None, user: str = "rep0") -> tuple[dict[str, str], bytes]:
    """An encrypted, signed callback as WeCom posts it (fresh timestamp: redeliveries are re-signed).
    `None` is an `enter_agent` event: stored as an event, never answered (a readiness probe)."""
    now = int(time.time())
    if msg is None:
        inner = ref.event_xml(corp_id=CORP_ID, user=user, event="enter_agent", create_time=now, agent_id=AGENT_ID)
    else:
        inner = ref.text_xml(corp_id=CORP_ID, user=msg.user, content=msg.text, msg_id=msg.msg_id,
                             create_time=now, agent_id=AGENT_ID)
    encrypted = ref.encrypt(AES_KEY, inner, CORP_ID)
    nonce = secrets.token_hex(6)
    query = {"msg_signature": ref.sign(TOKEN, str(now), nonce, encrypted), "timestamp": str(now), "nonce": nonce}
    return query, ref.envelope(encrypted, CORP_ID, AGENT_ID)


def followups(deals: dict[str, int], count: int) -> list[Message]:
    """`count` follow-up messages, round-robin over the reps, each on the rep's own deal."""
    run = secrets.token_hex(3)
    base = 7_300_000_000_000_000_000 + secrets.randbelow(10**15) * 1000
    out = []
    for i in range(count):
        user = REPS[i % len(REPS)]
        marker = f"标记{run}{i:04d}"
        out.append(Message(str(base + i), user, f"跟进 #{deals[user]} 电话沟通 {marker}", marker))
    return out


async def deliver(servers: Sequence[ServeProcess], messages: Iterable[Message], concurrency: int = 8,
                  on_accepted: Callable[[int], None] | None = None, timeout: float = 15.0,
                  give_up: Callable[[], bool] = lambda: False) -> set[str]:
    """Post every message to each of `servers` at once (WeCom's retries reaching every process);
    returns the MsgIds some server acknowledged with 200. `on_accepted(n)` runs after each
    acknowledgement (to kill a process mid-load); a request gets no answer after `timeout` seconds
    (WeCom itself waits 5); once `give_up()` is true no further message is posted."""
    queue = list(messages)
    accepted: set[str] = set()
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as http:
        async def worker(offset: int) -> None:
            for msg in queue[offset::concurrency]:
                if give_up():
                    return
                results = await asyncio.gather(*(post_one(http, server, msg) for server in servers))
                if any(results):
                    accepted.add(msg.msg_id)
                    if on_accepted is not None:
                        on_accepted(len(accepted))

        await asyncio.gather(*(worker(i) for i in range(concurrency)))
    return accepted


async def redeliver(servers: Sequence[ServeProcess], messages: Sequence[Message], rounds: int = 4) -> set[str]:
    """WeCom's retries: deliver what got no 200 again, a few rounds a second apart; returns what was
    acknowledged in the end."""
    accepted: set[str] = set()
    for attempt in range(rounds):
        left = [m for m in messages if m.msg_id not in accepted]
        if not left:
            break
        if attempt:
            await asyncio.sleep(1.0)
        accepted |= await deliver(servers, left)
    return accepted


async def spread(servers: Sequence[ServeProcess], messages: Sequence[Message], concurrency: int = 8,
                 on_accepted: Callable[[int], None] | None = None) -> dict[str, set[str]]:
    """A load balancer: message i goes to server i % len(servers) only. Returns, per server name,
    the MsgIds it acknowledged."""
    accepted: dict[str, set[str]] = {server.name: set() for server in servers}
    async with aiohttp.ClientSession(timeout=TIMEOUT) as http:
        async def worker(offset: int) -> None:
            for i in range(offset, len(messages), concurrency):
                server = servers[i % len(servers)]
                if await post_one(http, server, messages[i]):
                    accepted[server.name].add(messages[i].msg_id)
                    if on_accepted is not None:
                        on_accepted(sum(len(ids) for ids in accepted.values()))

        await asyncio.gather(*(worker(i) for i in range(concurrency)))
    return accepted


async def post_one(http: aiohttp.ClientSession, server: ServeProcess, msg: Message) -> bool:
    query, body = sealed(msg)
    try:
        async with http.post(server.base_url + PATH, params=query, data=body) as resp:
            await resp.read()
            return resp.status == 200
    except (TimeoutError, aiohttp.ClientError, ConnectionError):
        return False


async def wait_ready(server: ServeProcess, timeout: float = 90.0) -> None:
    """Until the callback answers 200: a probe event (no reply, no business rows) is accepted."""
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as http:
        while True:
            server.check_alive()
            query, body = sealed(None)
            try:
                async with http.post(server.base_url + PATH, params=query, data=body) as resp:
                    if resp.status == 200:
                        return
            except (TimeoutError, aiohttp.ClientError, ConnectionError):
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"{server.name} not ready within {timeout} s:\n{server.log_tail()}")
            await asyncio.sleep(0.2)


def _is_event(payload: Any) -> bool:
    if isinstance(payload, str):  # a raw JSON column read through text()
        payload = json.loads(payload)
    extra = payload.get("extra", {}) if isinstance(payload, dict) else {}
    return isinstance(extra, dict) and extra.get("msgtype") == "event"


async def settled(server: ServeProcess, db: Database, timeout: float = 60.0) -> None:
    """Until `server` has processed a marker event posted now: it is alive and has worked through
    everything it had queued before (its processing queue is first in, first out)."""
    user = f"probe{secrets.token_hex(4)}"
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as http:
        while not await post_event(http, server, user):
            server.check_alive()
            if time.monotonic() > deadline:
                raise AssertionError(f"{server.name} does not acknowledge callbacks:\n{server.log_tail()}")
            await asyncio.sleep(0.2)
    while not any(done for key, done in (await db.events()).items() if key.startswith(f"event:{user}:")):
        if time.monotonic() > deadline:
            raise AssertionError(f"{server.name} never processed its marker event:\n{server.log_tail()}")
        await asyncio.sleep(0.1)


async def post_event(http: aiohttp.ClientSession, server: ServeProcess, user: str) -> bool:
    query, body = sealed(None, user)
    try:
        async with http.post(server.base_url + PATH, params=query, data=body) as resp:
            await resp.read()
            return resp.status == 200
    except (TimeoutError, aiohttp.ClientError, ConnectionError):
        return False


class Database:
    """Reads what the serve processes stored (its own engine, from the test process)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine: AsyncEngine = make_engine(url)

    async def rows(self, sql: str, **params: Any) -> list[Any]:
        async with self.engine.connect() as conn:
            return list((await conn.execute(text(sql), params)).all())

    async def inbox(self, channel: str = "wecom") -> dict[str, bool]:
        """external_id -> processed, for every inbox row of `channel` that is not a platform event."""
        found = await self.rows("SELECT external_id, processed_at, payload FROM inbox WHERE channel = :c",
                                c=channel)
        return {row[0]: row[1] is not None for row in found if not _is_event(row[2])}

    async def events(self) -> dict[str, bool]:
        """external_id -> processed, for the platform events (readiness and marker probes)."""
        found = await self.rows("SELECT external_id, processed_at, payload FROM inbox WHERE channel = 'wecom'")
        return {row[0]: row[1] is not None for row in found if _is_event(row[2])}

    async def followup_markers(self, messages: Sequence[Message]) -> Counter[str]:
        notes = [row[0] for row in await self.rows("SELECT note FROM followups")]
        wanted = {m.marker for m in messages}
        return Counter(word for note in notes for word in note.split() if word in wanted)

    async def outbox_statuses(self) -> Counter[str]:
        return Counter({row[0]: int(row[1]) for row in
                        await self.rows("SELECT status, count(*) FROM outbox GROUP BY status")})

    async def inbox_states(self) -> dict[str, int]:
        """Inbox rows per queue state (pending, claimed, done, dead), for failure messages; {} without states."""
        try:
            return {str(row[0]): int(row[1]) for row in
                    await self.rows("SELECT state, count(*) FROM inbox GROUP BY state")}
        except Exception:  # a schema without the work-queue columns
            return {}

    async def stuck(self, external_ids: Sequence[str]) -> str:
        """For a failure message: who holds the unprocessed rows, and (PostgreSQL) the sessions left idle
        inside a transaction (a stalled process holding row locks)."""
        found = await self.rows("SELECT external_id, state, claimed_by, lease_until, attempts FROM inbox "
                                "WHERE processed_at IS NULL")
        lines = [str(tuple(row)) for row in found if row[0] in set(external_ids)][:8]
        if self.engine.dialect.name == "postgresql":
            lines += [f"idle in transaction: pid {row[0]} since {row[1]}: {row[2]}" for row in await self.rows(
                "SELECT pid, state_change, left(query, 120) FROM pg_stat_activity "
                "WHERE datname = current_database() AND state LIKE 'idle in transaction%'")]
        return "\n".join(lines)

    async def traces(self, markers: Sequence[str], messages: Sequence[Message]) -> list[Any]:
        """For a failure message: the inbox rows and the queued replies of these markers' messages."""
        wanted = [m for m in messages if m.marker in markers]
        inbox = [tuple(row) for row in await self.rows(
            "SELECT external_id, state, claimed_by, attempts, last_error, text FROM inbox")
            if row[0] in {m.msg_id for m in wanted}]
        found = await self.rows("SELECT recipient, text FROM outbox")
        users = {m.user for m in wanted}
        odd = [f"{row[0]}: {row[1][:200]}" for row in found if row[0] in users  # their replies quoting no marker
               and not any(m.marker in row[1] for m in messages) and "已创建" not in row[1]]
        return inbox + [row[1][:300] for row in found if any(m.marker in row[1] for m in wanted)] + odd[:5]

    async def deals(self) -> dict[str, int]:
        """rep's WeCom id -> the id of the deal `seed` opened for them (named 项目<rep>)."""
        found = await self.rows("SELECT id, name FROM opportunities")
        return {name.removeprefix("项目"): int(deal_id) for deal_id, name in found}

    async def wait_processed(self, messages: Sequence[Message], timeout: float, *servers: ServeProcess,
                             channel: str = "wecom") -> None:
        """Until each message has an inbox row marked processed (bounded; fails naming what is missing)."""
        deadline = time.monotonic() + timeout
        ids = {m.msg_id for m in messages}
        while True:
            inbox = await self.inbox(channel)
            missing = [i for i in ids if not inbox.get(i)]
            if not missing:
                return
            if time.monotonic() > deadline:
                stored = sum(1 for i in missing if i in inbox)
                logs = "\n".join(s.log_tail(1500) for s in servers)
                raise AssertionError(f"{len(missing)} of {len(ids)} messages not processed after {timeout} s "
                                     f"({stored} of them stored in the inbox but never processed, "
                                     f"{len(missing) - stored} never stored; inbox states "
                                     f"{await self.inbox_states()})\n{await self.stuck(missing)}\n{logs}")
            await asyncio.sleep(0.2)

    async def close(self) -> None:
        await self.engine.dispose()


def sends_per_marker(bodies: Sequence[dict[str, Any]], messages: Sequence[Message]) -> Counter[str]:
    """How many accepted app messages quote each marker (the follow-up card echoes the note)."""
    wanted = {m.marker for m in messages}
    counts: Counter[str] = Counter()
    for body in bodies:
        content = str(body.get(body.get("msgtype", ""), {}).get("content", ""))
        counts.update(marker for marker in wanted if marker in content)
    return counts


async def seed(server: ServeProcess, db: Database, timeout: float = 60.0) -> dict[str, int]:
    """Each rep opens a customer and a deal (项目<rep>) through WeCom; returns rep -> deal id."""
    for template in ("新客户 公司{r}有限公司", "新商机 公司{r} 项目{r} 50万"):
        batch = [Message(str(7_100_000_000_000_000_000 + secrets.randbelow(10**18)), rep,
                         template.format(r=rep), "") for rep in REPS]
        accepted = await deliver([server], batch)
        assert accepted == {m.msg_id for m in batch}, f"seed messages refused:\n{server.log_tail()}"
        await db.wait_processed(batch, timeout, server)
    deals = await db.deals()
    assert set(deals) == set(REPS), f"seeding opened {deals}:\n{server.log_tail()}"
    return deals
