"""Free text through the console channel: understood, recorded, echoed, undone, corrected."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.e2e.conftest import SHANGHAI
from tests.e2e.harness import Console

VISIT = "今天去苏州拜访了恒瑞智能装备有限公司的周总，预算大概80万，下周三上午10点带方案过去"


async def counts(console: Console) -> dict[str, int]:
    async with console.app.uow_factory() as uow:
        deals = await uow.opportunities.list()
        followups = sum([len(await uow.followups.for_opportunity(d.id or 0)) for d in deals])
        reps = await uow.reps.list()
        reminders = sum([len(await uow.reminders.pending_for(r.id or 0)) for r in reps])
        contacts = sum([len(await uow.contacts.for_customer(c.id or 0)) for c in await uow.customers.list()])
        return {"customers": await uow.customers.count(), "contacts": contacts, "deals": len(deals),
                "followups": followups, "reminders": reminders}


async def test_a_visit_note_creates_customer_contact_deal_followup_and_reminder(console: Console) -> None:
    out = await console.say(VISIT)
    assert "恒瑞智能装备有限公司（新）" in out and "周总（新）" in out and "80万" in out
    assert "下周三(12月2日) 10:00" in out  # the resolved date is written out
    assert await counts(console) == {"customers": 1, "contacts": 1, "deals": 1, "followups": 1, "reminders": 1}
    async with console.app.uow_factory() as uow:
        opp = await uow.opportunities.get(1)
    assert opp.next_at == datetime(2026, 12, 2, 10, 0, tzinfo=SHANGHAI)


async def test_undo_removes_everything_the_sentence_created(console: Console) -> None:
    await console.say(VISIT)
    assert "已撤销" in await console.say("撤销")
    assert await counts(console) == {"customers": 0, "contacts": 0, "deals": 0, "followups": 0, "reminders": 0}


async def test_a_correction_changes_the_date_and_keeps_the_time(console: Console) -> None:
    await console.say(VISIT)
    out = await console.say("改成周四")
    assert "已更正" in out and "下周四(12月3日) 10:00" in out
    assert await counts(console) == {"customers": 1, "contacts": 1, "deals": 1, "followups": 1, "reminders": 1}
    async with console.app.uow_factory() as uow:
        (deal,) = await uow.opportunities.list()  # redone: SQLite may reuse the number, PostgreSQL does not
    assert deal.next_at == datetime(2026, 12, 3, 10, 0, tzinfo=SHANGHAI)


async def test_corrections_accumulate(console: Console) -> None:
    await console.say(VISIT)
    await console.say("改成周四")
    out = await console.say("金额是95万")
    assert "95万" in out and "下周四(12月3日) 10:00" in out


async def test_a_known_customer_is_recognised_by_its_short_name(console: Console) -> None:
    await console.say("新客户 苏州恒瑞智能装备有限公司 区域 华东")
    out = await console.say("下午和恒瑞的周总通了电话，明天上午9点发方案")
    assert "苏州恒瑞智能装备有限公司" in out and "（新）" in out.split("联系人")[1]  # the contact is new
    assert "苏州恒瑞智能装备有限公司（新）" not in out
    assert (await counts(console))["customers"] == 1


async def test_a_later_note_on_the_same_customer_goes_to_its_open_deal(console: Console) -> None:
    await console.say(VISIT)
    out = await console.say("恒瑞的周总回电话了，方案基本认可，12月8日前给报价")
    assert "#1" in out and (await counts(console))["deals"] == 1


async def test_stage_quote_and_payment_sentences_act_on_the_deal(console: Console) -> None:
    await console.say(VISIT)
    assert "方案提案" in await console.say("#1 推进到方案阶段")
    out = await console.say("#1 报价调整为36.8万元，含两年维保")
    assert "v1" in out and "36.8万" in out
    assert "谈判" in await console.say("#1 进入商务谈判")
    assert "赢单" in await console.say("#1 赢单了，合同金额40万")
    async with console.app.uow_factory() as uow:
        opp = await uow.opportunities.get(1)
    assert opp.stage.value == "won" and opp.amount is not None and opp.amount.amount == 400000


async def test_english_sentences_work_too(console: Console) -> None:
    out = await console.say("Met Initrode Systems Ltd's COO Mark Chen today, budget around $90k, follow up next "
                            "Thursday", as_user="chen")
    assert "Initrode Systems Ltd (new)" in out and "Mark Chen (new)" in out and "$90,000" in out


async def test_a_reminder_sentence_is_delivered_when_due(console: Console) -> None:
    out = await console.say("提醒我明天下午3点给周总打电话")
    assert "明天(11月25日) 15:00" in out
    assert await console.tick(timedelta(hours=28)) == ""
    assert "给周总打电话" in await console.tick(timedelta(hours=2))


@pytest.mark.parametrize(("text", "expected"), [
    ("预算60", "没有单位"),  # a bare number is asked back, never guessed
    ("😀😀😀", "没有可识别的文字"),
    ("跟进一下", "缺少商机号"),  # a command word without its arguments gets the command's usage
    ("嗯嗯，好的，收到", "没看懂"),
])
async def test_unclear_sentences_write_nothing_and_say_why(console: Console, text: str, expected: str) -> None:
    before = await counts(console)
    out = await console.say(text)
    assert expected in out
    assert await counts(console) == before


async def test_two_matching_customers_are_asked_back(console: Console) -> None:
    await console.say("新客户 杭州明途信息技术有限公司")
    await console.say("新客户 上海明途数据有限公司")
    before = await counts(console)
    out = await console.say("今天拜访了明途的何总，下周一再约")
    assert "多个" in out or "matches several" in out
    assert await counts(console) == before


async def test_a_correction_with_nothing_to_correct_is_refused(console: Console) -> None:
    assert "没有可以更正的记录" in await console.say("改成周三")
