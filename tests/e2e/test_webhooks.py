"""Outgoing webhooks end to end (issue #16): chat commands, events from real flows, signatures checked by a real
receiver with README's recipe, retries, dead letters and replay — on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from domain.messaging import OutboxStatus
from domain.risks import RiskSettings
from scheduler.risks import scan_risks
from storage.models.webhooks import WebhookRow
from tests.e2e.conftest import NOW
from tests.e2e.harness import USERS, Console, start_console
from tests.e2e.webhook_world import Receiver, subscribe, webhook_rows, win_deal

SHORT = {"retry_base_seconds": 1, "retry_max_seconds": 60, "max_attempts": 3, "timeout": 5}
EVE = {"name": "Eve", "role": "admin", "console": "eve", "locale": "en"}  # an English-speaking admin


@pytest.fixture
async def hooks(db_url: str) -> AsyncIterator[Console]:
    session = await start_console(db_url, "admin", NOW, webhooks=SHORT, users=[*USERS, EVE])
    yield session
    await session.app.close()


async def retry_round(console: Console, seconds: float = 2) -> None:
    """Let the backoff pass (the dispatcher's clock) and deliver what is due."""
    console.clock.now += timedelta(seconds=seconds)
    await console.app.dispatcher.drain()


async def test_a_won_deal_is_retried_after_a_500_and_accepted_once(hooks: Console, receiver: Receiver) -> None:
    await subscribe(hooks, receiver, "/erp", "赢单,回款")
    receiver.answers["/erp"] = [500, 200]
    await win_deal(hooks)
    first = [a for a in receiver.arrivals if a.path == "/erp"]
    assert [(a.signed, a.status) for a in first] == [(True, 500)]
    [row] = await webhook_rows(hooks)
    assert (row.status, row.attempts, row.last_error) == ("pending", 1, "HTTP 500")
    await retry_round(hooks)
    arrivals = [a for a in receiver.arrivals if a.path == "/erp"]
    assert [(a.signed, a.status) for a in arrivals] == [(True, 500), (True, 200)]
    assert arrivals[0].event["id"] == arrivals[1].event["id"]
    assert {a.headers["X-Dealbot-Delivery"] for a in arrivals} == {f"D{row.id}"}
    [event] = receiver.accepted("/erp")
    assert event["type"] == "deal.won" and arrivals[1].headers["X-Dealbot-Event"] == "deal.won"
    assert event["occurred_at"] == "2026-11-24T02:00:00Z"
    data = event["data"]
    assert (data["id"], data["stage"], data["customer_id"], data["name"]) == (1, "won", 1, "MES")
    assert data["amount"] == {"amount": "960000.00", "currency": "CNY"}
    [row] = await webhook_rows(hooks)
    assert (row.status, row.attempts) == ("sent", 2)


async def test_a_payment_recorded_in_chat_reaches_the_receiver(hooks: Console, receiver: Receiver) -> None:
    await subscribe(hooks, receiver, "/finance", "回款")
    await win_deal(hooks)
    assert receiver.accepted("/finance") == []  # a won deal is not what this subscription asked for
    await hooks.say("回款 #1 30万 2026-11-20", as_user="zhangwei")
    [event] = receiver.accepted("/finance")
    assert event["type"] == "payment.received" and event["id"].startswith("evt_")
    assert event["data"] == {"id": 1, "opportunity_id": 1, "amount": {"amount": "300000.00", "currency": "CNY"},
                             "received_on": "2026-11-20", "recorded_by": 2}


async def test_subscriptions_get_only_the_event_types_they_asked_for(hooks: Console, receiver: Receiver) -> None:
    await subscribe(hooks, receiver, "/all")
    await subscribe(hooks, receiver, "/won", "deal.won")
    await win_deal(hooks)
    await hooks.say("回款 #1 30万", as_user="zhangwei")
    assert [e["type"] for e in receiver.accepted("/won")] == ["deal.won"]
    assert [e["type"] for e in receiver.accepted("/all")] == [
        "customer.created", "deal.created", "deal.stage_changed", "deal.stage_changed", "deal.stage_changed",
        "deal.won", "payment.received"]
    stage_changes = [e["data"]["previous_stage"] for e in receiver.accepted("/all")
                     if e["type"] == "deal.stage_changed"]
    assert stage_changes == ["initial_contact", "proposal", "negotiation"]
    won_everywhere = {e["id"] for e in receiver.accepted() if e["type"] == "deal.won"}
    assert len(won_everywhere) == 1  # one event, delivered to each subscription


async def test_a_receiver_always_failing_leaves_a_dead_letter_that_replay_delivers(
        hooks: Console, receiver: Receiver) -> None:
    await subscribe(hooks, receiver, "/down", "赢单")
    receiver.answers["/down"] = [500]
    await win_deal(hooks)
    await retry_round(hooks)
    await retry_round(hooks, 3)
    [row] = await webhook_rows(hooks)
    assert (row.status, row.attempts) == ("failed", 3)
    assert row.last_error == "HTTP 500; gave up after 3 attempts"
    assert len([a for a in receiver.arrivals if a.path == "/down"]) == 3
    failed = await hooks.say("推送 失败", as_user="admin")
    assert f"D{row.id} · deal.won · {receiver.url('/down')} · 3 次 · HTTP 500；3 次后放弃 · " in failed
    failed_en = await hooks.say("webhook failed", as_user="eve")
    assert f"D{row.id} · deal.won · {receiver.url('/down')} · 3 attempt(s) · HTTP 500; gave up after 3 attempts" \
        in failed_en
    receiver.answers["/down"] = [200]
    replayed = await hooks.say(f"推送 重发 D{row.id}", as_user="admin")
    rows = await webhook_rows(hooks)
    assert [(r.status, r.text == row.text) for r in rows] == [("failed", True), ("sent", True)]
    assert f"D{rows[1].id}" in replayed
    [event] = receiver.accepted("/down")
    assert event["id"] == receiver.arrivals[0].event["id"] and event["type"] == "deal.won"
    assert receiver.arrivals[-1].headers["X-Dealbot-Delivery"] == f"D{rows[1].id}"


async def test_ping_disable_enable_delete(hooks: Console, receiver: Receiver) -> None:
    await subscribe(hooks, receiver, "/erp", "回款")
    assert "W1" in await hooks.say("推送 测试 W1", as_user="admin")
    [ping] = receiver.accepted("/erp")
    assert ping["type"] == "ping" and ping["data"] == {"subscription_id": 1, "sent_by": 5}
    assert "已停用" in await hooks.say("推送 停用 W1", as_user="admin")
    assert "[停用]" in await hooks.say("推送 列表", as_user="admin")
    await win_deal(hooks)
    await hooks.say("回款 #1 30万", as_user="zhangwei")
    assert len(await webhook_rows(hooks)) == 1  # only the ping: a disabled subscription gets nothing
    await hooks.say("推送 启用 W1", as_user="admin")
    await hooks.say("回款 #1 10万", as_user="zhangwei")
    assert [e["type"] for e in receiver.accepted("/erp")] == ["ping", "payment.received"]
    await hooks.say("推送 删除 W1", as_user="admin")
    assert "还没有推送" in await hooks.say("推送", as_user="admin")
    await hooks.say("回款 #1 10万", as_user="zhangwei")
    assert len(await webhook_rows(hooks)) == 2


async def test_bad_input_and_non_admins_are_refused_and_nothing_is_stored(hooks: Console) -> None:
    rep = await hooks.say("推送 新建 https://erp.example.cn/hook 事件 赢单", as_user="zhangwei")
    assert rep.strip() == "只有管理员可以管理推送（webhook）。"
    assert (await hooks.say("webhook list", as_user="chen")).strip() == "Only admins can manage webhooks."
    bad_url = await hooks.say("推送 新建 ftp://erp.example.cn/hook 事件 赢单", as_user="admin")
    assert "推送地址无效：只支持 http 或 https" in bad_url and "推送 新建 https://erp.example.cn/hook" in bad_url
    with_password = await hooks.say("推送 新建 https://u:p@erp.example.cn/hook", as_user="admin")
    assert "不能带用户名或密码" in with_password
    unknown = await hooks.say("推送 新建 https://erp.example.cn/hook 事件 赢钱,回款", as_user="admin")
    assert "不认识的事件：赢钱" in unknown and "payment.received（回款）" in unknown
    missing = await hooks.say("推送 新建 https://erp.example.cn/hook 事件", as_user="admin")
    assert "缺少事件名" in missing
    assert "「X」不是推送编号，请写如 W2" in await hooks.say("推送 停用 X", as_user="admin")
    assert "缺少推送编号（如 W2）" in await hooks.say("推送 停用", as_user="admin")
    assert "'D-1' is not a delivery number; write it like D2" in await hooks.say("webhook replay D-1",
                                                                                           as_user="eve")
    assert "找不到推送 W9" in await hooks.say("推送 停用 W9", as_user="admin")
    assert "找不到推送记录 D1" in await hooks.say("推送 重发 D1", as_user="admin")  # D1 is a chat reply
    assert "还没有推送" in await hooks.say("推送 列表", as_user="admin")
    assert await webhook_rows(hooks) == []


async def test_an_english_admin_works_in_english(hooks: Console, receiver: Receiver) -> None:
    reply = await subscribe(hooks, receiver, "/en", "deal.won,payment.received", admin="eve")
    assert f"Webhook W1 created: {receiver.url('/en')}\nEvents: deal.won, payment.received" in reply
    assert "The signing secret of W1 (shown this once" in reply
    bad = await hooks.say("webhook new https://erp.example.cn/x events deal.wonn", as_user="eve")
    assert "Unknown event(s): deal.wonn. Known events: deal.created, deal.stage_changed, " in bad
    assert not re.search(r"[\u3000-\u9fff\uff00-\uffef]", bad)  # no Chinese words or punctuation
    listed = await hooks.say("webhook list", as_user="eve")
    assert "· deal.won, payment.received · Eve" in listed
    url = await hooks.say("webhook new erp.example.cn/x", as_user="eve")
    assert "Invalid webhook URL: only http or https. Write a full http(s) address" in url
    await win_deal(hooks)
    failed = await hooks.say("webhook failed", as_user="eve")
    assert failed.strip() == "No failed webhook deliveries."
    assert [e["type"] for e in receiver.accepted("/en")] == ["deal.won"]
    assert len(await webhook_rows(hooks)) == 1


def test_readme_example_is_the_receivers_check() -> None:
    """The receiver above verifies with README's Python example, copied verbatim: the documentation is proven."""
    root = Path(__file__).parents[2]
    section = (root / "README.md").read_text(encoding="utf-8").split("### Webhooks / 事件推送", 1)[1]
    block = re.search(r"```python\n(.*?)```", section, re.S)
    assert block is not None
    imports, _, example = block.group(1).partition("\n\n")
    world = (root / "tests" / "e2e" / "webhook_world.py").read_text(encoding="utf-8")
    assert example.strip() in world
    assert all(line in world for line in imports.splitlines())


async def test_the_risk_scan_raises_invoice_overdue_once(hooks: Console, receiver: Receiver) -> None:
    await subscribe(hooks, receiver, "/ar", "逾期,开票")
    await win_deal(hooks)
    await hooks.say("合同 #1 96万", as_user="zhangwei")
    await hooks.say("发票 #1 已开 50万 号码 12345678", as_user="zhangwei")
    await hooks.say("回款 #1 10万", as_user="zhangwei")
    [issued] = receiver.accepted("/ar")
    assert (issued["type"], issued["data"]["number"], issued["data"]["status"]) == ("invoice.issued", "12345678",
                                                                                    "issued")
    uow_factory: Any = hooks.app.uow_factory
    for days in (31, 32):  # past the 30 days' terms; the second scan finds the same warning: no second event
        hooks.clock.now = NOW + timedelta(days=days)
        await scan_risks(uow_factory, hooks.clock.now, RiskSettings())
        await hooks.app.dispatcher.drain()
    overdue = [e for e in receiver.accepted("/ar") if e["type"] == "invoice.overdue"]
    assert len(overdue) == 1
    data = overdue[0]["data"]
    assert (data["id"], data["opportunity_id"], data["days_since_issued"]) == (issued["data"]["id"], 1, 31)
    assert data["amount"] == {"amount": "500000.00", "currency": "CNY"}
    assert overdue[0]["occurred_at"] == "2026-12-25T02:00:00Z"


async def test_asked_in_a_group_the_secret_goes_to_the_admin_privately(hooks: Console) -> None:
    group = replace(hooks.connector.message("推送 新建 https://erp.example.cn/hook 事件 回款"),
                    conversation_id="group-finance", sender_id="admin")
    await hooks.app.bot.receive(group)
    await hooks.app.dispatcher.drain()
    async with hooks.app.uow_factory() as uow:
        sent = [item for item in await uow.outbox.listing([OutboxStatus.SENT]) if item.channel == "console"]
        [subscription] = await uow.webhooks.list()  # type: ignore[attr-defined]
    to_group = [item.text for item in sent if item.recipient == "group-finance"]
    to_admin = [item.text for item in sent if item.recipient == "admin"]
    assert len(to_group) == 1 and subscription.secret not in to_group[0] and "私信" in to_group[0]
    assert len(to_admin) == 1 and subscription.secret in to_admin[0]


async def test_every_chat_flow_raises_its_event(hooks: Console, receiver: Receiver) -> None:
    await subscribe(hooks, receiver, "/all", "线索,报价,合同,开票,项目完成,输单")
    await hooks.say("新线索 宁波海曙精密机械有限公司 预算 60万 区域 华东", as_user="zhangwei")
    await win_deal(hooks)
    await hooks.say("报价 #1 90万", as_user="zhangwei")
    await hooks.say("合同 #1 96万 编号 HT-2026-001", as_user="zhangwei")
    await hooks.say("发票 #1 申请 20万", as_user="zhangwei")  # requested, not issued: no event
    await hooks.say("发票 #1 已开 30万", as_user="zhangwei")
    await hooks.say("项目 P1 关闭 强制", as_user="zhangwei")
    await hooks.say("新商机 明途 二期 20万", as_user="zhangwei")
    await hooks.say("输单 #2 价格", as_user="zhangwei")
    events = receiver.accepted("/all")
    assert [e["type"] for e in events] == ["lead.created", "quote.created", "contract.created", "invoice.issued",
                                           "project.completed", "deal.lost"]
    lead, quote, contract, invoice, project, lost = (e["data"] for e in events)
    assert (lead["id"], lead["customer_id"], lead["region"]) == (1, 1, "华东")
    assert lead["budget"] == {"amount": "600000.00", "currency": "CNY"}
    assert (quote["opportunity_id"], quote["version"], quote["amount"]["amount"]) == (1, 1, "900000.00")
    assert (contract["number"], contract["amount"]["amount"]) == ("HT-2026-001", "960000.00")
    assert (invoice["status"], invoice["amount"]["amount"]) == ("issued", "300000.00")
    assert (project["id"], project["opportunity_id"], project["status"]) == (1, 1, "done")
    assert (lost["id"], lost["stage"], lost["lost_reason"]) == (2, "lost", "price")


async def test_event_names_after_a_colon_as_many_write_them(hooks: Console) -> None:
    reply = await hooks.say("推送 新建 https://erp.example.cn/hook 事件：赢单，回款", as_user="admin")
    assert "已新建推送 W1" in reply and "事件：赢单(deal.won)、回款(payment.received)" in reply
    reply = await hooks.say("webhook new https://erp.example.cn/en events: deal.won", as_user="eve")
    assert "Webhook W2 created" in reply
    assert "「事件」之后缺少事件名" in await hooks.say("推送 新建 https://erp.example.cn/x 事件：", as_user="admin")
    async with hooks.app.uow_factory() as uow:
        session = uow.session  # type: ignore[attr-defined]
        rows = [(r.url, r.events) for r in await session.scalars(select(WebhookRow).order_by(WebhookRow.id))]
    assert rows == [("https://erp.example.cn/hook", ["deal.won", "payment.received"]),
                                                ("https://erp.example.cn/en", ["deal.won"])]
