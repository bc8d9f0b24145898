"""Every deal command and free-text route × every circle around the deal: what each may see and do.

Rights (domain/permissions.py): owner, manager of the owner's team and admin control; the sharee works;
a colleague of the same team and a manager of another team see nothing — the deal answers exactly like
one that does not exist (#99). Asserted on the stored deal and the outbox, not only on the reply.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import pytest

from domain.permissions import Right
from tests.e2e.conftest import NOW
from tests.e2e.harness import Console
from tests.e2e.permissions_scenario import (
    ACTORS,
    DealState,
    deal_state,
    last_outbox_id,
    messages_since,
    start_scenario,
)

HELD: dict[str, Right | None] = {"owner": Right.CONTROL, "sharee": Right.WORK, "colleague": None,
                                 "other_manager": None, "team_manager": Right.CONTROL, "admin": Right.CONTROL}
# (text, right needed, what changes on deal #1 when allowed, who is told besides the actor)
CASES: dict[str, tuple[str, Right, dict[str, Any], set[str]]] = {
    "card": ("#1", Right.VIEW, {}, set()),
    "quote history": ("报价历史 #1", Right.VIEW, {}, set()),
    "follow up": ("跟进 #1 电话沟通了方案 下次 2026-11-26 发合同", Right.WORK, {"followups": 1, "reminders": 1}, set()),
    "quote": ("报价 #1 50万", Right.WORK, {"quotes": 1}, set()),
    "stage back": ("阶段 #1 方案", Right.WORK, {"stage": "proposal"}, set()),
    "payment": ("回款 #1 10万", Right.WORK, {"payments": 1}, set()),
    "contract": ("合同 #1 80万", Right.WORK, {"contracts": 1}, set()),
    "share": ("共享 #1 李娜", Right.CONTROL, {"shared": ("李娜", "陈晨")}, {"lina", "zhangwei"}),
    "unshare": ("取消共享 #1 陈晨", Right.CONTROL, {"shared": ()}, {"chen", "zhangwei"}),
    "handover": ("转给 #1 李娜", Right.CONTROL, {"owner": "李娜"}, {"lina", "zhangwei"}),
    "won": ("赢单 #1", Right.CONTROL, {"stage": "won"}, set()),
    "lost": ("输单 #1 价格", Right.CONTROL, {"stage": "lost"}, set()),
    "free: question": ("#1 进展如何？", Right.VIEW, {}, set()),
    "free: visit note": ("#1 何总回电话了，方案基本认可", Right.WORK, {"followups": 1}, set()),
    "free: quote": ("#1 报价调整为36.8万元", Right.WORK, {"quotes": 1}, set()),
    "free: stage": ("#1 推进到方案阶段", Right.WORK, {"stage": "proposal"}, set()),
    "free: payment": ("#1 收到回款10万", Right.WORK, {"payments": 1}, set()),
    "free: won": ("#1 赢单了", Right.CONTROL, {"stage": "won"}, set()),
    "free: reminder": ("提醒我明天下午3点给何总打电话 #1", Right.WORK, {"reminders": 1}, set()),
}


@pytest.fixture
async def scenario(db_url: str) -> AsyncIterator[Console]:
    console = await start_scenario(db_url, NOW)
    yield console
    await console.app.close()


def expected(before: DealState, changes: dict[str, Any]) -> DealState:
    counted = {k: getattr(before, k) + v for k, v in changes.items() if isinstance(v, int)}
    return replace(before, **{**changes, **counted})


def allowed(role: str, case: str) -> bool:
    held = HELD[role]
    return held is not None and held >= CASES[case][1]


ALLOWED = [(role, case) for role in ACTORS for case in CASES if allowed(role, case)]
REFUSING = [role for role in ACTORS if any(not allowed(role, case) for case in CASES)]


@pytest.mark.parametrize(("role", "case"), ALLOWED)
async def test_what_each_circle_may_do_is_done_and_told(scenario: Console, role: str, case: str) -> None:
    text, _, changes, told = CASES[case]
    actor = ACTORS[role]
    before, mark = await deal_state(scenario), await last_outbox_id(scenario)
    out = await scenario.say(text, as_user=actor)
    after = await deal_state(scenario)
    others = {recipient for recipient, _ in await messages_since(scenario, mark) if recipient != actor}
    assert replace(after, outbox=0) == replace(expected(before, changes), outbox=0), out
    assert others == told - {actor}, out  # the owner and the new person are told, nobody else
    assert "#1" in out or "MES" in out


@pytest.mark.parametrize("role", REFUSING)
async def test_what_a_circle_may_not_do_changes_nothing_and_tells_nobody(scenario: Console, role: str) -> None:
    """Refusals change nothing, so one session tries every refused command in turn."""
    actor, held = ACTORS[role], HELD[role]
    for case in (c for c in CASES if not allowed(role, c)):
        text = CASES[case][0]
        before, mark = await deal_state(scenario), await last_outbox_id(scenario)
        out = await scenario.say(text, as_user=actor)
        assert replace(await deal_state(scenario), outbox=0) == replace(before, outbox=0), (case, out)
        assert [m for m in await messages_since(scenario, mark) if m[0] != actor] == [], (case, out)
        if held is None:  # exactly like a deal that does not exist
            missing = await scenario.say(text.replace("#1", "#99"), as_user=actor)
            assert out == missing.replace("#99", "#1"), case
            assert "MES" not in out and "80万" not in out, case
        else:  # the sharee sees it but may not control it, and is told why
            assert "Only the owner, a manager of the owner's team or an admin" in out, case
