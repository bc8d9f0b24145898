"""`撤销` / `undo` tells webhook receivers what it took back (change.undone, and a deal's stage back), in the
undo's own transaction: a refused undo, or one of a change that raised no event, sends nothing. Every body is
checked as received (signature verified with README's recipe) — on SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from domain.approvals import ApprovalStatus
from tests.e2e.approvals_world import RULES, requests
from tests.e2e.conftest import NOW
from tests.e2e.harness import USERS, Console, start_console
from tests.e2e.webhook_world import SECRET, Receiver, subscribe, webhook_rows, win_deal

EVE = {"name": "Eve", "role": "admin", "console": "eve", "locale": "en"}  # an English-speaking admin
ZHANGWEI = 2  # the rep's id (tests/e2e/harness.py USERS)
AT = "2026-11-24T02:00:00Z"  # NOW in UTC
MONEY_80 = {"amount": "800000.00", "currency": "CNY"}


@pytest.fixture
async def hooks(db_url: str) -> AsyncIterator[Console]:
    session = await start_console(db_url, "admin", NOW, users=[*USERS, EVE])
    yield session
    await session.app.close()


def types(events: list[dict[str, Any]]) -> list[str]:
    return [e["type"] for e in events]


async def test_undoing_a_won_deal_sends_change_undone_and_the_stage_back(hooks: Console, receiver: Receiver) -> None:
    await subscribe(hooks, receiver, "/all")
    await subscribe(hooks, receiver, "/won", "赢单")
    await win_deal(hooks)
    assert "已撤销" in await hooks.say("撤销", as_user="zhangwei")
    assert types(receiver.accepted("/all"))[-4:] == ["deal.stage_changed", "deal.won", "change.undone",
                                                     "deal.stage_changed"]
    won, undone, back = receiver.accepted("/all")[-3:]
    assert (undone["occurred_at"], undone["id"] != won["id"]) == (AT, True)
    record = undone["data"].pop("record")
    assert undone["data"] == {"entity": "deal", "id": 1, "undone": ["deal.stage_changed", "deal.won"],
                              "undone_by": ZHANGWEI}
    assert (record["id"], record["stage"], record["amount"], record["closed_at"]) == (1, "negotiation", MONEY_80,
                                                                                      None)
    assert {k: v for k, v in record.items() if k not in ("stage", "amount", "closed_at", "updated_at")} == \
        {k: v for k, v in won["data"].items() if k not in ("stage", "amount", "closed_at", "updated_at")}
    assert (back["data"]["previous_stage"], back["data"]["stage"], back["data"]["amount"]) == (
        "won", "negotiation", MONEY_80)
    # a subscription to 赢单 only also learns its deal.won was taken back (not the stage changes)
    assert [(e["type"], e["id"]) for e in receiver.accepted("/won")] == [("deal.won", won["id"]),
                                                                        ("change.undone", undone["id"])]
    arrival = [a for a in receiver.arrivals if a.path == "/won"][-1]
    assert (arrival.signed, arrival.headers["X-Dealbot-Event"]) == (True, "change.undone")
    async with hooks.app.uow_factory() as uow:
        deal = await uow.opportunities.get(1)
    assert deal.stage.value == "negotiation" and deal.amount.amount == 800000


async def test_undoing_a_payment_sends_change_undone_with_no_record(hooks: Console, receiver: Receiver) -> None:
    await subscribe(hooks, receiver, "/finance", "回款")
    await win_deal(hooks)
    await hooks.say("回款 #1 30万 2026-11-20", as_user="zhangwei")
    await hooks.say("撤销", as_user="zhangwei")
    paid, undone = receiver.accepted("/finance")
    assert paid["type"] == "payment.received" and paid["data"]["id"] == 1
    assert (undone["type"], undone["occurred_at"]) == ("change.undone", AT)
    assert undone["data"] == {"entity": "payment", "id": 1, "undone": ["payment.received"], "undone_by": ZHANGWEI,
                              "record": None}
    async with hooks.app.uow_factory() as uow:
        assert await uow.payments.for_opportunity(1) == []


async def test_undoing_a_new_lead_names_each_record_that_had_an_event(hooks: Console, receiver: Receiver) -> None:
    await subscribe(hooks, receiver, "/all")
    await hooks.say("新线索 青岛海纳电子有限公司 联系人 马经理 区域 华东", as_user="zhangwei")  # + customer, contact
    assert types(receiver.accepted("/all")) == ["customer.created", "lead.created"]
    await hooks.say("撤销", as_user="zhangwei")
    undone = receiver.accepted("/all")[2:]
    assert types(undone) == ["change.undone", "change.undone"]  # none for the contact: it raised no event
    assert [e["data"] for e in undone] == [  # newest first, as undo removes them: the lead before its customer
        {"entity": "lead", "id": 1, "undone": ["lead.created"], "undone_by": ZHANGWEI, "record": None},
        {"entity": "customer", "id": 1, "undone": ["customer.created"], "undone_by": ZHANGWEI, "record": None}]


async def test_undo_of_a_change_that_raised_no_event_sends_nothing(hooks: Console, receiver: Receiver) -> None:
    await subscribe(hooks, receiver, "/all")
    await win_deal(hooks)
    await hooks.say("跟进 #1 电话沟通了验收安排", as_user="zhangwei")
    before = await webhook_rows(hooks)
    assert "已撤销" in await hooks.say("撤销", as_user="zhangwei")
    assert await webhook_rows(hooks) == before
    assert types(receiver.accepted("/all"))[-1] == "deal.won"
    async with hooks.app.uow_factory() as uow:
        assert await uow.followups.for_opportunity(1) == []  # type: ignore[attr-defined]


async def test_a_refused_undo_sends_nothing(hooks: Console, receiver: Receiver) -> None:
    await subscribe(hooks, receiver, "/all")
    await hooks.say("新客户 杭州明途信息技术有限公司 区域 华东", as_user="zhangwei")
    await hooks.say("新商机 明途 MES 80万", as_user="zhangwei")
    await hooks.say("阶段 #1 方案", as_user="zhangwei")
    await hooks.say("阶段 #1 谈判", as_user="wang")  # the manager moves it on since
    before = await webhook_rows(hooks)
    refused = await hooks.say("撤销", as_user="zhangwei")
    assert "王经理" in refused and "已撤销" not in refused
    assert await webhook_rows(hooks) == before
    assert types(receiver.accepted("/all")) == ["customer.created", "deal.created", "deal.stage_changed",
                                                "deal.stage_changed"]
    async with hooks.app.uow_factory() as uow:
        assert (await uow.opportunities.get(1)).stage.value == "negotiation"


async def test_subscribing_to_undo_by_name_in_chinese_and_english(hooks: Console, receiver: Receiver) -> None:
    reply = await hooks.say(f"推送 新建 {receiver.url('/undo')} 事件 撤销", as_user="admin")  # not an undo
    assert "已新建推送 W1" in reply and "事件：撤销(change.undone)" in reply
    receiver.secrets["/undo"] = SECRET.findall(reply)[0]
    await subscribe(hooks, receiver, "/leads", "线索")
    reply = await subscribe(hooks, receiver, "/en", "change.undone", admin="eve")
    assert "Events: change.undone" in reply
    assert "撤销(change.undone)" in await hooks.say("推送 列表", as_user="admin")
    assert "· change.undone · Eve" in await hooks.say("webhook list", as_user="eve")
    await win_deal(hooks)
    await hooks.say("撤销", as_user="zhangwei")
    [undone] = receiver.accepted("/undo")
    assert undone["data"]["undone"] == ["deal.stage_changed", "deal.won"]
    assert receiver.accepted("/en") == [undone]  # the same event (same id) to each subscription
    assert receiver.accepted("/leads") == []  # it got nothing of what was undone


async def test_a_correction_takes_back_the_deal_it_replaces(hooks: Console, receiver: Receiver) -> None:
    """A correction is an undo and a new write in one transaction: change.undone, then the new deal's event."""
    await subscribe(hooks, receiver, "/deals", "新商机")
    await hooks.say("今天去苏州拜访了恒瑞智能装备有限公司的周总，预算大概80万，下周三上午10点带方案过去",
                    as_user="zhangwei")
    assert "已更正" in await hooks.say("金额是95万", as_user="zhangwei")
    first, undone, second = receiver.accepted("/deals")
    assert (first["type"], first["data"]["id"], first["data"]["amount"]["amount"]) == ("deal.created", 1,
                                                                                       "800000.00")
    assert undone["data"] == {"entity": "deal", "id": 1, "undone": ["deal.created"], "undone_by": ZHANGWEI,
                              "record": None}
    assert (second["type"], second["data"]["id"], second["data"]["amount"]["amount"]) == ("deal.created", 2,
                                                                                          "950000.00")


async def test_approval_undo_sends_change_undone_only_for_the_quote(db_url: str, receiver: Receiver) -> None:
    console = await start_console(db_url, "zhangwei", NOW, approvals=RULES)
    try:
        await subscribe(console, receiver, "/all")
        await console.say("新客户 杭州明途信息技术有限公司 区域 华东", as_user="zhangwei")
        await console.say("新商机 明途 MES 80万", as_user="zhangwei")
        await console.say("报价 #1 60万 原价 80万", as_user="zhangwei")  # held for 王经理's approval (A1)
        assert "已撤回审批 A1" in await console.say("撤销", as_user="zhangwei")
        events = receiver.accepted("/all")
        assert types(events) == ["customer.created", "deal.created", "quote.created", "change.undone"]
        assert events[-1]["data"] == {"entity": "quote", "id": events[2]["data"]["id"], "undone": ["quote.created"],
                                      "undone_by": ZHANGWEI, "record": None}
        assert (await requests(console))[0].status is ApprovalStatus.CANCELLED
        await console.say("报价 #1 60万 原价 80万", as_user="zhangwei")  # A2
        await console.say("同意 A2", as_user="wang")
        sent = await webhook_rows(console)
        assert "已撤销对 A2 的同意" in await console.say("撤销", as_user="wang")  # a decision raised no event
        assert "王经理" in await console.say("撤销", as_user="zhangwei")  # refused: 王经理 changed the quote since
        assert await webhook_rows(console) == sent
        assert types(receiver.accepted("/all"))[4:] == ["quote.created"]
    finally:
        await console.app.close()


async def test_a_handover_and_its_undo_send_nothing(hooks: Console, receiver: Receiver) -> None:
    await subscribe(hooks, receiver, "/all")
    await win_deal(hooks)
    sent = await webhook_rows(hooks)
    assert "李娜" in await hooks.say("离职交接 张伟 → 李娜", as_user="admin")
    assert "已撤销" in await hooks.say("撤销", as_user="admin")
    assert await webhook_rows(hooks) == sent  # owners moved and back: no event type says so
    async with hooks.app.uow_factory() as uow:
        assert (await uow.opportunities.get(1)).owner_id == ZHANGWEI
