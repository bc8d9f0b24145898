"""Two `serve` processes on one database: a person added through one is known to the other's next batch."""

from __future__ import annotations

from sqlalchemy import select

from bot.directory import sync_directory
from bot.errors import UnknownSender
from storage.models import OutboxRow
from storage.uow import SqlAlchemyUnitOfWork
from tests.e2e.conftest import NOW
from tests.e2e.harness import start_console


async def test_a_person_added_by_one_process_is_known_to_the_other_at_its_next_message(db_url: str) -> None:
    first = await start_console(db_url, "zhangwei", NOW, runtime={"gc_freeze": False})
    second = await start_console(db_url, "zhangwei", NOW)
    try:
        await first.app.start_runtime()  # directory read once at start
        unknown = UnknownSender(identity="console:zhaoliu").message("zh")
        assert unknown in await first.say("我的商机", as_user="zhaoliu")
        assert "商机" in await first.say("我的商机", as_user="zhangwei")
        misses = first.app.bot.directory.misses
        report = await sync_directory(second.app.uow_factory, [], [
            {"name": "赵六", "role": "rep", "team": "华东一组", "console": "zhaoliu"}])
        assert report.created == ["赵六"]
        reply = await first.say("我的商机", as_user="zhaoliu")
        assert unknown not in reply and "商机" in reply
        assert first.app.bot.directory.misses == misses + 1  # reread once, then served from the cache
        await first.say("我的商机", as_user="zhaoliu")
        assert first.app.bot.directory.misses == misses + 1
        async with first.app.uow_factory() as uow:
            assert isinstance(uow, SqlAlchemyUnitOfWork)
            stored = (await uow.session.execute(select(OutboxRow.text).where(
                OutboxRow.recipient == "zhaoliu").order_by(OutboxRow.id))).scalars().all()
        assert len(stored) == 3 and unknown in stored[0] and unknown not in stored[1] + stored[2]
    finally:
        await first.app.close()
        await second.app.close()
