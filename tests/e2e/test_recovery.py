"""After a crash: what was accepted but not processed is processed on start-up, once."""

from __future__ import annotations

from tests.e2e.harness import Console


async def test_accepted_messages_are_processed_by_process_pending_once(console: Console) -> None:
    bot = console.app.bot
    message = console.connector.message("新客户 杭州明途信息技术有限公司")
    assert await bot.accept(message)  # stored, then the process "crashed" before processing it
    assert not await bot.accept(message)  # the platform redelivers: recognised
    assert await bot.process_pending() == 1
    await console.app.dispatcher.drain()
    assert "已创建客户" in console.read()
    assert await bot.process_pending() == 0
    async with console.app.uow_factory() as uow:
        assert await uow.customers.count() == 1


async def test_a_message_that_breaks_its_handler_does_not_hold_up_the_others(console: Console) -> None:
    bot = console.app.bot
    good = console.connector.message("新客户 青岛海纳电子有限公司")
    await bot.accept(console.connector.message("报价 #1 99999999999999999999999999999万"))
    await bot.accept(good)
    assert await bot.process_pending() == 2
    await console.app.dispatcher.drain()
    out = console.read()
    assert "已创建客户" in out
    async with console.app.uow_factory() as uow:
        assert await uow.inbox.unprocessed() == []
