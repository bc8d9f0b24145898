"""A rep works with dealbot in DingTalk exactly as in the console: stream frames in, replies out."""

from __future__ import annotations

import json

from storage.models import CustomerRow, FollowUpRow, InboxRow, OpportunityRow
from tests.dingtalk.fake_api import Recorded
from tests.dingtalk_e2e.harness import SESSION, TO_GROUP, TO_USERS, DingTalkSession, shown


def only(sends: list[Recorded]) -> str:
    assert len(sends) == 1, [(r.path, shown(r)) for r in sends]
    return shown(sends[0])


async def test_one_to_one_text_is_recorded_and_answered_once_through_the_session_webhook(
        dingtalk: DingTalkSession) -> None:
    [created] = await dingtalk.say("新客户 杭州明途信息技术有限公司 行业 制造 区域 华东")
    assert created.path == SESSION and created.body["msgtype"] == "markdown"
    assert "已创建客户" in shown(created) and "明途" in shown(created)
    assert await dingtalk.row_counts(CustomerRow, InboxRow) == (1, 1)
    [deal] = await dingtalk.say("新商机 明途 智能工厂MES 80万")
    assert deal.body["msgtype"] == "text" and "#1" in shown(deal)
    assert "已记录跟进" in only(await dingtalk.say("跟进 #1 电话沟通了报价 下次 2026-12-01 带方案拜访"))
    assert "不能从" in only(await dingtalk.say("阶段 #1 赢单"))
    assert "方案提案" in only(await dingtalk.say("阶段 #1 方案"))
    assert "v1" in only(await dingtalk.say("报价 #1 52.8万 含三年运维"))
    assert "谈判" in only(await dingtalk.say("阶段 #1 谈判"))
    assert "赢单" in only(await dingtalk.say("赢单 #1 96万"))
    async with dingtalk.app.uow_factory() as uow:
        deal_row = await uow.opportunities.get(1)
        assert deal_row is not None and deal_row.stage.value == "won"
        assert deal_row.amount is not None and deal_row.amount.amount == 960_000
    assert await dingtalk.row_counts(OpportunityRow, FollowUpRow) == (1, 1)


async def test_group_mention_is_answered_in_the_group(dingtalk: DingTalkSession) -> None:
    await dingtalk.say("新客户 杭州明途信息技术有限公司 区域 华东")
    [reply] = await dingtalk.say("新商机 明途 智能工厂MES 80万", group="cidGroup01")
    assert reply.path == SESSION and "#1" in shown(reply)
    assert await dingtalk.row_counts(OpportunityRow) == (1,)  # recorded from the group, as from a chat
    # a webhook DingTalk says has expired (errcode 300001): the reply goes to the group through the OpenAPI
    tried, api = await dingtalk.say("#1", group="cidGroup01", expired=True)
    assert tried.path == SESSION and api.path == TO_GROUP and api.body["openConversationId"] == "cidGroup01"
    assert api.body["msgKey"] == "sampleMarkdown" and "MES" in json.loads(api.body["msgParam"])["text"]
    # a webhook past its stated expiry is not even tried
    [direct] = await dingtalk.say("#1", group="cidGroup01", lapsed=True)
    assert direct.path == TO_GROUP and "MES" in shown(direct)


async def test_one_to_one_reply_after_the_webhook_lapsed_goes_through_batch_send(dingtalk: DingTalkSession) -> None:
    [reply] = await dingtalk.say("新客户 杭州明途信息技术有限公司 区域 华东", lapsed=True)
    assert reply.path == TO_USERS and reply.body["userIds"] == ["zhangwei"]
    assert reply.body["robotCode"] == "dingfakeclient" and "已创建客户" in shown(reply)


async def test_unknown_sender_gets_a_polite_reply_and_nothing_is_recorded(dingtalk: DingTalkSession) -> None:
    reply = only(await dingtalk.say("新客户 杭州明途信息技术有限公司", staff="stranger99"))
    assert "你还不是 dealbot 的用户" in reply and "dingtalk:stranger99" in reply
    assert await dingtalk.row_counts(CustomerRow) == (0,)


async def test_pictures_and_files_are_acknowledged_and_answered_politely(dingtalk: DingTalkSession) -> None:
    for kind, content in (("picture", {"downloadCode": "x"}), ("file", {"fileName": "a.pdf"}),
                          ("audio", {"recognition": "你好"})):
        assert "只支持文字消息" in only(await dingtalk.say("", msgtype=kind, content=content))
    rich = {"richText": [{"text": "新客户 杭州明途信息技术有限公司"}, {"downloadCode": "p"}, {"text": "区域 华东"}]}
    assert "已创建客户" in only(await dingtalk.say("", msgtype="richText", content=rich))
    assert await dingtalk.row_counts(CustomerRow) == (1,)


async def test_english_rep_gets_english_replies(dingtalk: DingTalkSession) -> None:
    reply = only(await dingtalk.say("blah", staff="chenchen"))
    assert "Could not tell what this message is about" in reply
