"""离职交接 / handover: a whole book moves in one audited step, everyone is told, undo puts it back; refusals
change nothing (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import event

from storage.uow import SqlAlchemyUnitOfWork
from tests.e2e.conftest import NOW
from tests.e2e.handover_world import handover_audits, ids, outbox_to, seed_big_book, seed_book, state
from tests.e2e.harness import Console, start_console


@pytest.fixture
async def admin(db_url: str) -> AsyncIterator[Console]:
    session = await start_console(db_url, "admin", NOW)
    yield session
    await session.app.close()


async def test_a_whole_book_moves_and_everyone_gets_the_summary(admin: Console) -> None:
    people = await seed_book(admin)
    zw, ln, cc = people["张伟"], people["李娜"], people["陈晨"]
    before = await state(admin)
    out = await admin.say("离职交接 张伟 → 李娜")
    after = await state(admin)
    moved_customers = [c for c, owner in before["customers"] if owner == zw]
    assert [c for c, owner in after["customers"] if owner == ln] == sorted([*moved_customers, 4])
    assert not [c for c, owner in after["customers"] if owner == zw]
    lead_owners = {lead[3]: lead[1] for lead in after["leads"]}
    assert lead_owners == {"assigned": ln, "new": ln, "converted": zw}  # the converted lead keeps its history
    deal_owner = {d[0]: d[1] for d in after["deals"]}
    assert [deal_owner[i] for i in (1, 2, 3)] == [ln] * 3 and [deal_owner[i] for i in (4, 5)] == [zw] * 2
    assert {(i, ln) for i in (4, 5)} <= set(after["shares"])  # closed deals: credited to 张伟, shared with 李娜
    assert set(after["shares"]) == {(1, cc), (4, ln), (5, ln), (7, ln)}  # 陈晨's deal: 李娜 instead of 张伟
    assert sorted(r[1] for r in after["reminders"]) == [zw, ln, ln, ln]  # the done one stays
    assert (zw, False) in after["active"]
    for line in ("客户 3 个", "线索 2 条", "进行中的商机 3 个，金额合计 110万 + $5,000", "提醒 3 条",
                 "已结束的商机 2 个", "同事共享给 张伟 的商机 2 个", "张伟 的账号已停用"):
        assert line in out, line
    for recipient in ("lina", "zhangwei", "wang"):  # successor, leaver, manager; the asker has the reply
        (summary,) = await outbox_to(admin, recipient)
        assert "客户 3 个" in summary and "提醒 3 条" in summary
    assert (await outbox_to(admin, "admin"))[0].startswith("离职交接：张伟 → 李娜（管理员 操作）")
    ((leaver, changes),) = await handover_audits(admin)
    assert leaver == zw and changes["to"] == ln and len(changes["moved"]["customers"]) == 3


async def test_undo_puts_every_owner_share_reminder_and_the_account_back(admin: Console) -> None:
    await seed_book(admin)
    before = await state(admin)
    await admin.say("离职交接 张伟给李娜")
    assert await state(admin) != before
    out = await admin.say("撤销")
    assert "已撤销 张伟 的离职交接" in out and "11 条记录已归还" in out
    assert await state(admin) == before
    for recipient in ("lina", "zhangwei", "wang"):  # everyone the handover told hears of its undo
        assert "管理员 撤销了 张伟 的离职交接：11 条记录已归还" in (await outbox_to(admin, recipient))[-1]


async def test_undo_leaves_what_the_successor_handed_on_since(admin: Console) -> None:
    await seed_book(admin)
    await admin.say("离职交接 张伟 → 李娜")
    await admin.say("转给 #1 陈晨", as_user="lina")
    out = await admin.say("撤销", as_user="admin")
    assert "7 条记录已归还；4 条记录此后已被改动" in out  # #1 and its 3 reminders went on to 陈晨
    deals = {d[0]: d[1] for d in (await state(admin))["deals"]}
    people = await ids(admin)
    assert deals[1] == people["陈晨"] and deals[2] == people["张伟"]


async def test_a_manager_hands_over_within_the_team_in_english(admin: Console) -> None:
    await seed_book(admin)
    out = await admin.say("handover 张伟 to 李娜 keep account", as_user="wang")
    assert "客户 3 个" in out and "保留了 张伟 的账号" in out
    after = await state(admin)
    assert (await ids(admin))["张伟"] in {rep for rep, active in after["active"] if active}
    assert len(await outbox_to(admin, "lina")) == 1
    (reply,) = await outbox_to(admin, "wang")  # the asker: the reply, no second copy
    assert reply.startswith("离职交接：张伟 → 李娜（王经理 操作）")


@pytest.mark.parametrize(("user", "text", "reason"), [
    ("lina", "离职交接 张伟 → 李娜", "只有管理员或团队经理可以做离职交接"),
    ("wang", "离职交接 张伟 → 陈晨", "陈晨 在其他团队，跨团队交接需要管理员操作"),
    ("wang", "离职交接 陈晨 → 李娜", "陈晨 不在你管理的团队"),
    ("admin", "离职交接 张伟 → 张伟", "请写两个不同的人"),
    ("admin", "离职交接 张薇 → 李娜", "找不到同事「张薇」（是不是「张伟」？）"),
    ("admin", "离职交接 张伟", "请写出离职的人和接手的人"),
    ("admin", "离职交接 王经理 → 李娜", "王经理 名下没有需要交接的"),
    ("wang", "离职交接 王经理 → 李娜", "不能交接自己的客户"),
])
async def test_refusals_say_why_and_change_nothing(admin: Console, user: str, text: str, reason: str) -> None:
    await seed_book(admin)
    before = await state(admin)
    out = await admin.say(text, as_user=user)
    assert reason in out
    assert await state(admin) == before and await handover_audits(admin) == []
    for recipient in ("lina", "zhangwei", "wang", "chen", "admin"):
        sent = await outbox_to(admin, recipient)
        assert sent == ([out.strip()] if recipient == user else []), recipient


async def test_an_inactive_successor_is_refused(admin: Console) -> None:
    await seed_book(admin)
    await admin.say("离职交接 李娜 → 陈晨")  # 李娜 has a customer: she leaves first
    before = await state(admin)
    out = await admin.say("离职交接 张伟 → 李娜")
    assert "李娜 的账号已停用，不能接手" in out and await state(admin) == before


async def test_the_same_handover_twice_moves_nothing_the_second_time(admin: Console) -> None:
    await seed_book(admin)
    await admin.say("离职交接 张伟 → 李娜")
    before, sent = await state(admin), await outbox_to(admin, "lina")
    out = await admin.say("离职交接 张伟 → 李娜")
    assert "张伟 名下没有需要交接的" in out and "已于 2026-11-24 10:00 交接给 李娜" in out
    assert await state(admin) == before and await outbox_to(admin, "lina") == sent
    assert len(await handover_audits(admin)) == 1


async def test_a_big_book_moves_with_set_based_updates(admin: Console) -> None:
    people = await ids(admin)
    async with admin.app.uow_factory() as uow:
        assert isinstance(uow, SqlAlchemyUnitOfWork)
        await seed_big_book(uow, people["张伟"], (await uow.reps.get(people["张伟"])).team_id, 5000)
    statements: list[str] = []

    def listener(conn: object, cursor: object, sql: str, *rest: object) -> None:  # before_cursor_execute
        statements.append(sql)
    event.listen(admin.app.engine.sync_engine, "before_cursor_execute", listener)
    out = await admin.say("离职交接 张伟 → 李娜")
    event.remove(admin.app.engine.sync_engine, "before_cursor_execute", listener)
    assert "进行中的商机 5000 个，金额合计 5000万" in out
    assert len([sql for sql in statements if sql.lstrip().upper().startswith("UPDATE OPPORTUNITIES")]) == 1
    assert len(statements) < 80  # the whole message, inbox to outbox: no statement per deal
    after = await state(admin)
    assert sum(1 for d in after["deals"] if d[1] == people["李娜"]) == 5000
    ((_, changes),) = await handover_audits(admin)
    assert sum(len(v) for v in changes["moved"]["deals"].values()) == 5000
    out = await admin.say("撤销")
    assert "5001 条记录已归还" in out
    assert sum(1 for d in (await state(admin))["deals"] if d[1] == people["张伟"]) == 5000


async def test_the_leaver_cannot_undo_an_earlier_action_once_the_book_is_handed_over(admin: Console) -> None:
    await admin.say("新客户 杭州明途信息技术有限公司 区域 华东", as_user="zhangwei")
    await admin.say("离职交接 张伟 → 李娜 保留账号", as_user="admin")
    before = await state(admin)
    out = await admin.say("撤销", as_user="zhangwei")
    assert "无法撤销" in out and "管理员" in out
    assert await state(admin) == before and before["customers"] == [(1, (await ids(admin))["李娜"])]


async def test_a_leaver_whose_account_was_closed_is_told_so(admin: Console) -> None:
    await seed_book(admin)
    await admin.say("离职交接 张伟 → 李娜")
    out = await admin.say("我的商机", as_user="zhangwei")
    assert "张伟，你的 dealbot 账号已停用" in out and "还不是 dealbot 的用户" not in out
