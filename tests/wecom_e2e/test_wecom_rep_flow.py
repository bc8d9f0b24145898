"""A rep works with dealbot in WeCom exactly as in the console: encrypted callbacks in, app messages out."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from storage.models import AuditRow, CustomerRow, IdentityRow, LeadRow, OpportunityRow, RepRow
from tests.wecom import wecom_crypto_ref as ref
from tests.wecom.wecom_fake_server import Recorded
from tests.wecom.wecom_support import AES_KEY, AGENT_ID, CORP_ID, TOKEN
from tests.wecom_e2e.harness import PATH, SEND, TimedFakeWeCom, WeComSession, content, start_session


def only(sends: list[Recorded], user: str = "zhangwei") -> str:
    """The one reply `user` got; fails if there was not exactly one."""
    replies = [r for r in sends if r.body and r.body["touser"] == user]
    assert len(replies) == 1, [content(r) for r in sends]
    return content(replies[0])


async def counts(wecom: WeComSession) -> tuple[int, ...]:
    return await wecom.row_counts(CustomerRow, LeadRow, OpportunityRow, AuditRow, RepRow, IdentityRow)


async def test_rep_walks_a_deal_to_won_over_wecom(wecom: WeComSession) -> None:
    sends = await wecom.say("新客户 杭州明途信息技术有限公司 行业 制造 区域 华东 标签 重点")
    [created] = sends
    assert created.body is not None
    assert (created.body["touser"], created.body["msgtype"], created.body["agentid"]) == (
        "zhangwei", "markdown", AGENT_ID)
    assert "已创建客户" in content(created) and "明途" in content(created)

    sends = await wecom.say("新商机 明途 智能工厂MES 80万")
    [deal] = sends
    assert deal.body is not None and deal.body["msgtype"] == "text"  # a plain line goes as text
    assert "#1" in content(deal)

    followup = only(await wecom.say("跟进 #1 电话沟通了报价 下次 2026-12-01 带方案拜访"))
    assert "已记录跟进" in followup and "2026年12月1日" in followup
    assert "不能从" in only(await wecom.say("阶段 #1 赢单"))
    assert "方案提案" in only(await wecom.say("阶段 #1 方案"))
    assert "v1" in only(await wecom.say("报价 #1 52.8万 含三年运维"))
    assert "谈判" in only(await wecom.say("阶段 #1 谈判"))
    assert "赢单" in only(await wecom.say("赢单 #1 96万"))
    card = only(await wecom.say("#1"))
    assert "赢单" in card and "96万" in card and "v1" in card


async def test_free_text_records_a_follow_up_and_echoes_the_resolved_date(wecom: WeComSession) -> None:
    await wecom.say("新客户 杭州明途信息技术有限公司 区域 华东")
    await wecom.say("新商机 明途 智能工厂MES 80万")
    sends = await wecom.say("今天拜访了明途的何总，下周三带方案过去")
    echo = only(sends)
    assert sends[0].body is not None and sends[0].body["msgtype"] == "markdown"
    assert "#1" in echo and "12月2日" in echo  # 下周三 from Tuesday 2026-11-24
    async with wecom.app.uow_factory() as uow:
        assert len(await uow.followups.for_opportunity(1)) == 1
    reminder, buttons = await wecom.tick(timedelta(days=8))  # the next step's reminder arrives in WeCom
    assert "提醒" in content(reminder)
    assert buttons.body is not None and buttons.body["msgtype"] == "template_card"  # 完成 / 延后一天 / 改时间 / 查看


async def test_english_rep_gets_english_replies(wecom: WeComSession) -> None:
    reply = only(await wecom.say("blah", user="chenchen"), user="chenchen")
    assert "Could not tell what this message is about" in reply


async def test_new_lead_notifies_its_owner_in_wecom(wecom: WeComSession) -> None:
    sends = await wecom.say("新线索 广州某某科技有限公司 区域 华南")
    assert "陈晨" in only(sends)
    assert "广州某某" in only(sends, user="chenchen")


async def test_image_gets_only_text_is_supported(wecom: WeComSession) -> None:
    inner = ref.image_xml(corp_id=CORP_ID, user="zhangwei", msg_id=wecom.next_id(),
                          create_time=int(wecom.epoch()), agent_id=AGENT_ID)
    assert await wecom.callback(inner) == (200, b"")
    await wecom.settle()
    await wecom.deliver()
    assert only(wecom.new_sends()) == "目前只支持文字消息。"


async def test_enter_agent_event_is_kept_but_gets_no_reply(wecom: WeComSession) -> None:
    inner = ref.event_xml(corp_id=CORP_ID, user="zhangwei", event="enter_agent",
                          create_time=int(wecom.epoch()), agent_id=AGENT_ID)
    assert await wecom.callback(inner) == (200, b"")
    await wecom.settle()  # processed: nothing left unprocessed
    assert await wecom.deliver() == 0
    assert wecom.new_sends() == []
    assert await wecom.inbox_count() == 1


async def test_unknown_userid_gets_a_polite_reply_and_nothing_is_recorded(wecom: WeComSession) -> None:
    before = await counts(wecom)
    reply = only(await wecom.say("新客户 某某有限公司", user="stranger"), user="stranger")
    assert "联系管理员" in reply and "ask an admin" in reply and "wecom:stranger" in reply
    assert await counts(wecom) == before


async def test_the_same_callback_delivered_four_times_is_one_record_and_one_reply(
        wecom: WeComSession) -> None:
    query, body = wecom.sealed(wecom.text_xml("新客户 苏州恒瑞智能装备有限公司"))
    for _ in range(4):
        assert await wecom.post(query, body) == (200, b"")
    await wecom.settle()
    await wecom.deliver()
    assert "已创建客户" in only(wecom.new_sends())
    assert await wecom.inbox_count() == 1


async def test_four_concurrent_redeliveries_are_one_record_and_one_reply(wecom: WeComSession) -> None:
    inner = wecom.text_xml("新客户 青岛海纳电子有限公司")
    results = await asyncio.gather(*(wecom.callback(inner) for _ in range(4)))  # each sealed afresh
    assert results == [(200, b"")] * 4
    await wecom.settle()
    await wecom.deliver()
    assert "已创建客户" in only(wecom.new_sends())
    assert await wecom.inbox_count() == 1


async def test_bad_signature_is_forbidden_and_nothing_reaches_the_inbox(wecom: WeComSession) -> None:
    query, body = wecom.sealed(wecom.text_xml("新客户 某某有限公司"))
    query["msg_signature"] = ref.sign("not-the-token", query["timestamp"], query["nonce"], "x")
    status, _ = await wecom.post(query, body)
    assert status == 403
    assert await wecom.inbox_count() == 0
    assert wecom.fake.received(SEND) == []


async def test_url_verification_answers_the_echostr(wecom: WeComSession) -> None:
    encrypted = ref.encrypt(AES_KEY, b"echo-20261124", CORP_ID)
    ts = str(int(wecom.epoch()))
    query = {"msg_signature": ref.sign(TOKEN, ts, "n", encrypted), "timestamp": ts, "nonce": "n",
             "echostr": encrypted}
    async with wecom.http.get(wecom.base_url + PATH, params=query) as resp:
        assert resp.status == 200
        assert await resp.text() == "echo-20261124"


@pytest.fixture
async def production(db_url: str, fake_wecom: TimedFakeWeCom) -> AsyncIterator[WeComSession]:
    session = await start_session(db_url, fake_wecom, None)
    try:
        yield session
    finally:
        await session.close()


async def test_config_alone_wires_the_channel_into_bootstrap_and_the_web_app(production: WeComSession) -> None:
    async with production.http.get(production.base_url + "/healthz") as resp:
        assert (await resp.json())["channels"] == ["webhook", "wecom"]  # outgoing webhooks are always on (#16)
    reply = only(await production.say("新客户 杭州明途信息技术有限公司"))
    assert "已创建客户" in reply
    async with production.app.uow_factory() as uow:  # the token lives in the shared database
        stored = await uow.settings.get(f"wecom:{CORP_ID}:{AGENT_ID}")
    assert isinstance(stored, dict) and stored["token"] == production.fake.issued[-1]
