"""The handover's approvals hook (`Settings.approvals`, domain.handover.ApprovalsPort): requests of the leaver
move, approvals waiting for the leaver's decision are listed as what could not move; undo gives the port its
record back. Plus the English summary and the glued Chinese command (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import replace
from typing import Any

import pytest

from domain.approvals import ApprovalStatus
from domain.handover import ApprovalsMoved, PendingApproval
from tests.e2e.approvals_world import requests
from tests.e2e.conftest import NOW
from tests.e2e.handover_world import handover_audits, ids, outbox_to, seed_book, state
from tests.e2e.harness import Console, start_console


class FakeApprovals:
    """A12 waits for the leaver's decision; A7 was requested by the leaver."""

    def __init__(self, moved: bool = True) -> None:
        self.calls: list[tuple[str, int, int]] = []
        self.restored: list[dict[str, Any]] = []
        self.with_moved = moved

    async def move(self, uow: Any, leaver_id: int, successor_id: int) -> ApprovalsMoved:
        self.calls.append(("move", leaver_id, successor_id))
        moved = [PendingApproval("A7", "报价 #1 折扣")] if self.with_moved else []
        return ApprovalsMoved(moved=moved, stuck=[PendingApproval("A12", "合同 #2")],
                              undo={"requests": [7]} if self.with_moved else {})

    async def restore(self, uow: Any, undo: Mapping[str, Any], leaver_id: int, successor_id: int) -> None:
        self.calls.append(("restore", leaver_id, successor_id))
        self.restored.append(dict(undo))


@pytest.fixture
async def admin(db_url: str) -> AsyncIterator[Console]:
    session = await start_console(db_url, "admin", NOW)
    yield session
    await session.app.close()


def wire(console: Console, port: FakeApprovals) -> None:
    console.app.bot.settings = replace(console.app.bot.settings, handover_approvals=port)


async def test_approvals_that_move_and_those_that_cannot_are_listed_and_undone(admin: Console) -> None:
    people = await seed_book(admin)
    port = FakeApprovals()
    wire(admin, port)
    out = await admin.say("离职交接张伟→李娜")  # glued, as typed on a phone
    assert "审批申请改由 李娜 提交：A7" in out
    assert "无法转移：\n- A12（合同 #2）等待 张伟 审批：请管理员决定（审批 同意 A12）" in out
    (to_lina,) = await outbox_to(admin, "lina")
    assert "A12（合同 #2）等待 张伟 审批" in to_lina
    ((_, changes),) = await handover_audits(admin)
    assert changes["approvals"] == {"requests": [7]}
    await admin.say("撤销")
    assert port.calls == [("move", people["张伟"], people["李娜"]), ("restore", people["张伟"], people["李娜"])]
    assert port.restored == [{"requests": [7]}]


async def test_only_an_approval_waiting_for_the_leaver_moves_nothing_and_says_so(admin: Console) -> None:
    wire(admin, FakeApprovals(moved=False))
    before = await state(admin)
    out = await admin.say("离职交接 王经理 → 李娜")
    assert "王经理 名下没有需要交接的" in out
    assert "仍有审批等待 王经理 决定：A12，请管理员决定（审批 同意/驳回）。" in out
    assert await state(admin) == before and await handover_audits(admin) == []


async def test_an_english_successor_gets_the_summary_in_english(admin: Console) -> None:
    people = await seed_book(admin)
    out = await admin.say("handover 李娜 -> 陈晨")  # across teams: an admin may
    assert "客户 1 个" in out
    (to_chen,) = await outbox_to(admin, "chen")
    assert to_chen.startswith("Handover: 李娜 → 陈晨 (by 管理员)\nCustomers: 1 (李娜的客户有限公司)")
    assert "Open deals: 1, total no amounts" in to_chen and "李娜's account is now inactive" in to_chen
    after = await state(admin)
    assert [d[1:] for d in after["deals"] if d[0] == 6] == [(people["陈晨"], (await _team(admin, "陈晨")))]


async def _team(console: Console, name: str) -> int | None:
    async with console.app.uow_factory() as uow:
        return (await uow.reps.get((await ids(console))[name])).team_id


async def test_stored_requests_move_with_the_book_and_the_outcome_goes_to_the_successor(
        approvals_console: Console) -> None:
    """The real approvals table: 张伟's pending discount request is 李娜's after the handover (she is told the
    decision); a handover of the approver lists the request for an admin; undo gives it back to 张伟."""
    console = approvals_console
    await console.say("报价 #1 60万 原价 80万")
    people = await ids(console)
    out = await console.say("离职交接 张伟 → 李娜", as_user="admin")
    assert "审批申请改由 李娜 提交：A1" in out
    [request] = await requests(console)
    assert (request.requester_id, request.approver_id, request.status) == (
        people["李娜"], people["王经理"], ApprovalStatus.PENDING)
    out = await console.say("离职交接 王经理 → 李娜", as_user="admin")
    assert "仍有审批等待 王经理 决定：A1" in out
    assert [r.approver_id for r in await requests(console)] == [people["王经理"]]  # nothing changed
    await console.say("撤销", as_user="admin")
    assert [r.requester_id for r in await requests(console)] == [people["张伟"]]
    await console.say("离职交接 张伟 → 李娜", as_user="admin")
    out = await console.say("审批 同意 A1", as_user="wang")
    assert "[→ lina] ✅ 审批 A1 已同意" in out
