"""`令牌` / `token` in chat: admins make, list and revoke API tokens; the secret is shown once, only its hash
is stored; anyone else and any malformed command changes nothing."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from connectors.base import InboundMessage
from domain.api_tokens import hash_secret
from storage.models import OutboxRow
from storage.uow import SqlAlchemyUnitOfWork
from tests.api.conftest import NOW, SECRET, Api


async def test_admin_creates_a_read_token_whose_hash_alone_is_stored(api: Api) -> None:
    secret = await api.token("财务系统 只读 资源 客户,商机 团队 华东一组")
    [row] = await api.tokens()
    assert row.name == "财务系统" and row.access.value == "read"
    assert row.resources == ["customers", "opportunities"]
    assert row.secret_hash == hash_secret(secret) and secret not in (row.secret_hash, row.prefix)
    assert secret.startswith(row.prefix + "_") and row.revoked_at is None and row.last_used_at is None
    async with api.console.app.uow_factory() as uow:
        teams = {t.name: t.id for t in await uow.teams.list()}
    assert row.team_id == teams["华东一组"]
    status, body, _ = await api.call("GET", "/customers", secret)
    assert status == 200 and body == {"data": [], "next_cursor": None}


async def test_english_command_makes_a_write_token_for_everything(api: Api) -> None:
    reply = await api.console.say("token new \"ERP sync\" write")
    rows = await api.tokens()
    assert [(r.name, r.access.value, r.resources, r.team_id) for r in rows] == [("ERP sync", "write", [], None)]
    found = SECRET.search(reply)
    assert found and hash_secret(found.group(0)) == rows[0].secret_hash and "只显示这一次" in reply


async def test_a_rep_is_refused_with_a_reason_and_nothing_is_stored(api: Api) -> None:
    reply = await api.console.say("令牌 新建 财务系统 只读", as_user="zhangwei")
    assert "只有管理员可以管理 API 令牌" in reply and "dbt_" not in reply
    assert await api.tokens() == []


async def test_bad_input_explains_how_to_write_it_and_stores_nothing(api: Api) -> None:
    for words, problem in (("财务系统", "请写权限"), ("财务系统 全部", "请写权限"),
                           ("财务系统 只读 资源 火箭", "不认识资源「火箭」"),
                           ("财务系统 只读 团队 火星", "不认识团队「火星」"), ("", "缺少令牌名称")):
        reply = await api.console.say(f"令牌 新建 {words}")
        assert problem in reply and "令牌 新建 财务系统 只读" in reply, reply
    assert await api.tokens() == []


async def test_list_shows_prefix_scope_and_last_use_never_the_secret(api: Api) -> None:
    secret = await api.token("财务系统 只读 团队 华东一组")
    await api.call("GET", "/customers", secret)
    reply = await api.console.say("令牌 列表")
    [row] = await api.tokens()
    assert row.prefix in reply and "财务系统" in reply and "华东一组" in reply and "只读" in reply
    assert secret not in reply and "从未使用" not in reply
    assert row.last_used_at is not None


async def test_a_chinese_reply_names_the_resources_in_chinese(api: Api) -> None:
    made = await api.console.say("令牌 新建 ERP同步 读写 资源 客户,商机 团队 华东一组")
    listed = await api.console.say("令牌 列表")
    [row] = await api.tokens()
    assert row.resources == ["customers", "opportunities"]
    for reply in (made, listed):
        assert "读写 · 客户、商机 · 团队 华东一组" in reply and "customers" not in reply, reply


async def test_revoked_token_is_refused_at_once(api: Api) -> None:
    secret = await api.token("财务系统 只读")
    assert (await api.call("GET", "/customers", secret))[0] == 200
    reply = await api.console.say("令牌 撤销 财务系统")
    assert "已撤销" in reply
    status, body, headers = await api.call("GET", "/customers", secret)
    assert status == 401 and body["status"] == 401 and headers["Content-Type"].startswith(
        "application/problem+json")
    [row] = await api.tokens()
    assert row.revoked_at is not None
    assert "没有名为或编号为「nope」的有效令牌" in await api.console.say("令牌 撤销 nope")


async def test_token_asked_in_a_group_goes_privately(api: Api) -> None:
    app = api.console.app
    await app.bot.receive(InboundMessage(channel="console", external_id=uuid.uuid4().hex, conversation_id="group-1",
                                         sender_id="admin", sender_name="管理员", text="token new ERP write",
                                         received_at=NOW))
    async with app.uow_factory() as uow:
        assert isinstance(uow, SqlAlchemyUnitOfWork)
        sent = [(r.recipient, r.text) for r in await uow.session.scalars(select(OutboxRow).order_by(OutboxRow.id))]
    [row] = await api.tokens()
    group = [text for to, text in sent if to == "group-1"]
    private = [text for to, text in sent if to == "admin"]
    assert len(group) == 1 and "dbt_" not in group[0] and "私信" in group[0]
    [secret] = [m.group(0) for text in private if (m := SECRET.search(text))]
    assert hash_secret(secret) == row.secret_hash
