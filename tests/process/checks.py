"""The exactly-once assertions shared by the process tests: rows in the database, sends at the fake WeCom."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence

from tests.process.harness import ServeProcess, WeComApi
from tests.process.load import Database, Message, sends_per_marker


async def assert_exactly_once(db: Database, api: WeComApi, messages: Sequence[Message], timeout: float,
                              *servers: ServeProcess, repeats_allowed: bool = True) -> None:
    """Every message processed once (inbox row done, exactly one follow-up row quoting its marker) and
    answered (an app message quoting the marker reached WeCom).

    The outbox is at least once: after a kill or a lost connection, a send that completed at WeCom but
    was not yet marked sent goes out again. With `repeats_allowed` such a repeat is accepted only if
    every copy carried `enable_duplicate_check` (WeCom then drops it); without, one send per message."""
    await assert_exactly_once_rows(db, messages, timeout, *servers)
    await wait_answered(db, api, messages, timeout)
    sends = sends_per_marker(api.delivered(), messages)
    repeated = [m.marker for m in messages if sends[m.marker] > 1]
    assert repeats_allowed or not repeated, \
        f"{len(repeated)} replies sent more than once without any crash, e.g. {repeated[:3]}"
    copies = [b for b in api.delivered() if any(mark in str(b) for mark in repeated)]
    assert all(b.get("enable_duplicate_check") == 1 for b in copies), \
        "a reply was sent twice without WeCom's duplicate check"


async def assert_exactly_once_rows(db: Database, messages: Sequence[Message], timeout: float,
                                   *servers: ServeProcess, channel: str = "wecom") -> None:
    """Every message processed once: its inbox row done and exactly one follow-up row quoting its marker."""
    await db.wait_processed(messages, timeout, *servers, channel=channel)
    inbox = await db.inbox(channel)
    assert {m.msg_id for m in messages} <= set(inbox)
    waiting = [external_id for external_id, done in inbox.items() if not done]
    assert not waiting, f"inbox rows left unprocessed: {waiting[:5]}; states {await db.inbox_states()}"
    markers = await db.followup_markers(messages)
    doubled = {k: v for k, v in markers.items() if v > 1}
    lost = [m.marker for m in messages if markers[m.marker] == 0]
    assert not doubled, f"{len(doubled)} messages processed more than once, e.g. {list(doubled.items())[:3]}"
    assert not lost, f"{len(lost)} messages processed but left no follow-up, e.g. {lost[:3]}; " \
        f"what they got: {await db.traces(lost[:3], messages)}"


async def wait_answered(db: Database, api: WeComApi, messages: Sequence[Message], timeout: float) -> None:
    """Until every message's reply reached WeCom (bounded; fails with the outbox's state)."""
    deadline = time.monotonic() + timeout
    while (answered := len(sends_per_marker(api.delivered(), messages))) < len(messages):
        if time.monotonic() > deadline:
            raise AssertionError(f"{len(messages) - answered} of {len(messages)} messages never answered after "
                                 f"{timeout} s; outbox rows by status: {dict(await db.outbox_statuses())}")
        await asyncio.sleep(0.2)
