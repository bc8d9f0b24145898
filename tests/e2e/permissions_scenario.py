"""A deal with people in every circle around it, for the permission tests.

#1 MES (80万, contact 何总) of 张伟 (华东一组), shared with 陈晨 (华南一组, English), at 谈判;
#2 运维 (30万) of 李娜 (华东一组), same customer, shared with nobody.
王经理 manages 华东一组, 赵经理 manages 华南一组, 管理员 is an admin.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from storage.models import OutboxRow, ReminderRow
from storage.uow import SqlAlchemyUnitOfWork
from tests.e2e.harness import USERS, Console, start_console

ALL_USERS = [*USERS, {"name": "赵经理", "role": "manager", "team": "华南一组", "console": "zhao"}]
ACTORS = {"owner": "zhangwei", "sharee": "chen", "colleague": "lina", "other_manager": "zhao",
          "team_manager": "wang", "admin": "admin"}
SETUP = [
    ("zhangwei", "新客户 杭州明途信息技术有限公司 区域 华东 电话 0571-88886666"),
    ("zhangwei", "新线索 杭州明途信息技术有限公司 联系人 何总 电话 13800001111 预算 80万 区域 华东"),
    ("zhangwei", "线索 转商机 L1 MES"),
    ("lina", "新商机 明途 运维 30万"),
    ("zhangwei", "共享 #1 陈晨"),
    ("zhangwei", "阶段 #1 方案"),
    ("zhangwei", "阶段 #1 谈判"),
]


async def start_scenario(db_url: str, now: datetime) -> Console:
    console = await start_console(db_url, "zhangwei", now, users=ALL_USERS)
    for user, text in SETUP:
        await console.say(text, as_user=user)
    return console


@dataclass(frozen=True, slots=True)
class DealState:
    """What a permission test asserts on: the stored deal #1 and its records."""

    owner: str
    stage: str
    shared: tuple[str, ...]
    followups: int
    quotes: int
    payments: int
    contracts: int
    reminders: int
    outbox: int  # rows ever queued


async def deal_state(console: Console) -> DealState:
    async with console.app.uow_factory() as uow:
        assert isinstance(uow, SqlAlchemyUnitOfWork)
        opp = await uow.opportunities.get(1)
        names = {r.id: r.name for r in await uow.reps.list()}
        outbox = (await uow.session.execute(select(func.count()).select_from(OutboxRow))).scalar_one()
        reminders = (await uow.session.execute(select(func.count()).select_from(ReminderRow)
                                               .where(ReminderRow.opportunity_id == 1))).scalar_one()
        return DealState(
            owner=names[opp.owner_id], stage=opp.stage.value, shared=tuple(sorted(names[i] for i in opp.shared_with)),
            followups=len(await uow.followups.for_opportunity(1)), quotes=len(await uow.quotes.for_opportunity(1)),
            payments=len(await uow.payments.for_opportunity(1)),
            contracts=len(await uow.contracts.for_opportunity(1)), reminders=reminders, outbox=outbox)


async def messages_since(console: Console, first_id: int) -> list[tuple[str, str]]:
    """(recipient, text) of the outbox rows after `first_id`."""
    async with console.app.uow_factory() as uow:
        assert isinstance(uow, SqlAlchemyUnitOfWork)
        rows = await uow.session.execute(select(OutboxRow.recipient, OutboxRow.text)
                                         .where(OutboxRow.id > first_id).order_by(OutboxRow.id))
        return [(recipient, text) for recipient, text in rows]


async def last_outbox_id(console: Console) -> int:
    async with console.app.uow_factory() as uow:
        assert isinstance(uow, SqlAlchemyUnitOfWork)
        return int((await uow.session.execute(select(func.max(OutboxRow.id)))).scalar_one() or 0)
