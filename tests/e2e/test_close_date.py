"""`预计签约 #N DATE` end to end on SQLite and PostgreSQL (issue #13): the expected close date is stored; moving it
later stores a slip the win model reads (as of when it happened); undo takes the slip back with the date;
bad input changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import cast

from domain.opportunity import CloseDateMove
from domain.win_features import features
from domain.win_ports import WinUnitOfWork
from domain.win_snapshot import facts_at
from tests.e2e.conftest import NOW, SHANGHAI
from tests.e2e.harness import Console


async def state(console: Console) -> tuple[datetime | None, list[CloseDateMove]]:
    async with console.app.uow_factory() as uow:
        deal = await uow.opportunities.get(1)
        return deal.expected_close, list(await uow.close_moves.for_opportunity(1))


async def test_a_later_close_date_is_a_slip_the_model_reads(console_with_deal: Console) -> None:
    console = console_with_deal
    out = await console.say("预计签约 #1 2026-12-15")
    assert "已更新 #1 MES 的预计签约日期：2026年12月15日" in out and "推迟" not in out
    first, moves = await state(console)
    assert first == datetime(2026, 12, 15, tzinfo=SHANGHAI) and moves == []
    console.clock.now += timedelta(days=2)
    assert "（比原来推迟了 31 天）" in await console.say("预计签约 #1 2027-01-15")
    later, moves = await state(console)
    assert len(moves) == 1 and (moves[0].before, moves[0].after, moves[0].at) == (first, later, console.clock.now)
    assert "已经是" in await console.say("close date #1 2027-01-15")  # same day: nothing changed
    async with cast(Callable[[], WinUnitOfWork], console.app.uow_factory)() as uow:
        [record] = await uow.wins.records([1])
    assert list(record.close_moves) == [moves[0].at]
    at_slip = facts_at(record, console.clock.now)
    before_slip = facts_at(record, console.clock.now - timedelta(hours=1))
    assert at_slip is not None and before_slip is not None
    assert (features(at_slip)["slips"], features(before_slip)["slips"]) == ("slipped", "none")


async def test_undo_takes_the_slip_back_and_bad_input_changes_nothing(console_with_deal: Console) -> None:
    console = console_with_deal
    await console.say("预计签约 #1 2026-12-15")
    await console.say("预计签约 #1 2026-12-31")
    assert len((await state(console))[1]) == 1
    assert "已撤销" in await console.say("撤销")
    restored, moves = await state(console)
    assert moves == [] and restored == datetime(2026, 12, 15, tzinfo=SHANGHAI)
    for text, said in (("预计签约 #1 2026-11-01", "已经过去"), ("预计签约 #1", "日期"),
                       ("预计签约 #1 2026-12-20 明天", "多余的内容"), ("预计签约 #99 2026-12-20", "找不到商机 #99")):
        assert said in await console.say(text), text
    assert await state(console) == (restored, [])
    await console.say("阶段 #1 方案")
    await console.say("输单 #1 价格")
    assert "已经输单" in await console.say("预计签约 #1 2027-02-01")
    assert NOW.date().isoformat() == "2026-11-24"
