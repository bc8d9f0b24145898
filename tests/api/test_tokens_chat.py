"""`令牌` / `token` in chat: admins make, list and revoke API tokens; the secret is shown once, only its hash
is stored; anyone else and any malformed command changes nothing."""

from __future__ import annotations

import uuid
from dataclasses import replace

from sqlalchemy import select

from connectors.base import InboundMessage
from domain.api_tokens import hash_secret
from storage.models import OutboxRow
from storage.repositories.api_tokens import SqlAlchemyApiTokenRepository
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


async def _english_admin(api: Api) -> None:
    async with api.console.app.uow_factory() as uow:
        admin = next(r for r in await uow.reps.list() if r.identities.get("console") == "admin")
        admin.locale = "en"
        await uow.reps.save(admin)
        await uow.commit()


async def test_a_name_of_an_active_token_is_refused_and_nothing_is_stored(api: Api) -> None:
    secret = await api.token("财务系统 只读")
    [before] = await api.tokens()
    reply = await api.console.say("令牌 新建 财务系统 读写")
    assert "已有名为「财务系统」的有效令牌" in reply and f"{before.prefix}…" in reply and "未新建" in reply, reply
    assert "请换一个名称" in reply and "令牌 撤销 财务系统" in reply and "dbt_" not in reply.replace(before.prefix, "")
    await _english_admin(api)
    english = await api.console.say("token new 财务系统 write")
    assert "An active token is already named '财务系统'" in english and "nothing was created" in english, english
    assert "Choose another name" in english and "token revoke 财务系统" in english
    assert await api.tokens() == [before]
    assert (await api.call("GET", "/customers", secret))[0] == 200


async def test_revoke_by_name_ends_one_token_and_its_name_may_be_used_again(api: Api) -> None:
    first = await api.token("财务系统 只读")
    other = await api.token("ERP 只读")
    assert "已撤销令牌：财务系统" in await api.console.say("令牌 撤销 财务系统")
    second = await api.token("财务系统 读写")
    rows = await api.tokens()
    assert [(r.name, r.access.value, r.revoked_at is None) for r in rows] == [
        ("财务系统", "read", False), ("ERP", "read", True), ("财务系统", "write", True)]
    assert [r.revoked_at for r in rows] == [NOW, None, None]
    assert [(await api.call("GET", "/customers", s))[0] for s in (first, other, second)] == [401, 200, 200]
    assert "已撤销令牌：财务系统" in await api.console.say("令牌 撤销 财务系统")
    assert [r.revoked_at is None for r in await api.tokens()] == [False, True, False]
    assert (await api.call("GET", "/customers", other))[0] == 200


async def test_two_active_tokens_of_one_name_from_before_are_revoked_by_number(api: Api) -> None:
    await api.token("财务系统 只读")
    async with api.console.app.uow_factory() as uow:  # a twin made before names were unique
        assert isinstance(uow, SqlAlchemyUnitOfWork)
        repo = SqlAlchemyApiTokenRepository(uow.session)
        [made] = await repo.everyone()
        await repo.add(replace(made, id=None, prefix="dbt_twin0000", secret_hash="0" * 64))
        await uow.commit()
    reply = await api.console.say("令牌 撤销 财务系统")
    ids = [r.id for r in await api.tokens()]
    assert f"有 2 个有效令牌名为「财务系统」（编号 {ids[0]}, {ids[1]}），未撤销" in reply, reply
    assert f"令牌 撤销 {ids[0]}" in reply
    assert [r.revoked_at for r in await api.tokens()] == [None, None]
    assert "已撤销令牌" in await api.console.say(f"令牌 撤销 {ids[1]}")
    assert [r.revoked_at for r in await api.tokens()] == [None, NOW]


async def test_a_name_of_digits_alone_is_refused_as_it_would_read_as_a_number(api: Api) -> None:
    """`令牌 撤销 1` must mean token number 1: a token named 1 (or ２) would make it name another."""
    await api.token("财务系统 只读")
    [before] = await api.tokens()
    for words in ("1 只读", "\"2\" 读写", "２ 只读"):
        reply = await api.console.say(f"令牌 新建 {words}")
        assert "令牌名称不能只是数字" in reply and "令牌 新建 财务系统 只读" in reply and "dbt_" not in reply, reply
    await _english_admin(api)
    english = await api.console.say("token new \"7\" read")
    assert "the name cannot be a number alone" in english and "dbt_" not in english, english
    assert await api.tokens() == [before]
    assert "Revoked: 财务系统" in await api.console.say(f"token revoke {before.id}")
    assert [t.revoked_at for t in await api.tokens()] == [NOW]
