"""A large company's known-customer table is built in a child process and read back frame by frame: the
same matches as a build in this process, records shared between spellings, a failed child reported."""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.nlp.gazetteer import MASK, NameTable
from bot.understanding import names_build
from bot.understanding.known import KnownCustomers
from domain.customer import Customer
from domain.ports import UnitOfWork

STORED = [Customer("苏州恒瑞智能装备有限公司", short_name="恒瑞", aliases=["Hengrui"]),
          Customer("杭州明途信息技术有限公司", short_name="明途"),
          Customer("明途咨询", aliases=["恒瑞"])]  # 恒瑞 is two customers' spelling


async def _stored(uow_factory: Callable[[], UnitOfWork]) -> list[int]:
    async with uow_factory() as uow:
        ids = [(await uow.customers.add(customer)).id or 0 for customer in STORED]
        await uow.commit()
    return ids


def _refs(known: KnownCustomers, text: str) -> list[list[int | str | None]]:
    return [[k.ref for k in hit.matches] for hit in known.gazetteer.find(text)]


async def _built(known: KnownCustomers) -> None:
    known.start()
    await asyncio.wait_for(asyncio.shield(known._build), 60)  # type: ignore[arg-type]


async def test_a_table_built_in_a_child_process_finds_what_a_build_here_finds(
        db_url: str, uow_factory: Callable[[], UnitOfWork]) -> None:
    hengrui, mingtu, consult = await _stored(uow_factory)
    there = KnownCustomers(uow_factory, url=db_url, process_from=0)
    here = KnownCustomers(uow_factory)  # no url: a worker thread in this process
    await _built(there)
    await _built(here)
    for known in (there, here):
        assert known.ready and known.builds == 1
        assert _refs(known, "明天去恒瑞和明途，再联系hengrui") == [[hengrui, consult], [mingtu], [hengrui]]
        assert _refs(known, "明途咨询的报价") == [[consult]]
    assert len(there.gazetteer.base) == len(here.gazetteer.base) == 6  # distinct spellings (恒瑞 counts once)
    table = there.gazetteer.base  # one record per customer, shared by its spellings (one pickler, one memo)
    assert table.keys[hash("hengrui") & MASK]["hengrui"] is table.keys[
        hash("苏州恒瑞智能装备有限公司") & MASK]["苏州恒瑞智能装备有限公司"]


async def test_a_failed_child_is_reported_and_nothing_is_swapped_in(
        uow_factory: Callable[[], UnitOfWork], caplog: pytest.LogCaptureFixture) -> None:
    await _stored(uow_factory)
    known = KnownCustomers(uow_factory, url="sqlite+aiosqlite:////nonexistent/folder/x.db", process_from=0)
    await _built(known)
    assert not known.ready and len(known.gazetteer) == 0
    assert "the build failed" in caplog.text and "names build exited with 1" in caplog.text


async def test_frames_round_trip_a_table_with_its_highest_id(tmp_path: Path) -> None:
    table = NameTable()
    table.add_row(5, "蓝海科技", ("蓝海",))
    table.finish()
    path = tmp_path / "t.bin"
    with path.open("wb") as file:
        names_build.write(table, 5, file)
    loaded, last = await names_build.load(path)
    assert last == 5 and len(loaded) == 2
    assert [k.ref for k in loaded.get("蓝海")] == [5] and loaded.get("蓝海")[0].name == "蓝海科技"


async def test_a_table_left_by_a_killed_bot_is_deleted_by_the_next_build(
        db_url: str, uow_factory: Callable[[], UnitOfWork]) -> None:
    dead = await asyncio.create_subprocess_exec("true")
    await dead.wait()  # a pid nobody has now
    left = Path(tempfile.gettempdir()) / f"{names_build.PREFIX}{dead.pid}-x.bin"
    mine = Path(tempfile.gettempdir()) / f"{names_build.PREFIX}{os.getpid()}-y.bin"  # a live bot's: kept
    left.write_bytes(b"stale")
    mine.write_bytes(b"in use")
    try:
        await _stored(uow_factory)
        table, last = await names_build.build(db_url)
        assert len(table) == 6 and last > 0
        assert not left.exists() and mine.exists()
        assert not list(Path(tempfile.gettempdir()).glob(f"{names_build.PREFIX}{os.getpid()}-*[!y].bin"))
    finally:
        left.unlink(missing_ok=True)
        mine.unlink(missing_ok=True)
