"""The world of the delivery chat tests (issue #15): 张伟's won-to-be deal with a contract and a payment plan,
the notifications queued for someone, and the delivery rows as stored."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import select

from storage.models import OutboxRow
from storage.uow import SqlAlchemyUnitOfWork
from tests.e2e.conftest import NOW
from tests.e2e.harness import Console, start_console

WANG, ZHANG, LI = 1, 2, 3  # rep ids in the order of harness.USERS


async def open_won(db_url: str) -> AsyncIterator[Console]:
    """张伟's deal #1 (明途 MES, 100万) with a contract and a three-part payment plan, not yet won."""
    console = await start_console(db_url, "zhangwei", NOW)
    for line in ("新客户 杭州明途信息技术有限公司 区域 华东", "新商机 明途 MES 100万", "合同 #1 HT-001 100万",
                 "回款计划 #1 30% 2026-12-15 40% 2027-03-01 30% 2027-06-30", "阶段 #1 方案", "阶段 #1 谈判"):
        await console.say(line)
    yield console
    await console.app.close()


async def notices(console: Console, recipient: str, word: str) -> list[str]:
    """Texts queued for `recipient` that contain `word` (notifications; replies never contain it)."""
    async with console.app.uow_factory() as uow:
        assert isinstance(uow, SqlAlchemyUnitOfWork)
        rows = await uow.session.scalars(select(OutboxRow).where(OutboxRow.recipient == recipient)
                                         .order_by(OutboxRow.id))
        return [r.text for r in rows if word in r.text]


async def stored(console: Console, deal: int = 1) -> dict[str, Any]:
    """Projects, milestones, tasks, the timeline and the payment plan of a deal as stored."""
    async with console.app.uow_factory() as uow:
        projects = list(await uow.projects.for_opportunity(deal))
        ids = [p.id or 0 for p in projects]
        stones = [m for i in ids for m in await uow.project_milestones.for_project(i)]
        tasks = [t for i in ids for t in await uow.tasks.for_project(i)]
        events = [e for i in ids for e in await uow.project_events.for_project(i)]
        plan = list(await uow.milestones.for_opportunity(deal))
    return {"projects": projects, "stones": stones, "tasks": tasks, "events": events, "plan": plan}


