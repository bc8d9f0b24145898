"""KnownCustomers: built off the event loop, swapped whole, then kept current by cheap checks."""

from __future__ import annotations

import asyncio
import bisect
import gc
import itertools
import threading
import time
import weakref
from collections.abc import Iterable, Sequence
from types import TracebackType
from typing import Any, cast

import pytest

from bot.understanding import known as known_module
from bot.understanding.known import KnownCustomers
from domain.customer import Customer, CustomerNames
from domain.ports import UnitOfWork


class Feed:
    """The little of a unit of work that KnownCustomers reads, over rows in memory (fast at 200k)."""

    def __init__(self, rows: Iterable[CustomerNames] = ()) -> None:
        self.rows = sorted(rows)
        self.changes: list[tuple[int, int]] = []  # audit (entry id, customer id)
        self.gate: asyncio.Event | None = None  # when set: pages wait for it
        self.customers, self.audit = self, _Audit(self)

    def put(self, row: CustomerNames, audited: bool = True) -> None:
        at = bisect.bisect_left(self.rows, (row.id,))
        if at < len(self.rows) and self.rows[at].id == row.id:
            self.rows[at] = row
        else:
            self.rows.insert(at, row)
        if audited:
            self.changes.append((len(self.changes) + 1, row.id))

    def remove(self, customer_id: int) -> None:
        self.rows = [r for r in self.rows if r.id != customer_id]
        self.changes.append((len(self.changes) + 1, customer_id))

    def uow(self) -> UnitOfWork:
        return cast(UnitOfWork, self)

    async def __aenter__(self) -> Feed:
        return self

    async def __aexit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        return None

    async def names_after(self, after_id: int, limit: int = 1000) -> Sequence[CustomerNames]:
        if self.gate is not None:
            await self.gate.wait()
        at = bisect.bisect_right(self.rows, (after_id, "\uffff"))
        return self.rows[at : at + limit]

    async def max_id(self) -> int:
        return self.rows[-1].id if self.rows else 0

    async def many(self, ids: Iterable[int]) -> dict[int, Customer]:
        wanted = set(ids)
        return {r.id: Customer(r.name, short_name=r.short_name, aliases=list(r.aliases), id=r.id)
                for r in self.rows if r.id in wanted}


class _Audit:
    def __init__(self, feed: Feed) -> None:
        self.feed = feed

    async def max_id(self) -> int:
        return len(self.feed.changes)

    async def changes_after(self, entity: str, after_id: int, limit: int = 1000) -> Sequence[tuple[int, int]]:
        return self.feed.changes[after_id : after_id + limit]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def company(customer_id: int, name: str, short: str = "", *aliases: str) -> CustomerNames:
    return CustomerNames(customer_id, name, short, aliases)


async def started(feed: Feed, **options: Any) -> KnownCustomers:
    known = KnownCustomers(feed.uow, **options)
    known.start()
    assert known._build is not None
    await known._build
    return known


def found(known: KnownCustomers, text: str) -> list[list[str]]:
    return [[k.name for k in hit.matches] for hit in known.gazetteer.find(text)]


async def test_a_new_customer_is_known_to_the_next_message_without_a_rebuild() -> None:
    feed = Feed([company(1, "杭州明途信息技术有限公司", "明途")])
    known = await started(feed)
    feed.put(company(2, "苏州恒瑞智能装备有限公司", "恒瑞"))
    await known.names(feed.uow())
    assert found(known, "明途和恒瑞") == [["杭州明途信息技术有限公司"], ["苏州恒瑞智能装备有限公司"]]
    assert known.builds == 1


async def test_renames_and_deletions_are_read_from_the_audit_at_most_every_few_seconds() -> None:
    clock = Clock()
    feed = Feed([company(1, "杭州明途信息技术有限公司", "明途"), company(2, "苏州恒瑞智能装备有限公司", "恒瑞")])
    known = await started(feed, clock=clock, delta_every=2.0)
    await known.names(feed.uow())
    feed.put(company(1, "杭州明途信息技术有限公司", "明途", "MingTu"))
    feed.remove(2)
    await known.names(feed.uow())
    assert found(known, "MingTu, 恒瑞") == [["苏州恒瑞智能装备有限公司"]]  # not yet: checked a moment ago
    clock.now += 2.0
    await known.names(feed.uow())
    assert found(known, "MingTu, 恒瑞") == [["杭州明途信息技术有限公司"]]
    assert known.builds == 1


async def test_a_spelling_shared_after_a_change_is_ambiguous_in_id_order() -> None:
    feed = Feed([company(5, "江苏恒瑞医药股份有限公司", "恒瑞")])
    known = await started(feed)
    feed.put(company(3, "苏州恒瑞智能装备有限公司", "恒瑞智能"))  # an older customer, renamed
    feed.put(company(3, "苏州恒瑞智能装备有限公司", "恒瑞"))
    known._checked_at = float("-inf")
    await known.names(feed.uow())
    assert found(known, "恒瑞") == [["苏州恒瑞智能装备有限公司", "江苏恒瑞医药股份有限公司"]]


async def test_the_build_runs_in_a_worker_thread_while_the_event_loop_keeps_ticking(
        monkeypatch: pytest.MonkeyPatch) -> None:
    feed = Feed(company(i, f"测试{i}号智能装备有限公司", f"测{i}", f"T{i}") for i in range(1, 200_001))
    threads: set[int] = set()
    fill = known_module.fill

    def recording_fill(*args: Any) -> None:
        threads.add(threading.get_ident())
        fill(*args)

    monkeypatch.setattr(known_module, "fill", recording_fill)
    ticks: list[float] = []
    known = KnownCustomers(feed.uow)

    async def ticker() -> None:
        while True:
            ticks.append(time.perf_counter())
            await asyncio.sleep(0.005)

    ticking = asyncio.create_task(ticker())
    known.start()
    assert known._build is not None
    await known._build
    ticking.cancel()
    assert threads and threading.get_ident() not in threads
    assert len(ticks) > 10  # the loop ran during the build
    lag = max(later - earlier for earlier, later in itertools.pairwise(ticks))
    assert lag < 1.0, lag  # a correctness bound (no stall of the loop), not a speed goal
    assert found(known, "T199999 和 测42") == [["测试199999号智能装备有限公司"], ["测试42号智能装备有限公司"]]


async def test_the_old_matcher_is_released_when_a_rebuild_is_swapped_in() -> None:
    clock = Clock()
    feed = Feed([company(1, "杭州明途信息技术有限公司", "明途")])
    known = await started(feed, clock=clock, rebuild_every=60.0)
    old, old_table = weakref.ref(known.gazetteer), weakref.ref(known.gazetteer.base)
    clock.now += 61.0
    await known.names(feed.uow())  # starts the rebuild
    assert known._build is not None
    await known._build
    gc.collect()
    assert old() is None and old_table() is None and known.builds == 2


async def test_the_first_message_waits_a_bounded_time_then_is_read_without_known_names() -> None:
    feed = Feed([company(1, "杭州明途信息技术有限公司", "明途")])
    feed.gate = asyncio.Event()  # the build cannot finish
    known = KnownCustomers(feed.uow, first_wait=0.05)
    known.start()
    matcher = await known.names(feed.uow())
    assert len(matcher) == 0 and not known.ready
    feed.gate.set()
    assert known._build is not None
    await known._build
    assert found(known, "明途") == [["杭州明途信息技术有限公司"]]
    await known.close()


async def test_an_import_of_many_customers_triggers_a_rebuild_instead_of_an_overlay() -> None:
    feed = Feed([company(1, "杭州明途信息技术有限公司", "明途")])
    known = await started(feed, overlay_limit=10)
    for i in range(2, 40):
        feed.put(company(i, f"导入{i}有限公司", f"导入{i}"), audited=False)
    await known.names(feed.uow())
    assert known._build is not None
    await known._build
    assert known.builds == 2 and found(known, "导入39") == [["导入39有限公司"]]



async def test_a_customer_deleted_or_renamed_without_an_audit_entry_is_never_matched_by_a_message() -> None:
    feed = Feed([company(1, "杭州明途信息技术有限公司", "明途"), company(2, "苏州恒瑞智能装备有限公司", "恒瑞")])
    known = await started(feed)
    feed.rows = [company(1, "杭州明途科技有限公司", "明途")]  # what undo does: no audit entry
    matcher = await known.names(feed.uow(), "明途和恒瑞的人来了")
    assert [[k.name for k in hit.matches] for hit in matcher.find("明途和恒瑞")] == [["杭州明途科技有限公司"]]


class BrokenOnce(Feed):
    def __init__(self, rows: Iterable[CustomerNames]) -> None:
        super().__init__(rows)
        self.broken = True

    async def names_after(self, after_id: int, limit: int = 1000) -> Sequence[CustomerNames]:
        if self.broken:
            self.broken = False
            raise OSError("connection reset")
        return await super().names_after(after_id, limit)


async def test_a_failed_build_is_logged_and_tried_again_by_a_later_message(caplog: pytest.LogCaptureFixture) -> None:
    clock = Clock()
    feed = BrokenOnce([company(1, "杭州明途信息技术有限公司", "明途")])
    known = KnownCustomers(feed.uow, clock=clock)
    assert len(await known.names(feed.uow(), "明途")) == 0  # served without the names, not an error
    assert "the build failed" in caplog.text and not known.ready
    clock.now += 5.0
    await known.names(feed.uow(), "明途")
    assert known._build is not None
    await known._build
    assert found(known, "明途") == [["杭州明途信息技术有限公司"]]


async def test_a_batch_of_free_text_waits_for_the_first_table_before_it_opens_its_transaction() -> None:
    feed = Feed([company(1, "杭州明途信息技术有限公司", "明途")])
    feed.gate = asyncio.Event()
    known = KnownCustomers(feed.uow, first_wait=30.0)
    known.start()
    is_command = {"#12", "我的商机"}.__contains__
    await asyncio.wait_for(known_module.names_ready(known, ["#12", "我的商机"], is_command), 1.0)  # no wait
    waiting = asyncio.create_task(known_module.names_ready(known, ["#12", "拜访了明途的何总"], is_command))
    await asyncio.sleep(0.05)
    assert not waiting.done()  # free text: waits for the table (the batch has not opened its transaction)
    feed.gate.set()
    await asyncio.wait_for(waiting, 5.0)
    assert known.ready
    await asyncio.wait_for(known_module.names_ready(known, ["拜访了明途的何总"], is_command), 1.0)  # ready: no wait
    await known.close()
