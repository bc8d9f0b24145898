"""Bad input gets a clear zh/en reply; the database is unchanged; nothing crashes."""

from __future__ import annotations

import pytest

from tests.e2e.harness import Console


@pytest.fixture
def console(console_with_deal: Console) -> Console:
    return console_with_deal


async def counts(console: Console) -> tuple[int, ...]:
    async with console.app.uow_factory() as uow:
        quotes = await uow.quotes.for_opportunity(1)
        followups = await uow.followups.for_opportunity(1)
        opp = await uow.opportunities.get(1)
        return len(quotes), len(followups), len(opp.history), await uow.customers.count()


@pytest.mark.parametrize(("text", "expected"), [
    ("报加 #1 10万", "你是不是想用"),
    ("报价 #1 abc万", "金额「abc万」看不懂"),
    ("报价 #1", "缺少金额"),
    ("报价 10万", "缺少商机号"),
    ("报价 #999 10万", "找不到商机 #999"),
    ("跟进 #1 开会 下次 2月30日", "日期「2月30日」无效"),
    ("阶段 #1 赢单", "不能从"),
    ("阶段 #1 飞起", "看不懂目标阶段"),
    ("输单 #1", "缺少输单原因"),
    ("新客户 杭州明途信息技术有限公司", "已存在"),
    ("😀😀😀", "没有可识别的文字"),
    ("嗯嗯，好的，收到", "没看懂"),
    ("x" * 100_000, "消息太长"),
    ("   ", "没有收到文字内容"),
])
async def test_bad_input_is_explained_and_changes_nothing(console: Console, text: str, expected: str) -> None:
    before = await counts(console)
    out = await console.say(text)
    assert expected in out
    assert "用法" in out or expected in out
    assert await counts(console) == before


async def test_errors_are_in_english_for_english_users(console: Console) -> None:
    await console.say("customer add Initrode Systems Ltd", as_user="chen")
    assert "Deal #2 created" in await console.say("deal add Initrode ERP 75k", as_user="chen")
    out = await console.say("quote #2 abc万", as_user="chen")
    assert "cannot read the amount" in out and "Usage: quote #12" in out
    assert "No deal #1 found" in await console.say("quote #1 10万", as_user="chen")


async def test_unknown_sender_is_told_to_ask_an_admin_and_nothing_is_recorded(console: Console) -> None:
    before = await counts(console)
    out = await console.say("新客户 某某有限公司", as_user="stranger")
    assert "联系管理员" in out and "ask an admin" in out
    assert await counts(console) == before


async def test_mixed_scripts_and_emoji_in_notes_are_kept(console: Console) -> None:
    out = await console.say("跟进 #1 和 CTO Mark 聊了 🚀 API 对接")
    assert "🚀" in out


async def test_money_cannot_be_recorded_on_a_lost_deal(console: Console) -> None:
    await console.say("输单 #1 价格 原因:竞品低价")
    before = await counts(console)
    for text in ("报价 #1 10万", "回款 #1 10万", "发票 #1 已开 10万", "合同 #1 10万", "回款计划 #1 100% 2026-12-31"):
        out = await console.say(text)
        assert "已输单" in out, text
    assert await counts(console) == before
    async with console.app.uow_factory() as uow:
        for records in (uow.payments, uow.invoices, uow.contracts, uow.milestones):
            assert await records.for_opportunity(1) == []
    assert "已输单" in await console.say("报价 #1 10万", as_user="admin")  # whoever asks


async def test_an_implausible_contract_date_is_refused(console: Console) -> None:
    assert "不合理" in await console.say("合同 #1 80万 1900-01-01")
    assert "HT-" in await console.say("合同 #1 80万 2026-11-20")
