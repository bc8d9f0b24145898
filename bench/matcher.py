"""Known-customer matching at 10k / 100k / 500k customers: the dict gazetteer against the old regex.

    .venv/bin/python bench/matcher.py [--sizes 10000,100000,500000] [--old-max 100000] [--messages 500]

Per size, in one process: build time and per-message lookup time of the new gazetteer and of the old
single-regex one (the reference kept in tests/nlp/test_gazetteer_matcher.py; built only up to
--old-max, it takes about a minute at 500k), their ratio, and that both find the same hits. Then, at
the largest size, the worst event-loop stall (a 5 ms ticker) while the names are built: in a worker
thread the way KnownCustomers does it (pages of 500, `fill` in asyncio.to_thread), in a process
(ProcessPoolExecutor, the table sent back pickled), and on the loop itself (what the old code did).
RSS is read from /proc before and after each build.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import random
import sys
import time
import weakref
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.nlp.gazetteer import Gazetteer, KnownName, NameTable  # noqa: E402
from bot.nlp.text import fold  # noqa: E402
from bot.understanding.known import fill, known_name  # noqa: E402
from domain.customer import CustomerNames  # noqa: E402
from tests.nlp.test_gazetteer_matcher import RegexGazetteer  # noqa: E402

CITIES = ["苏州", "杭州", "深圳", "成都", "南京", "武汉", "青岛", "天津", "西安", "合肥", "上海", "北京"]
TRADES = ["智能装备", "信息技术", "电子", "软件", "数据科技", "物流", "精密制造", "医疗器械", "新能源", "化工"]
FORMS = ["有限公司", "股份有限公司", "集团有限公司", "科技有限公司"]
SYLLABLES = "恒瑞明途海纳星城云帆天府秦川宇通长盈汇川科达正泰华信博远中联新創嘉禾鼎盛瀚海金桥东方远航立讯德赛"
EN_WORDS = ["Ini", "trode", "Con", "toso", "Glo", "bex", "Um", "brella", "Ac", "me", "Hoo", "li", "Vel", "ox"]
PAGE = 500


def rows(count: int, seed: int = 7) -> list[CustomerNames]:
    rng = random.Random(seed)
    made = []
    for customer_id in range(1, count + 1):
        if rng.random() < 0.1:
            brand = "".join(rng.choice(EN_WORDS) for _ in range(rng.randint(2, 3)))
            made.append(CustomerNames(customer_id, f"{brand} {rng.choice(['Ltd', 'Inc', 'Systems Ltd'])}",
                                      brand, ()))
            continue
        brand = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        name = rng.choice(CITIES) + brand + rng.choice(TRADES) + rng.choice(FORMS)
        aliases = (brand + rng.choice(TRADES),) if rng.random() < 0.3 else ()
        made.append(CustomerNames(customer_id, name, brand, aliases))
    return made


def messages(names: Sequence[KnownName], count: int, seed: int = 8) -> list[str]:
    rng = random.Random(seed)
    templates = ["今天去拜访了{}的周总，预算大概80万，下周三上午10点带方案过去",
                 "{}回电话了，方案基本认可，12月8日前给报价",
                 "Met {} today, budget around $90k, follow up next Thursday", "下午和{}通了电话，明天上午9点发方案",
                 "提醒我明天下午3点给王总打电话", "#{} 报价调整为36.8万元，含两年维保"]
    made = []
    for _ in range(count):
        known = rng.choice(names)
        made.append(fold(rng.choice(templates).format(rng.choice(known.spellings))))
    return made


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096 / 2**20


def timed(build: Callable[[], Any]) -> tuple[Any, float, float]:
    gc.collect()
    before = rss_mb()
    started = time.perf_counter()
    built = build()
    return built, time.perf_counter() - started, rss_mb() - before


def packed(data: list[CustomerNames]) -> Gazetteer:
    """As KnownCustomers builds it (in pages, in a worker thread there)."""
    table = NameTable()
    for start in range(0, len(data), PAGE):
        fill(table, data[start : start + PAGE])
    table.finish()
    return Gazetteer(base=table)


def per_message(find: Callable[[str], Any], texts: list[str]) -> float:
    started = time.perf_counter()
    for text in texts:
        find(text)
    return (time.perf_counter() - started) / len(texts)


def compare(size: int, texts_count: int, old_max: int) -> None:
    data = rows(size)
    known = [known_name(row) for row in data]
    texts = messages(known, texts_count)
    new, new_build, new_mb = timed(lambda: packed(data))
    new_find = per_message(new.find, texts)
    line = (f"| {size:,} | {new_build:.2f} s | {new_mb:.0f} MB | {new_find * 1e6:.0f} µs |")
    if size <= old_max:
        old, old_build, old_mb = timed(lambda: RegexGazetteer(known))
        old_find = per_message(old.find, texts)
        same = all([(h.start, h.end, h.matches) for h in new.find(t)] ==
                   [(h.start, h.end, h.matches) for h in old.find(t)] for t in texts)
        line += (f" {old_build:.2f} s | {old_mb:.0f} MB | {old_find * 1e6:.0f} µs | "
                 f"{old_build / new_build:.0f}× | {old_find / new_find:.0f}× | {'yes' if same else 'NO'} |")
        del old
    else:
        line += " (not built) | | | | | |"
    print(line, flush=True)
    del new
    gc.collect()


async def stall_during(build: Callable[[], Any]) -> tuple[float, float]:
    """(worst gap between 5 ms ticks, build seconds) while `build()` (a coroutine function) runs."""
    ticks: list[float] = []

    async def ticker() -> None:
        while True:
            ticks.append(time.perf_counter())
            await asyncio.sleep(0.005)

    gc.collect()  # the bench's own 500,000 source rows: not the build's cost
    task = asyncio.create_task(ticker())
    await asyncio.sleep(0.02)
    started = time.perf_counter()
    await build()
    took = time.perf_counter() - started
    await asyncio.sleep(0.02)
    task.cancel()
    return max(b - a for a, b in itertools.pairwise(ticks)), took


def burn(seconds: float) -> None:
    end, total = time.perf_counter() + seconds, 0
    while time.perf_counter() < end:
        for number in range(1000):
            total += number


def table_in_process(data: list[tuple[int, str, str, tuple[str, ...]]]) -> NameTable:
    table = NameTable()
    fill(table, [CustomerNames(*row) for row in data])
    table.finish()
    return table


async def stalls(size: int) -> None:
    data = [(r.id, r.name, r.short_name, r.aliases) for r in rows(size)]  # plain tuples: pages come and go

    def page(start: int) -> list[CustomerNames]:
        return [CustomerNames(*row) for row in data[start : start + PAGE]]

    async def in_thread() -> None:
        table = NameTable()
        for start in range(0, len(data), PAGE):
            await asyncio.sleep(0)  # where the next page is read from the database
            await asyncio.to_thread(fill, table, page(start))
        await asyncio.to_thread(table.finish)

    async def in_process() -> None:
        with ProcessPoolExecutor(1) as pool:
            await asyncio.get_running_loop().run_in_executor(pool, table_in_process, data)

    async def on_loop() -> None:
        table = NameTable()
        for start in range(0, len(data), PAGE):
            fill(table, page(start))
        table.finish()

    async def idle() -> None:  # the machine's own noise: the loop does nothing but tick for 5 s
        await asyncio.sleep(5.0)

    async def busy_thread() -> None:  # any pure-Python work in a thread for 5 s: the GIL's own cost
        for _ in range(50):
            await asyncio.to_thread(burn, 0.1)

    for label, build in (("nothing (baseline: other processes on the machine)", idle),
                         ("plain Python loop in a thread, 5 s (reference)", busy_thread),
                         ("worker thread, pages of 500", in_thread), ("process, table pickled back", in_process),
                         ("on the event loop (old way)", on_loop)):
        stall, took = await stall_during(build)
        print(f"| {label} | {size:,} | {took:.2f} s | {stall * 1000:.0f} ms |", flush=True)
        gc.collect()


def swap_memory(size: int) -> None:
    """RSS with one table, while a second is built, and after the first is dropped (the swap)."""
    data = rows(size)
    gc.collect()
    start = rss_mb()
    first = packed(data)
    one = rss_mb() - start
    second = packed(data)
    both = rss_mb() - start
    old = weakref.ref(first.base)
    del first
    gc.collect()
    print(f"\nRSS at {size:,} customers: one table +{one:.0f} MB, two during a rebuild +{both:.0f} MB, after the "
          f"swap +{rss_mb() - start:.0f} MB; old table freed: {old() is None}; {len(second.base):,} spellings")


def main() -> None:
    options = argparse.ArgumentParser()
    options.add_argument("--sizes", default="10000,100000,500000")
    options.add_argument("--old-max", type=int, default=100_000)
    options.add_argument("--messages", type=int, default=500)
    args = options.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print("| customers | new build | new RSS | new per message | old build | old RSS | old per message "
          "| build ratio | lookup ratio | same hits |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for size in sizes:
        compare(size, args.messages, args.old_max)
    print("\n| build | customers | took | worst loop stall |")
    print("|---|---|---|---|")
    asyncio.run(stalls(max(sizes)))
    swap_memory(max(sizes))


if __name__ == "__main__":
    main()
