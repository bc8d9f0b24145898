"""The per-process directory cache: one version read per batch, reread only after a change, in any process."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.directory_cache import DirectoryCache, ensure_version
from domain.people import Rep, Team
from storage.engine import make_engine, make_session_factory
from storage.uow import SqlAlchemyUnitOfWork

Factory = Callable[[], SqlAlchemyUnitOfWork]


@pytest.fixture
async def second_engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    """Another process's engine on the same database (its own connection pool)."""
    engine = make_engine(db_url)
    yield engine
    await engine.dispose()


def factory_of(engine: AsyncEngine) -> Factory:
    sessions = make_session_factory(engine)
    return lambda: SqlAlchemyUnitOfWork(sessions, worker_id="other-process")


def count_statements(engine: AsyncEngine) -> list[str]:
    seen: list[str] = []
    event.listen(engine.sync_engine, "before_cursor_execute",
                 lambda conn, cursor, stmt, *rest: seen.append(stmt))
    return seen


async def add_rep(uow_factory: Factory, name: str, wecom: str) -> int:
    async with uow_factory() as uow:
        rep = await uow.reps.add(Rep(name, identities={"wecom": wecom}))
        await uow.commit()
    assert rep.id is not None
    return rep.id


async def test_the_directory_is_read_once_then_served_from_the_cache(
        uow_factory: Factory, engine: AsyncEngine) -> None:
    rep_id = await add_rep(uow_factory, "张三", "zhangsan")
    cache = DirectoryCache()
    async with uow_factory() as uow:
        first = await cache.get(uow)
    statements = count_statements(engine)
    async with uow_factory() as uow:
        second = await cache.get(uow)
    assert second is first and (cache.hits, cache.misses) == (1, 1)
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1  # the version only
    assert second.identify("wecom", "zhangsan") is second.rep(rep_id)
    assert second.identify("wecom", "nobody") is None and second.rep(None) is None


async def test_a_change_in_one_process_is_seen_by_the_other_on_its_next_batch(
        uow_factory: Factory, second_engine: AsyncEngine) -> None:
    await add_rep(uow_factory, "张三", "zhangsan")
    other = factory_of(second_engine)
    cache = DirectoryCache()  # the other process's cache
    async with other() as uow:
        assert (await cache.get(uow)).identify("wecom", "lisi") is None
    lisi = await add_rep(uow_factory, "李四", "lisi")  # written by this process
    async with other() as uow:
        assert (directory := await cache.get(uow)).rep(lisi) is not None
    assert directory.identify("wecom", "lisi") is directory.rep(lisi) and cache.misses == 2
    async with uow_factory() as uow:  # a team change and an identity change are seen too
        team = await uow.teams.add(Team("华南组"))
        rep = await uow.reps.get(lisi)
        rep.identities, rep.team_id = {"wecom": "lisi2"}, team.id
        await uow.reps.save(rep)
        await uow.commit()
    async with other() as uow:
        directory = await cache.get(uow)
    assert directory.identify("wecom", "lisi") is None and directory.identify("wecom", "lisi2") is not None
    assert directory.team_of[lisi] == team.id and [t.name for t in directory.teams] == ["华南组"]


async def test_a_change_rolled_back_leaves_the_cache_valid(uow_factory: Factory) -> None:
    await add_rep(uow_factory, "张三", "zhangsan")
    cache = DirectoryCache()
    async with uow_factory() as uow:
        first = await cache.get(uow)
    async with uow_factory() as uow:
        await uow.reps.add(Rep("王五", identities={"wecom": "wangwu"}))
        await uow.rollback()
    async with uow_factory() as uow:
        assert await cache.get(uow) is first
    assert first.identify("wecom", "wangwu") is None


async def test_a_rep_deleted_elsewhere_disappears(uow_factory: Factory, second_engine: AsyncEngine) -> None:
    gone = await add_rep(uow_factory, "张三", "zhangsan")
    cache = DirectoryCache()
    async with uow_factory() as uow:
        assert (await cache.get(uow)).rep(gone) is not None
    async with factory_of(second_engine)() as uow:
        await uow.reps.delete(await uow.reps.get(gone))
        await uow.commit()
    async with uow_factory() as uow:
        directory = await cache.get(uow)
    assert directory.rep(gone) is None and directory.identify("wecom", "zhangsan") is None


async def test_without_a_stored_version_the_directory_is_read_every_time(uow_factory: Factory) -> None:
    cache = DirectoryCache()  # an empty database: nothing wrote reps yet, no version
    for _ in range(2):
        async with uow_factory() as uow:
            await cache.get(uow)
    assert (cache.hits, cache.misses) == (0, 2)
    await ensure_version(uow_factory)
    for _ in range(2):
        async with uow_factory() as uow:
            await cache.get(uow)
    assert (cache.hits, cache.misses) == (1, 3)


async def test_many_writes_in_one_transaction_change_the_version_once(
        uow_factory: Factory, engine: AsyncEngine) -> None:
    seen = count_statements(engine)
    async with uow_factory() as uow:
        for n in range(5):
            await uow.reps.add(Rep(f"销售{n}", identities={"wecom": f"rep{n}"}))
        async with uow.savepoint():  # a block changes the version in its own right (it may roll back)
            await uow.teams.add(Team("华南组"))
        await uow.commit()
    assert len([s for s in seen if "insert into settings" in s.lower()]) == 2
    cache = DirectoryCache()
    async with uow_factory() as uow:
        assert len((await cache.get(uow)).reps) == 5


async def test_a_change_in_a_rolled_back_block_does_not_hide_a_later_one(uow_factory: Factory) -> None:
    await add_rep(uow_factory, "张三", "zhangsan")
    cache = DirectoryCache()
    async with uow_factory() as uow:
        await cache.get(uow)
    async with uow_factory() as uow:
        with pytest.raises(RuntimeError):
            async with uow.savepoint():
                await uow.reps.add(Rep("王五", identities={"wecom": "wangwu"}))
                raise RuntimeError("the message failed")
        await uow.reps.add(Rep("赵六", identities={"wecom": "zhaoliu"}))
        await uow.commit()
    async with uow_factory() as uow:
        directory = await cache.get(uow)
    assert directory.identify("wecom", "zhaoliu") is not None and directory.identify("wecom", "wangwu") is None


async def test_a_big_directory_is_read_whole_with_every_identity(uow_factory: Factory) -> None:
    async with uow_factory() as uow:  # more rows than are mapped inline: mapped in a worker thread
        for n in range(150):
            await uow.reps.add(Rep(f"销售{n}", regions=["华东"], identities={"wecom": f"w{n}", "console": f"c{n}"}))
        await uow.commit()
    async with uow_factory() as uow:
        directory = await DirectoryCache().get(uow)
    assert len(directory.reps) == 150 and [r.name for r in directory.reps][:2] == ["销售0", "销售1"]
    assert all(directory.identify("console", f"c{n}") is directory.identify("wecom", f"w{n}") for n in range(150))
    last = directory.rep(150)
    assert last is not None and last.identities == {"wecom": "w149", "console": "c149"}
