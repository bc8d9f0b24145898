"""The approver's card and its reminders end to end on SQLite and PostgreSQL (issue #14): buttons where the
channel has them (keys are the typed commands), the reminder of a request left waiting once a day with an
injected clock, none once decided; undoing the quote takes its request with it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.approval_config import approval_rules
from domain.approvals import ApprovalStatus
from scheduler.approval_reminders import remind_stale_approvals
from tests.e2e.approvals_world import RULES, outbox, requests
from tests.e2e.conftest import NOW
from tests.e2e.harness import USERS, Console, make_config, start_console


async def remind(console: Console, after: timedelta) -> int:
    rules = approval_rules(make_config("sqlite://", approvals=RULES))
    console.clock.now = NOW + after
    queued = await remind_stale_approvals(console.app.uow_factory, console.clock.now, rules, default_quiet="")
    await console.app.dispatcher.drain()
    return queued


async def test_a_request_left_waiting_is_reminded_once_a_day(approvals_console: Console) -> None:
    console = approvals_console
    await console.say("报价 #1 60万 原价 80万")
    console.read()
    assert await remind(console, timedelta(hours=23)) == 0
    assert await remind(console, timedelta(hours=25)) == 1
    assert "[→ wang] ⏳ A1 已等待你审批 1天1小时\n张伟 提交的报价折扣审批" in console.read()
    assert await remind(console, timedelta(hours=30)) == 0  # the same day: once
    assert await remind(console, timedelta(hours=49)) == 1  # the next day
    reminders = await outbox(console, "approval_reminder:")
    assert [r[0] for r in reminders] == ["wang", "wang"] and all("回复：审批 同意 A1" in r[1] for r in reminders)
    await console.say("同意 A1", as_user="wang")
    assert await remind(console, timedelta(hours=80)) == 0  # decided: no more reminders


async def test_undoing_the_quote_withdraws_its_request(approvals_console: Console) -> None:
    console = approvals_console
    await console.say("报价 #1 60万 原价 80万")
    out = await console.say("撤销")
    assert out.startswith("已撤销：新建 报价 1 个。\n") and "已撤回审批 A1，并通知了审批人。" in out
    [request] = await requests(console)  # kept as withdrawn: a late decision says so
    assert (request.status, request.decided_by) == (ApprovalStatus.CANCELLED, 2)
    [(recipient, text, _)] = [row for row in await outbox(console) if "撤回" in row[1] and row[0] != "zhangwei"]
    assert (recipient, text) == ("wang", "↩️ A1 已被 张伟 撤回：#1 MES 报价 v1 60万，无需再审批。")
    late = await console.say("同意 A1", as_user="wang")
    assert "A1 已由 张伟 于 2026年11月24日(今天 周二) 10:00 撤回，这次没有改动" in late
    assert (await requests(console))[0].status is ApprovalStatus.CANCELLED
    assert "没有待审批的事项" in await console.say("待审批", as_user="wang")
    assert await remind(console, timedelta(hours=25)) == 0


async def test_undoing_a_handover_request_tells_the_approver(approvals_console: Console) -> None:
    console = approvals_console
    assert "已提交审批 A1" in await console.say("转给 #1 陈晨")
    out = await console.say("撤销")
    assert out.startswith("已撤销上一次操作。\n") and "已撤回审批 A1" in out
    notices = [(r, t) for r, t, _ in await outbox(console) if r == "wang"]
    assert notices[-1] == ("wang", "↩️ A1 已被 张伟 撤回：#1 MES 转给 陈晨，无需再审批。")
    assert "A1 已由 张伟" in await console.say("审批 同意 A1", as_user="wang")
    async with console.app.uow_factory() as uow:
        assert (await uow.opportunities.get(1)).owner_id == 2
    assert [r.status for r in await requests(console)] == [ApprovalStatus.CANCELLED]
    assert "已提交审批 A2" in await console.say("转给 #1 陈晨", as_user="zhangwei")  # may be asked again


async def test_help_has_an_approvals_section(approvals_console: Console) -> None:
    out = await approvals_console.say("帮助")
    section = out.split("审批\n", 1)[1].split("\n\n", 1)[0]
    assert all(word in section for word in ("审批 同意 A12", "同意 A12", "驳回 A12", "待审批"))
    money = out.split("报价与回款\n", 1)[1].split("\n\n", 1)[0]
    assert "发报价 #12" in money
    assert not any(f"\n{word} " in f"\n{money}" for word in ("审批", "同意", "驳回", "待审批"))


@pytest.fixture
async def wecom_manager(db_url: str) -> AsyncIterator[Console]:
    """王经理 reachable on WeCom (a channel with buttons) as well as the console."""
    users = [dict(u, wecom="wangjl") if u["name"] == "王经理" else u for u in USERS]
    session = await start_console(db_url, "zhangwei", NOW, approvals=RULES, users=users)
    await session.say("新客户 杭州明途信息技术有限公司 区域 华东")
    await session.say("新商机 明途 MES 80万")
    yield session
    await session.app.close()


async def test_the_card_has_buttons_whose_keys_are_the_commands(wecom_manager: Console) -> None:
    console = wecom_manager
    await console.say("报价 #1 60万 原价 80万")
    [(recipient, text, extra)] = await outbox(console, "approval:")
    assert recipient == "wangjl" and "回复：" not in text
    assert extra["buttons"] == [{"text": "同意", "key": "审批 同意 A1"}, {"text": "驳回", "key": "审批 驳回 A1"}]
    assert "驳回 A1 需要写明原因" in await console.say(extra["buttons"][1]["key"], as_user="wang")
    assert "A1 已同意" in await console.say(extra["buttons"][0]["key"], as_user="wang")  # the question is closed
    assert "A1 已由 王经理 于" in await console.say(extra["buttons"][0]["key"], as_user="wang")  # a replayed tap
    assert [r.status for r in await requests(console)] == [ApprovalStatus.APPROVED]
    assert "找不到审批 A1" in await console.say(extra["buttons"][1]["key"], as_user="lina")
