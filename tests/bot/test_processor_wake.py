"""The processing task must not stay dead while messages wait: the inbox sweep renews their leases, so
nobody else would ever take them over. `wake` (called by every sweep) restarts it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.processing import BatchProcessor
from connectors.base import InboundMessage


def message(external_id: str) -> InboundMessage:
    return InboundMessage("wecom", external_id, "conv", "zhangwei", "跟进 #1", datetime(2026, 12, 6, tzinfo=UTC))


async def test_a_processing_task_that_died_is_restarted_by_wake_and_its_messages_are_processed() -> None:
    processed: list[str] = []
    broken = [True]

    async def handle(batch: list[InboundMessage]) -> int:
        processed.extend(m.external_id for m in batch)
        return len(batch)

    def give_way() -> bool:
        if broken.pop() if broken else False:
            raise RuntimeError("a bug outside the batch's error handling")
        return False

    processor = BatchProcessor(handle, give_way=give_way)
    future = processor.submit(message("m1"))
    await asyncio.sleep(0.05)
    assert processed == [] and not future.done() and processor.backlog == 1  # the task died holding m1
    processor.wake()
    await asyncio.wait_for(future, 10)
    assert processed == ["m1"] and processor.backlog == 0
    assert await processor.close() == []
