"""The approvals tests' console (issue #14) and what they read back: requests, outbox rows, audit rows."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select

from domain.approvals import ApprovalRequest
from storage.models import AuditRow, OutboxRow
from tests.e2e.conftest import NOW
from tests.e2e.harness import Console, start_console

RULES = {"enabled": True, "max_discount": 0.15, "min_margin": 0.2, "contract_amount": 1000000,
         "min_first_payment": 0.3, "team_transfer": True, "approver": "manager", "stale_hours": 24}


@pytest.fixture
async def approvals_console(db_url: str) -> AsyncIterator[Console]:
    """张伟 (华东一组, manager 王经理) with deal #1 (明途 MES 80万), approvals on."""
    session = await start_console(db_url, "zhangwei", NOW, approvals=RULES)
    await session.say("新客户 杭州明途信息技术有限公司 区域 华东")
    await session.say("新商机 明途 MES 80万")
    yield session
    await session.app.close()


async def requests(console: Console) -> list[ApprovalRequest]:
    async with console.app.uow_factory() as uow:
        found = await uow.approvals.many(range(1, 50))
        return [found[k] for k in sorted(found)]


async def outbox(console: Console, kind: str = "") -> list[tuple[str, str, dict[str, Any]]]:
    """(recipient, text, extra) of the outbox rows, those whose dedupe key starts with `kind` if given."""
    async with console.app.uow_factory() as uow:
        rows = (await uow.session.execute(select(OutboxRow).order_by(OutboxRow.id))).scalars()  # type: ignore[attr-defined]
        return [(r.recipient, r.text, dict(r.extra or {})) for r in rows
                if not kind or (r.dedupe_key or "").startswith(kind)]


async def audit(console: Console, entity: str = "approval") -> list[tuple[str, int, str, dict[str, Any]]]:
    async with console.app.uow_factory() as uow:
        rows = (await uow.session.execute(select(AuditRow).where(AuditRow.entity == entity)  # type: ignore[attr-defined]
                                          .order_by(AuditRow.id))).scalars()
        return [(r.entity, r.entity_id, r.action, dict(r.changes)) for r in rows]
